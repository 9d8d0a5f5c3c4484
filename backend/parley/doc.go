// Package parley is Parley's domain: the types of a contact-center instance's configuration
// (users, security profiles, agent statuses, hours of operation, queues, routing profiles,
// quick connects, phone numbers, flows, prompts, external functions) and of its traffic
// (contacts, contact trace records, agent events), the audit log, typed IDs, string enums,
// error codes, and the service interfaces that adapters implement.
//
// It imports the standard library only. Adapters (backend/sqlite, backend/http, ...) depend on
// it; it depends on none of them.
package parley
