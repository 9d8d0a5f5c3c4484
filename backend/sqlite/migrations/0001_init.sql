-- 0001_init: the whole configuration, traffic and audit schema.
--
-- Conventions: IDs are TEXT (UUIDs from the store's ID source). Times are TEXT in UTC,
-- formatted 2006-01-02T15:04:05.000000000Z (fixed width, so text order is time order).
-- Names that must be unique case-insensitively have a name_key column holding the folded name.
-- References between configuration entities are real foreign keys, ON DELETE RESTRICT; list
-- references live in join tables. Optional references are NULL when unset. Traffic tables
-- (contacts, ctrs, agent_events) keep no foreign keys: they outlive the configuration they name.

CREATE TABLE security_profiles (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '[]', -- JSON array of permission names
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE agent_statuses (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	name_key      TEXT NOT NULL UNIQUE,
	description   TEXT NOT NULL DEFAULT '',
	type          TEXT NOT NULL CHECK (type IN ('ROUTABLE', 'CUSTOM', 'OFFLINE')),
	display_order INTEGER NOT NULL,
	enabled       INTEGER NOT NULL DEFAULT 1,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
-- At most one ROUTABLE and one OFFLINE status.
CREATE UNIQUE INDEX agent_statuses_system_type ON agent_statuses (type) WHERE type <> 'CUSTOM';

CREATE TABLE hours_of_operation (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	time_zone   TEXT NOT NULL,
	config      TEXT NOT NULL DEFAULT '[]', -- JSON: []parley.HoursRange
	overrides   TEXT NOT NULL DEFAULT '[]', -- JSON: []parley.HoursOverride
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE flows (
	id                TEXT PRIMARY KEY,
	name              TEXT NOT NULL,
	name_key          TEXT NOT NULL UNIQUE,
	description       TEXT NOT NULL DEFAULT '',
	type              TEXT NOT NULL,
	content           TEXT NOT NULL, -- the draft
	published_version INTEGER NOT NULL DEFAULT 0,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
);

CREATE TABLE flow_versions (
	flow_id      TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
	version      INTEGER NOT NULL CHECK (version >= 1),
	content      TEXT NOT NULL,
	published_at TEXT NOT NULL,
	published_by TEXT NOT NULL DEFAULT '', -- a user ID, or empty for the system; not a reference
	PRIMARY KEY (flow_id, version)
);
-- Published versions are immutable.
CREATE TRIGGER flow_versions_immutable BEFORE UPDATE ON flow_versions
BEGIN
	SELECT RAISE(ABORT, 'flow versions are immutable');
END;

CREATE TABLE phone_numbers (
	id          TEXT PRIMARY KEY,
	number      TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	flow_id     TEXT REFERENCES flows (id) ON DELETE RESTRICT,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX phone_numbers_flow_id ON phone_numbers (flow_id);

CREATE TABLE queues (
	id                    TEXT PRIMARY KEY,
	name                  TEXT NOT NULL,
	name_key              TEXT NOT NULL UNIQUE,
	description           TEXT NOT NULL DEFAULT '',
	hours_of_operation_id TEXT NOT NULL REFERENCES hours_of_operation (id) ON DELETE RESTRICT,
	max_contacts          INTEGER NOT NULL DEFAULT 0,
	outbound_caller_name  TEXT NOT NULL DEFAULT '',
	outbound_caller_id    TEXT REFERENCES phone_numbers (id) ON DELETE RESTRICT,
	outbound_flow_id      TEXT REFERENCES flows (id) ON DELETE RESTRICT,
	status                TEXT NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
	created_at            TEXT NOT NULL,
	updated_at            TEXT NOT NULL
);
CREATE INDEX queues_hours_of_operation_id ON queues (hours_of_operation_id);
CREATE INDEX queues_outbound_caller_id ON queues (outbound_caller_id);
CREATE INDEX queues_outbound_flow_id ON queues (outbound_flow_id);

CREATE TABLE routing_profiles (
	id                            TEXT PRIMARY KEY,
	name                          TEXT NOT NULL,
	name_key                      TEXT NOT NULL UNIQUE,
	description                   TEXT NOT NULL DEFAULT '',
	media_concurrencies           TEXT NOT NULL DEFAULT '[]', -- JSON: []parley.MediaConcurrency
	default_outbound_queue_id     TEXT NOT NULL REFERENCES queues (id) ON DELETE RESTRICT,
	after_contact_work_time_limit INTEGER NOT NULL DEFAULT 0,
	created_at                    TEXT NOT NULL,
	updated_at                    TEXT NOT NULL
);
CREATE INDEX routing_profiles_default_outbound_queue_id ON routing_profiles (default_outbound_queue_id);

CREATE TABLE routing_profile_queues (
	routing_profile_id TEXT NOT NULL REFERENCES routing_profiles (id) ON DELETE CASCADE,
	queue_id           TEXT NOT NULL REFERENCES queues (id) ON DELETE RESTRICT,
	channel            TEXT NOT NULL CHECK (channel IN ('VOICE', 'CHAT', 'TASK')),
	priority           INTEGER NOT NULL,
	delay              INTEGER NOT NULL DEFAULT 0,
	position           INTEGER NOT NULL, -- order in RoutingProfile.Queues
	PRIMARY KEY (routing_profile_id, queue_id, channel)
);
CREATE INDEX routing_profile_queues_queue_id ON routing_profile_queues (queue_id);

CREATE TABLE users (
	id                 TEXT PRIMARY KEY,
	username           TEXT NOT NULL,
	username_key       TEXT NOT NULL UNIQUE,
	first_name         TEXT NOT NULL DEFAULT '',
	last_name          TEXT NOT NULL DEFAULT '',
	email              TEXT NOT NULL DEFAULT '',
	routing_profile_id TEXT REFERENCES routing_profiles (id) ON DELETE RESTRICT,
	phone_type         TEXT NOT NULL,
	desk_phone_number  TEXT NOT NULL DEFAULT '',
	auto_accept        INTEGER NOT NULL DEFAULT 0,
	password_hash      TEXT NOT NULL, -- argon2id, PHC string; never leaves the store
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL
);
CREATE INDEX users_routing_profile_id ON users (routing_profile_id);

CREATE TABLE user_security_profiles (
	user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	security_profile_id TEXT NOT NULL REFERENCES security_profiles (id) ON DELETE RESTRICT,
	position            INTEGER NOT NULL, -- order in User.SecurityProfileIDs
	PRIMARY KEY (user_id, security_profile_id)
);
CREATE INDEX user_security_profiles_security_profile_id ON user_security_profiles (security_profile_id);

CREATE TABLE quick_connects (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	name_key     TEXT NOT NULL UNIQUE,
	description  TEXT NOT NULL DEFAULT '',
	type         TEXT NOT NULL CHECK (type IN ('USER', 'QUEUE', 'PHONE_NUMBER')),
	user_id      TEXT REFERENCES users (id) ON DELETE RESTRICT,
	queue_id     TEXT REFERENCES queues (id) ON DELETE RESTRICT,
	flow_id      TEXT REFERENCES flows (id) ON DELETE RESTRICT,
	phone_number TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
CREATE INDEX quick_connects_user_id ON quick_connects (user_id);
CREATE INDEX quick_connects_queue_id ON quick_connects (queue_id);
CREATE INDEX quick_connects_flow_id ON quick_connects (flow_id);

CREATE TABLE queue_quick_connects (
	queue_id         TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
	quick_connect_id TEXT NOT NULL REFERENCES quick_connects (id) ON DELETE RESTRICT,
	position         INTEGER NOT NULL, -- order in Queue.QuickConnectIDs
	PRIMARY KEY (queue_id, quick_connect_id)
);
CREATE INDEX queue_quick_connects_quick_connect_id ON queue_quick_connects (quick_connect_id);

CREATE TABLE prompts (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	name_key    TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	type        TEXT NOT NULL CHECK (type IN ('TEXT', 'AUDIO')),
	text        TEXT NOT NULL DEFAULT '',
	audio_file  TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE external_functions (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	name_key        TEXT NOT NULL UNIQUE,
	description     TEXT NOT NULL DEFAULT '',
	url             TEXT NOT NULL,
	secret          TEXT NOT NULL, -- HMAC key; redacted in the audit log
	timeout_seconds INTEGER NOT NULL,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE, -- hex SHA-256 of the token; the token itself is never stored
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE audit_entries (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT NOT NULL UNIQUE,
	time           TEXT NOT NULL,
	actor_id       TEXT NOT NULL DEFAULT '', -- not a reference: entries outlive users
	actor_username TEXT NOT NULL DEFAULT '',
	action         TEXT NOT NULL,
	entity_type    TEXT NOT NULL,
	entity_id      TEXT NOT NULL DEFAULT '',
	entity_name    TEXT NOT NULL DEFAULT '',
	before         TEXT, -- JSON
	after          TEXT  -- JSON
);
CREATE INDEX audit_entries_entity ON audit_entries (entity_type, entity_id);
CREATE INDEX audit_entries_actor_id ON audit_entries (actor_id);
CREATE INDEX audit_entries_time ON audit_entries (time);

CREATE TABLE contacts (
	id                  TEXT PRIMARY KEY,
	initial_contact_id  TEXT NOT NULL DEFAULT '',
	previous_contact_id TEXT NOT NULL DEFAULT '',
	next_contact_id     TEXT NOT NULL DEFAULT '',
	channel             TEXT NOT NULL,
	initiation_method   TEXT NOT NULL,
	state               TEXT NOT NULL,
	name                TEXT NOT NULL DEFAULT '',
	description         TEXT NOT NULL DEFAULT '',
	queue_id            TEXT NOT NULL DEFAULT '',
	agent_id            TEXT NOT NULL DEFAULT '',
	customer_endpoint   TEXT, -- JSON: parley.Endpoint
	system_endpoint     TEXT, -- JSON: parley.Endpoint
	attributes          TEXT, -- JSON object of strings
	initiated_at        TEXT NOT NULL,
	scheduled_at        TEXT,
	disconnected_at     TEXT,
	disconnect_reason   TEXT NOT NULL DEFAULT '',
	updated_at          TEXT NOT NULL
);
CREATE INDEX contacts_initiated_at ON contacts (initiated_at);
CREATE INDEX contacts_state ON contacts (state);
CREATE INDEX contacts_queue_id ON contacts (queue_id);
CREATE INDEX contacts_agent_id ON contacts (agent_id);

CREATE TABLE ctrs (
	contact_id           TEXT PRIMARY KEY,
	initiation_timestamp TEXT NOT NULL,
	channel              TEXT NOT NULL DEFAULT '',
	queue_id             TEXT NOT NULL DEFAULT '',
	agent_id             TEXT NOT NULL DEFAULT '',
	record               TEXT NOT NULL, -- JSON: parley.CTR
	updated_at           TEXT NOT NULL
);
CREATE INDEX ctrs_initiation_timestamp ON ctrs (initiation_timestamp);
CREATE INDEX ctrs_queue_id ON ctrs (queue_id, initiation_timestamp);
CREATE INDEX ctrs_agent_id ON ctrs (agent_id, initiation_timestamp);

CREATE TABLE agent_events (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	id        TEXT NOT NULL UNIQUE,
	type      TEXT NOT NULL,
	timestamp TEXT NOT NULL,
	agent_id  TEXT NOT NULL,
	current   TEXT, -- JSON: parley.AgentSnapshot
	previous  TEXT  -- JSON: parley.AgentSnapshot
);
CREATE INDEX agent_events_agent_id ON agent_events (agent_id, seq);
CREATE INDEX agent_events_timestamp ON agent_events (timestamp);
