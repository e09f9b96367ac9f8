-- 0007: row ids are never used twice. Without AUTOINCREMENT, SQLite gives a new row the
-- largest id + 1, so deleting the newest generation and making another reused its id: the new
-- one's cost was dropped (the ledger already had that id) and cached images of the deleted
-- pictures could show in its place. The four tables are rebuilt with AUTOINCREMENT (the
-- documented 12-step way: the runner turns foreign keys off around this and checks them
-- before committing), rows and ids unchanged, each sequence starting past every id already
-- used anywhere we can see (the cost ledger outlives deleted generations).

-- Triggers name the tables being rebuilt: off first, back at the end, as 0004 wrote them.
DROP TRIGGER gallery_sketch_inserted;
DROP TRIGGER gallery_sketch_changed;
DROP TRIGGER gallery_sketch_deleted;
DROP TRIGGER gallery_child_renamed;
DROP TRIGGER gallery_generation_inserted;
DROP TRIGGER gallery_generation_status;
DROP TRIGGER gallery_generation_deleted;

CREATE TABLE children_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 60),
    created_at  INTEGER NOT NULL,
    color       TEXT NOT NULL DEFAULT '#7c5cff'
);
INSERT INTO children_new SELECT * FROM children;
DROP TABLE children;
ALTER TABLE children_new RENAME TO children;

CREATE TABLE sketches_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    child_id            INTEGER REFERENCES children(id) ON DELETE SET NULL,
    title               TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    source              TEXT NOT NULL CHECK (source IN ('drawn', 'imported')),
    original_name       TEXT,
    original_media_type TEXT NOT NULL,
    original_size       INTEGER NOT NULL,
    width               INTEGER NOT NULL CHECK (width > 0),
    height              INTEGER NOT NULL CHECK (height > 0),
    sha256              TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    created_at          INTEGER NOT NULL,
    last_generated_at   INTEGER
);
INSERT INTO sketches_new SELECT * FROM sketches;
DROP TABLE sketches;
ALTER TABLE sketches_new RENAME TO sketches;
CREATE INDEX sketches_by_created ON sketches (created_at DESC, id DESC);
CREATE INDEX sketches_by_child ON sketches (child_id, created_at DESC, id DESC);
CREATE INDEX sketches_by_generated ON sketches (last_generated_at DESC, id DESC)
    WHERE last_generated_at IS NOT NULL;
CREATE INDEX sketches_by_child_generated ON sketches (child_id, last_generated_at DESC, id DESC)
    WHERE last_generated_at IS NOT NULL;

CREATE TABLE generations_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sketch_id       INTEGER NOT NULL REFERENCES sketches(id) ON DELETE CASCADE,
    model           TEXT NOT NULL,
    model_version   TEXT,
    style           TEXT NOT NULL DEFAULT '',
    prompt          TEXT NOT NULL DEFAULT '',
    params_json     TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'queued',
    prediction_id   TEXT,
    error           TEXT,
    logs            TEXT NOT NULL DEFAULT '',
    predict_time    REAL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    completed_at    INTEGER,
    dedupe_key      TEXT,
    error_kind      TEXT,
    note            TEXT,
    progress        INTEGER CHECK (progress BETWEEN 0 AND 100),
    input_json      TEXT,
    outputs_requested INTEGER NOT NULL DEFAULT 1,
    file_id         TEXT,
    file_url        TEXT,
    file_deleted_at INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    submitting_at   INTEGER,
    submitted_at    INTEGER,
    started_at      INTEGER
);
INSERT INTO generations_new SELECT * FROM generations;
DROP TABLE generations;
ALTER TABLE generations_new RENAME TO generations;
CREATE INDEX generations_by_sketch ON generations (sketch_id, created_at DESC);
CREATE INDEX generations_by_status ON generations (status);
CREATE UNIQUE INDEX generations_in_flight ON generations (dedupe_key)
    WHERE dedupe_key IS NOT NULL
      AND status NOT IN ('succeeded', 'failed', 'canceled', 'expired');
CREATE INDEX generations_by_prediction ON generations (prediction_id)
    WHERE prediction_id IS NOT NULL;
CREATE INDEX generations_by_style ON generations (style, sketch_id, status);
CREATE INDEX generations_by_model ON generations (model, sketch_id, status);
CREATE INDEX generations_by_created ON generations (created_at, sketch_id, status);

CREATE TABLE generation_outputs_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    generation_id   INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    source_url      TEXT,
    media_type      TEXT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    starred_at      INTEGER,
    UNIQUE (generation_id, position)
);
INSERT INTO generation_outputs_new SELECT * FROM generation_outputs;
DROP TABLE generation_outputs;
ALTER TABLE generation_outputs_new RENAME TO generation_outputs;
CREATE INDEX generation_outputs_starred ON generation_outputs (generation_id)
    WHERE starred_at IS NOT NULL;

