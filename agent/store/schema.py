"""The state database's schema as numbered migrations.

Each migration has a name and runs once, inside a transaction that also records
it in the ``migrations`` table, so a crash mid-migration leaves the database as
it was. Migrations are only ever appended to this list, never edited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    statements: list[str] = []
    pending = ""
    for part in sql.split(";"):  # a trigger's body holds semicolons of its own
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())

    def apply(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return apply


_INITIAL = """
CREATE TABLE folders (
    account     TEXT NOT NULL,
    folder      TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL DEFAULT 0 CHECK (last_uid >= 0),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, folder)
) WITHOUT ROWID;

CREATE TABLE messages (
    account         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    folder          TEXT,
    uid             INTEGER,
    uidvalidity     INTEGER,
    direction       TEXT,
    folder_role     TEXT,
    date            TEXT,
    subject         TEXT,
    from_name       TEXT,
    from_addr       TEXT,
    reply_to_json   TEXT,
    to_json         TEXT,
    to_names_json   TEXT,
    in_reply_to     TEXT,
    references_json TEXT,
    language        TEXT,
    kind            TEXT,
    confidence      REAL,
    promised_by     TEXT,
    interview_at    TEXT,
    company         TEXT,
    role            TEXT,
    ats             TEXT,
    agency          TEXT,
    contact_name    TEXT,
    evidence_json   TEXT,
    followup_id     TEXT,
    skip_reason     TEXT,
    first_seen_at   TEXT NOT NULL,
    updated_at      TEXT,
    PRIMARY KEY (account, message_id),
    CHECK ((skip_reason IS NULL) = (kind IS NOT NULL))
);
CREATE INDEX messages_by_kind ON messages (account, kind);
CREATE INDEX messages_by_location ON messages (account, folder, uid);
CREATE INDEX messages_skipped ON messages (first_seen_at) WHERE skip_reason IS NOT NULL;

CREATE TABLE process_snapshot (
    account    TEXT NOT NULL,
    process_id TEXT NOT NULL,
    position   INTEGER NOT NULL,
    json       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account, process_id)
);

CREATE TABLE drafts (
    followup_id TEXT PRIMARY KEY,
    account     TEXT NOT NULL,
    process_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN
                ('intent', 'appended', 'user_edited', 'user_deleted', 'sent', 'cancelled', 'discarded')),
    due_at      TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    language    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    to_addr     TEXT NOT NULL,
    body        TEXT NOT NULL,
    in_reply_to TEXT,
    folder      TEXT,
    uid         INTEGER,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX drafts_by_state ON drafts (account, state);
CREATE INDEX drafts_by_process ON drafts (process_id);
CREATE UNIQUE INDEX drafts_by_message_id ON drafts (message_id);

