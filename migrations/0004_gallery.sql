-- 0004: the family gallery: favourites, the gallery's order (newest art first) and full-text
-- search over titles, children's names, prompts, styles and models (FTS5), all kept up to date
-- by triggers so that no write path has to remember them. See crates/store/src/gallery.rs.
--
-- `+status` in the lookups below keeps SQLite off generations_by_status: almost every row is
-- 'succeeded', so that index would walk the whole table to find one sketch's generations.

-- A starred picture (a favourite); NULL when not starred.
ALTER TABLE generation_outputs ADD COLUMN starred_at INTEGER;
CREATE INDEX generation_outputs_starred ON generation_outputs (generation_id)
    WHERE starred_at IS NOT NULL;

-- When the sketch's newest succeeded generation was asked for: the gallery's order.
-- NULL = no finished art yet, so the sketch is not in the gallery.
ALTER TABLE sketches ADD COLUMN last_generated_at INTEGER;
UPDATE sketches SET last_generated_at = (
    SELECT max(g.created_at) FROM generations g
    WHERE g.sketch_id = sketches.id AND +g.status = 'succeeded');
CREATE INDEX sketches_by_generated ON sketches (last_generated_at DESC, id DESC)
    WHERE last_generated_at IS NOT NULL;
CREATE INDEX sketches_by_child_generated ON sketches (child_id, last_generated_at DESC, id DESC)
    WHERE last_generated_at IS NOT NULL;

-- The gallery's filters on generations: a style, a model, a date range. Each index covers the
-- lookup (sketch and status included), so a filter never reads the table's rows.
CREATE INDEX generations_by_style ON generations (style, sketch_id, status);
CREATE INDEX generations_by_model ON generations (model, sketch_id, status);
CREATE INDEX generations_by_created ON generations (created_at, sketch_id, status);

-- One row per sketch (rowid = sketches.id). Styles and models are indexed with '-' and '/'
-- as word breaks ('oil-painting' is found by "oil" and by "painting").
CREATE VIRTUAL TABLE gallery_search USING fts5(
    title, child, prompts, styles, models,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Ranking: a hit in the title counts most, then the child's name, the prompt, the style.
INSERT INTO gallery_search (gallery_search, rank) VALUES ('rank', 'bm25(10.0, 6.0, 3.0, 2.0, 1.0)');

INSERT INTO gallery_search (rowid, title, child, prompts, styles, models)
SELECT s.id, s.title, coalesce(c.name, ''),
    coalesce((SELECT group_concat(g.prompt, ' ') FROM generations g
              WHERE g.sketch_id = s.id AND +g.status = 'succeeded'), ''),
    coalesce((SELECT group_concat(DISTINCT replace(g.style, '-', ' ')) FROM generations g
              WHERE g.sketch_id = s.id AND +g.status = 'succeeded'), ''),
    coalesce((SELECT group_concat(DISTINCT replace(replace(g.model, '/', ' '), '-', ' '))
              FROM generations g WHERE g.sketch_id = s.id AND +g.status = 'succeeded'), '')
FROM sketches s LEFT JOIN children c ON c.id = s.child_id;

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
