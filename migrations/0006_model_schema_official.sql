-- Whether a cached model is official (runs by name at /v1/models/{owner}/{name}/predictions)
-- or a community model (runs only by version: its latest version is pinned into a generation).
-- NULL for schemas cached before this was recorded: fetched again when online.
ALTER TABLE model_schemas ADD COLUMN is_official INTEGER;
