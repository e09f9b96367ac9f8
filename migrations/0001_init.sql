-- 0001: children, sketches with their image blobs, generations and outputs, drafts, settings.
-- Times are Unix milliseconds (UTC). Blobs live in their own tables so that listing rows never
-- walks overflow pages of image data.

CREATE TABLE children (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 60),
    created_at  INTEGER NOT NULL
);

CREATE TABLE sketches (
    id                  INTEGER PRIMARY KEY,
    child_id            INTEGER REFERENCES children(id) ON DELETE SET NULL,
    title               TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    source              TEXT NOT NULL CHECK (source IN ('drawn', 'imported')),
    original_name       TEXT,
    original_media_type TEXT NOT NULL,
    original_size       INTEGER NOT NULL,
    width               INTEGER NOT NULL CHECK (width > 0),
    height              INTEGER NOT NULL CHECK (height > 0),
    sha256              TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    created_at          INTEGER NOT NULL
);
CREATE INDEX sketches_by_created ON sketches (created_at DESC, id DESC);
CREATE INDEX sketches_by_child ON sketches (child_id, created_at DESC, id DESC);

-- kind: 'original' (the bytes as imported or drawn), 'normalized' (PNG, long side <= 1024,
-- sent to models), 'thumbnail' (PNG, long side <= 384, for the grid).
CREATE TABLE sketch_images (
    sketch_id   INTEGER NOT NULL REFERENCES sketches(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('original', 'normalized', 'thumbnail')),
    media_type  TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (sketch_id, kind)
);

CREATE TABLE generations (
    id              INTEGER PRIMARY KEY,
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
    completed_at    INTEGER
);
CREATE INDEX generations_by_sketch ON generations (sketch_id, created_at DESC);
CREATE INDEX generations_by_status ON generations (status);

CREATE TABLE generation_outputs (
    id              INTEGER PRIMARY KEY,
    generation_id   INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    source_url      TEXT,
    media_type      TEXT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (generation_id, position)
);

CREATE TABLE output_images (
    output_id   INTEGER NOT NULL REFERENCES generation_outputs(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('image', 'thumbnail')),
    media_type  TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (output_id, kind)
);

-- The drawing in progress (autosaved by the canvas), one row per slot.
CREATE TABLE drafts (
    slot        TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Non-secret settings only; tokens and keys live in the OS keychain.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
