-- 0002: remember which child is drawing, and give each child a colour for the profile chip.
ALTER TABLE children ADD COLUMN color TEXT NOT NULL DEFAULT '#7c5cff';
INSERT INTO settings (key, value, updated_at) VALUES ('schema.created_by', 'skaitch 0.1', 0)
    ON CONFLICT (key) DO NOTHING;
