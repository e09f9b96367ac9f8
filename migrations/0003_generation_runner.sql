-- 0003: what the generation job runner needs to survive restarts and lost answers, and the
-- cache of model input schemas for "any model by owner/name[:version]".
--
-- Status values (generations.status), see crates/store/src/generations.rs:
--   queued, uploading, submitting, submitted, running, downloading   (not finished)
--   succeeded, failed, canceled, expired                             (finished)

-- Same sketch and settings while one is in flight = the same generation (see the index below).
ALTER TABLE generations ADD COLUMN dedupe_key TEXT;
-- The ErrorKind the UI switches on (Unsafe, ModelFailed, Unauthorized, ...), beside `error`.
ALTER TABLE generations ADD COLUMN error_kind TEXT;
-- A passing remark for the UI: "waiting for the network", "some pictures were filtered".
ALTER TABLE generations ADD COLUMN note TEXT;
-- Percent parsed from the model's tqdm log lines.
ALTER TABLE generations ADD COLUMN progress INTEGER CHECK (progress BETWEEN 0 AND 100);
-- The model input as sent, with the sketch image replaced by a placeholder (the image is
-- rebuilt from sketch_images or file_url), so a restart can reconcile by matching the input.
ALTER TABLE generations ADD COLUMN input_json TEXT;
ALTER TABLE generations ADD COLUMN outputs_requested INTEGER NOT NULL DEFAULT 1;
-- A sketch too big for a data URL goes through the Files API; deleted when the run ends.
ALTER TABLE generations ADD COLUMN file_id TEXT;
ALTER TABLE generations ADD COLUMN file_url TEXT;
ALTER TABLE generations ADD COLUMN file_deleted_at INTEGER;
ALTER TABLE generations ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
-- When the create POST was (last) sent: the `created_after` bound for reconciling.
ALTER TABLE generations ADD COLUMN submitting_at INTEGER;
ALTER TABLE generations ADD COLUMN submitted_at INTEGER;
ALTER TABLE generations ADD COLUMN started_at INTEGER;

CREATE UNIQUE INDEX generations_in_flight ON generations (dedupe_key)
    WHERE dedupe_key IS NOT NULL
      AND status NOT IN ('succeeded', 'failed', 'canceled', 'expired');
CREATE INDEX generations_by_prediction ON generations (prediction_id)
    WHERE prediction_id IS NOT NULL;

-- Every status change with its time: the full timeline of a generation.
CREATE TABLE generation_transitions (
    id              INTEGER PRIMARY KEY,
    generation_id   INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    note            TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX generation_transitions_by_generation ON generation_transitions (generation_id, id);

-- OpenAPI `Input` schemas of models, so their forms work offline once fetched.
-- version '' stands for "the latest version when fetched" of an owner/name without a version.
CREATE TABLE model_schemas (
    model           TEXT NOT NULL,
    version         TEXT NOT NULL,
    resolved_version TEXT,
    schema_json     TEXT NOT NULL,
    fetched_at      INTEGER NOT NULL,
    PRIMARY KEY (model, version)
);