CREATE TABLE draft_log (
    id          INTEGER PRIMARY KEY,
    followup_id TEXT NOT NULL REFERENCES drafts (followup_id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX draft_log_by_draft ON draft_log (followup_id, id);

CREATE TABLE overrides (
    process_id    TEXT PRIMARY KEY,
    closed_reason TEXT,
    snoozed_until TEXT,
    company       TEXT,
    role          TEXT,
    promised_by   TEXT,
    updated_at    TEXT
);

CREATE TABLE manual_processes (
    process_id   TEXT PRIMARY KEY,
    company      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    role         TEXT,
    contact      TEXT,
    interview_at TEXT,
    promised_by  TEXT,
    language     TEXT NOT NULL DEFAULT 'en',
    note         TEXT
);

CREATE TABLE offers (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    deadline   TEXT NOT NULL,
    process_id TEXT,
    extra_json TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    account      TEXT,
    summary_json TEXT,
    error        TEXT
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;
"""

# Mail that is not about a job keeps only where it is and which way it went (and the
# subject of the user's own mail): earlier versions kept its senders and recipients.
_THIN_NOT_JOB = """
UPDATE messages SET
    subject = CASE WHEN direction = 'outbound' THEN subject END,
    from_name = NULL, from_addr = NULL, reply_to_json = NULL, to_json = NULL,
    to_names_json = NULL, in_reply_to = NULL, references_json = NULL, language = NULL,
    company = NULL, role = NULL, ats = NULL, agency = NULL, contact_name = NULL,
    evidence_json = NULL
WHERE kind = 'not_job'
"""

# What the server said each folder's UIDVALIDITY was, and how steady it has been: a
# value that keeps changing holds the folder (nothing read, nothing drafted) until it
# settles. A run records the process that runs it, so a scan killed mid-pass is told
# from one still running.
_FOLDER_VALIDITY = """
CREATE TABLE folder_validity (
    account       TEXT NOT NULL,
    folder        TEXT NOT NULL,
    seen_validity INTEGER NOT NULL,
    changed_at    TEXT,
    steady_passes INTEGER NOT NULL DEFAULT 0,
    changes       INTEGER NOT NULL DEFAULT 0,
    held_since    TEXT,
    PRIMARY KEY (account, folder)
) WITHOUT ROWID;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN pid_started TEXT
"""

# A status update, rejection or offer that speaks of an interview already held ("thank
# you for the interview"): the tracker counts that interview even without its invitation.
_AFTER_INTERVIEW = """
ALTER TABLE messages ADD COLUMN after_interview INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN contact_phone TEXT
"""

# What the user noted after an interview (`followup reflect`): one row per process and
# round, never sent anywhere.
_REFLECTIONS = """
CREATE TABLE reflections (
    id           INTEGER PRIMARY KEY,
    process_id   TEXT NOT NULL,
    round        INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    language     TEXT NOT NULL DEFAULT 'en',
    interview_at TEXT,
    answers_json TEXT NOT NULL DEFAULT '{}',
    interest     INTEGER CHECK (interest IS NULL OR interest BETWEEN 1 AND 5),
    answer_by    TEXT,
    UNIQUE (process_id, round)
)
"""

# Where an interview is (an address, or a video service) and its meeting link, as the
# invitation says: for `followup show` and the calendar.
_INTERVIEW_PLACE = """
ALTER TABLE messages ADD COLUMN interview_place TEXT;
ALTER TABLE messages ADD COLUMN interview_link TEXT
"""

# What the tracker derives, kept: every process with its next step (``agent.kept``),
# per account the inputs it was derived from, and a log of every change to those inputs
# since (written by triggers, so no writer can forget it): job mail, drafts, the user's
# corrections. Mail passed over and a message's new location are no such change.
_KEPT = """
CREATE TABLE kept_accounts (
    account     TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    version     INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    zone        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE kept_processes (
    account      TEXT NOT NULL,
    process_id   TEXT NOT NULL,
    position     INTEGER NOT NULL,
    members_json TEXT NOT NULL,
    manual_id    TEXT,
    aliases_json TEXT NOT NULL,
    state        TEXT NOT NULL,
    active       INTEGER NOT NULL,
    company      TEXT,
    agency       TEXT,
    role         TEXT,
    next_status  TEXT NOT NULL,
    next_action  TEXT,
    next_due_at  TEXT,
    wake_at      TEXT,
    wake_action  TEXT,
    changes_at   TEXT,
    zoned        INTEGER NOT NULL DEFAULT 0,
    view_json    TEXT NOT NULL,
    plan_json    TEXT,
    ghost_reason TEXT,
    ghost_since  TEXT,
    PRIMARY KEY (account, process_id)
);
CREATE INDEX kept_by_position ON kept_processes (account, position);
CREATE INDEX messages_by_followup_id ON messages (account, followup_id) WHERE followup_id IS NOT NULL;
CREATE INDEX kept_by_change ON kept_processes (changes_at) WHERE changes_at IS NOT NULL;

CREATE TABLE kept_changes (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    what    TEXT NOT NULL,
    key     TEXT,
    extra   TEXT
);

CREATE TRIGGER kept_message_added AFTER INSERT ON messages WHEN NEW.kind != 'not_job'
BEGIN INSERT INTO kept_changes (account, what, key) VALUES (NEW.account, 'message', NEW.message_id); END;
CREATE TRIGGER kept_message_changed AFTER UPDATE OF direction, folder_role, date, subject,
    from_name, from_addr, reply_to_json, to_json, to_names_json, in_reply_to, references_json,
    language, kind, confidence, promised_by, interview_at, company, role, ats, agency,
    contact_name, evidence_json, followup_id, skip_reason, after_interview, contact_phone,
    interview_place, interview_link
    ON messages WHEN NEW.kind != 'not_job' OR OLD.kind != 'not_job'
BEGIN INSERT INTO kept_changes (account, what, key) VALUES (NEW.account, 'message', NEW.message_id); END;
CREATE TRIGGER kept_message_removed AFTER DELETE ON messages WHEN OLD.kind != 'not_job'
BEGIN INSERT INTO kept_changes (account, what, key) VALUES (OLD.account, 'message', OLD.message_id); END;

CREATE TRIGGER kept_draft_added AFTER INSERT ON drafts
BEGIN INSERT INTO kept_changes (account, what, key, extra) VALUES (NEW.account, 'draft', NEW.process_id, NEW.followup_id); END;
CREATE TRIGGER kept_draft_changed AFTER UPDATE ON drafts
BEGIN INSERT INTO kept_changes (account, what, key, extra) VALUES (NEW.account, 'draft', NEW.process_id, NEW.followup_id); END;
CREATE TRIGGER kept_draft_removed AFTER DELETE ON drafts
BEGIN INSERT INTO kept_changes (account, what, key, extra) VALUES (OLD.account, 'draft', OLD.process_id, OLD.followup_id); END;

CREATE TRIGGER kept_override_added AFTER INSERT ON overrides
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'override', NEW.process_id); END;
CREATE TRIGGER kept_override_changed AFTER UPDATE ON overrides
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'override', NEW.process_id); END;
CREATE TRIGGER kept_override_removed AFTER DELETE ON overrides
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'override', OLD.process_id); END;

CREATE TRIGGER kept_manual_added AFTER INSERT ON manual_processes
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'manual', NEW.process_id); END;
CREATE TRIGGER kept_manual_changed AFTER UPDATE ON manual_processes
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'manual', NEW.process_id); END;
CREATE TRIGGER kept_manual_removed AFTER DELETE ON manual_processes
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'manual', OLD.process_id); END;

CREATE TRIGGER kept_offer_added AFTER INSERT ON offers
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'offer', NEW.id); END;
CREATE TRIGGER kept_offer_changed AFTER UPDATE ON offers
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'offer', NEW.id); END;
CREATE TRIGGER kept_offer_removed AFTER DELETE ON offers
BEGIN INSERT INTO kept_changes (account, what, key) VALUES ('', 'offer', OLD.id); END
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _script(_INITIAL)),
    Migration("0002_thin_not_job", _script(_THIN_NOT_JOB)),
    Migration("0003_folder_validity_and_run_owner", _script(_FOLDER_VALIDITY)),
    Migration("0004_after_interview_and_phone", _script(_AFTER_INTERVIEW)),
    Migration("0005_interview_reflections", _script(_REFLECTIONS)),
    Migration("0006_interview_place", _script(_INTERVIEW_PLACE)),
    Migration("0007_kept_processes", _script(_KEPT)),
)

MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS migrations (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""
