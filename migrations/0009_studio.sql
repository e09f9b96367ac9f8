-- 0008: the drawing studio. Big-buttons mode per child (every target at least 48 px, fewer choices,
-- the toolbar on the side), and the document of each drawn sketch, so the sketchbook can replay it.
ALTER TABLE children ADD COLUMN big_buttons INTEGER NOT NULL DEFAULT 0 CHECK (big_buttons IN (0, 1));
CREATE TABLE sketch_drawings (
    sketch_id INTEGER PRIMARY KEY REFERENCES sketches(id) ON DELETE CASCADE,
    document  TEXT NOT NULL
);
