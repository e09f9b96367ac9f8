-- 0008: big-buttons mode per child (every target at least 48 px, fewer choices, toolbar on the side).
ALTER TABLE children ADD COLUMN big_buttons INTEGER NOT NULL DEFAULT 0 CHECK (big_buttons IN (0, 1));
