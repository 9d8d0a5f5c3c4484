-- The router's persistent side: its event stream (resumable by sequence number across restarts)
-- and one record per live contact, so that queues can be rebuilt after a restart.

CREATE TABLE routing_events (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	id        TEXT NOT NULL UNIQUE,
	timestamp TEXT NOT NULL,
	data      TEXT NOT NULL -- JSON: parley.RoutingEvent
);

CREATE TABLE routing_contacts (
	contact_id TEXT PRIMARY KEY,
	open       INTEGER NOT NULL, -- 1 until the contact is completed
	record     TEXT NOT NULL,    -- JSON: the router's ContactRecord
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX routing_contacts_open ON routing_contacts (open, created_at);
