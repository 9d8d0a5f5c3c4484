// Package sqlite is Parley's store on SQLite (github.com/mattn/go-sqlite3): the schema and its
// embedded migrations, and one service per domain interface (UserService, QueueService, ...,
// AuditService), each named after the parley interface it implements.
//
// A DB is one database file in WAL mode with foreign keys on. Every change runs in one write
// transaction (BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout instead of
// deadlocking) that holds the change, its join rows and its audit entry, so a crash leaves
// either all of it or none. Reads run in deferred transactions and see one snapshot.
//
// Services call each entity's Validate method, then check what only the store can know:
// references exist (EInvalid naming the field), names are unique case-insensitively per entity
// type (EConflict), and nothing still uses an entity being deleted (EConflict naming the user).
// Foreign keys back these checks up. Configuration changes are written to the audit log with
// the actor from parley.ActorFromContext; traffic (contacts, CTRs, agent events) is not.
//
// Build with the libsqlite3 tag to link the system's SQLite instead of compiling the
// amalgamation; both builds behave the same.
package sqlite
