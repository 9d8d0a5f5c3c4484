-- SIP trunks: where outbound calls go. At most one is the default.
CREATE TABLE trunks (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	name_key      TEXT NOT NULL UNIQUE,
	description   TEXT NOT NULL DEFAULT '',
	host          TEXT NOT NULL,
	port          INTEGER NOT NULL,
	transport     TEXT NOT NULL,         -- udp, tcp, tls
	username      TEXT NOT NULL DEFAULT '',
	password      TEXT NOT NULL DEFAULT '', -- digest password; redacted in the audit log
	number_format TEXT NOT NULL,         -- E164, DIGITS
	is_default    INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX trunks_default ON trunks (is_default) WHERE is_default = 1;
