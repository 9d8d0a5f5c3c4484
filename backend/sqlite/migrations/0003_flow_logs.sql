-- Flow logs: each executed action of a contact's flows while logging is on (and every error).
CREATE TABLE flow_logs (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	contact_id TEXT NOT NULL,
	time       TEXT NOT NULL,
	flow_id    TEXT NOT NULL DEFAULT '',
	action_id  TEXT NOT NULL DEFAULT '',
	type       TEXT NOT NULL DEFAULT '',
	params     TEXT, -- JSON object
	result     TEXT NOT NULL DEFAULT '',
	error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX flow_logs_contact ON flow_logs (contact_id, seq);
