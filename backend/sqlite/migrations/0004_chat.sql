-- Chat transcripts: every message, attachment and event of a chat, numbered per chat.
CREATE TABLE chat_items (
	chat_id          TEXT NOT NULL,    -- the chat's initial contact ID
	id               INTEGER NOT NULL, -- 1, 2, 3 ... per chat
	contact_id       TEXT NOT NULL,    -- the contact the chat was on (transfers make new ones)
	type             TEXT NOT NULL,    -- MESSAGE, ATTACHMENT, EVENT
	event            TEXT NOT NULL DEFAULT '',
	participant_id   TEXT NOT NULL,
	participant_role TEXT NOT NULL,    -- CUSTOMER, AGENT, SYSTEM
	user_id          TEXT NOT NULL DEFAULT '',
	display_name     TEXT NOT NULL DEFAULT '',
	content          TEXT NOT NULL DEFAULT '',
	client_id        TEXT NOT NULL DEFAULT '',
	message_id       INTEGER NOT NULL DEFAULT 0,
	attachment       TEXT,             -- JSON: parley.ChatAttachment, or NULL
	time             TEXT NOT NULL,
	PRIMARY KEY (chat_id, id)
) WITHOUT ROWID;
CREATE INDEX chat_items_contact ON chat_items (contact_id);