-- Each sequence starts past the largest id in use or remembered elsewhere.
DELETE FROM sqlite_sequence
WHERE name IN ('children', 'sketches', 'generations', 'generation_outputs');
INSERT INTO sqlite_sequence (name, seq) VALUES
    ('children', coalesce((SELECT max(id) FROM children), 0)),
    ('sketches', max(coalesce((SELECT max(id) FROM sketches), 0),
                     coalesce((SELECT max(rowid) FROM gallery_search), 0))),
    ('generations', max(coalesce((SELECT max(id) FROM generations), 0),
                        coalesce((SELECT max(generation_id) FROM generation_costs), 0),
                        coalesce((SELECT max(generation_id) FROM generation_transitions), 0))),
    ('generation_outputs', coalesce((SELECT max(id) FROM generation_outputs), 0));

-- Sketches: a new one, a new title or child, a deleted one.
CREATE TRIGGER gallery_sketch_inserted AFTER INSERT ON sketches BEGIN
    INSERT INTO gallery_search (rowid, title, child, prompts, styles, models)
    VALUES (new.id, new.title, coalesce((SELECT name FROM children WHERE id = new.child_id), ''),
            '', '', '');
END;

CREATE TRIGGER gallery_sketch_changed AFTER UPDATE OF title, child_id ON sketches BEGIN
    UPDATE gallery_search
    SET title = new.title,
        child = coalesce((SELECT name FROM children WHERE id = new.child_id), '')
    WHERE rowid = new.id;
END;

CREATE TRIGGER gallery_sketch_deleted AFTER DELETE ON sketches BEGIN
    DELETE FROM gallery_search WHERE rowid = old.id;
END;

-- A child renamed: every one of their sketches is found by the new name.
CREATE TRIGGER gallery_child_renamed AFTER UPDATE OF name ON children BEGIN
    UPDATE gallery_search SET child = new.name
    WHERE rowid IN (SELECT id FROM sketches WHERE child_id = new.id);
END;

-- Generations: the art of a sketch changed (one finished, was deleted, was restored).
CREATE TRIGGER gallery_generation_inserted AFTER INSERT ON generations
WHEN new.status = 'succeeded' BEGIN
    UPDATE sketches SET last_generated_at = (
        SELECT max(created_at) FROM generations
        WHERE sketch_id = new.sketch_id AND +status = 'succeeded')
    WHERE id = new.sketch_id;
    UPDATE gallery_search SET
        prompts = coalesce((SELECT group_concat(prompt, ' ') FROM generations
                            WHERE sketch_id = new.sketch_id AND +status = 'succeeded'), ''),
        styles = coalesce((SELECT group_concat(DISTINCT replace(style, '-', ' ')) FROM generations
                           WHERE sketch_id = new.sketch_id AND +status = 'succeeded'), ''),
        models = coalesce((SELECT group_concat(DISTINCT replace(replace(model, '/', ' '), '-', ' '))
                           FROM generations
                           WHERE sketch_id = new.sketch_id AND +status = 'succeeded'), '')
    WHERE rowid = new.sketch_id;
END;

CREATE TRIGGER gallery_generation_status AFTER UPDATE OF status ON generations
WHEN (new.status = 'succeeded') <> (old.status = 'succeeded') BEGIN
    UPDATE sketches SET last_generated_at = (
        SELECT max(created_at) FROM generations
        WHERE sketch_id = new.sketch_id AND +status = 'succeeded')
    WHERE id = new.sketch_id;
    UPDATE gallery_search SET
        prompts = coalesce((SELECT group_concat(prompt, ' ') FROM generations
                            WHERE sketch_id = new.sketch_id AND +status = 'succeeded'), ''),
        styles = coalesce((SELECT group_concat(DISTINCT replace(style, '-', ' ')) FROM generations
                           WHERE sketch_id = new.sketch_id AND +status = 'succeeded'), ''),
        models = coalesce((SELECT group_concat(DISTINCT replace(replace(model, '/', ' '), '-', ' '))
                           FROM generations
                           WHERE sketch_id = new.sketch_id AND +status = 'succeeded'), '')
    WHERE rowid = new.sketch_id;
END;

CREATE TRIGGER gallery_generation_deleted AFTER DELETE ON generations
WHEN old.status = 'succeeded' BEGIN
    UPDATE sketches SET last_generated_at = (
        SELECT max(created_at) FROM generations
        WHERE sketch_id = old.sketch_id AND +status = 'succeeded')
    WHERE id = old.sketch_id;
    UPDATE gallery_search SET
        prompts = coalesce((SELECT group_concat(prompt, ' ') FROM generations
                            WHERE sketch_id = old.sketch_id AND +status = 'succeeded'), ''),
        styles = coalesce((SELECT group_concat(DISTINCT replace(style, '-', ' ')) FROM generations
                           WHERE sketch_id = old.sketch_id AND +status = 'succeeded'), ''),
        models = coalesce((SELECT group_concat(DISTINCT replace(replace(model, '/', ' '), '-', ' '))
                           FROM generations
                           WHERE sketch_id = old.sketch_id AND +status = 'succeeded'), '')
    WHERE rowid = old.sketch_id;
END;
