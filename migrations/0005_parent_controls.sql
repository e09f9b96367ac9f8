-- 0005: parent controls. What each generation cost (a ledger that outlives deleted sketches),
-- the generations a parent allowed past the monthly limit, and the new `held` status:
--   held: waiting for a parent to allow it (the monthly limit was reached); nothing was sent.
-- The limit, the price overrides and the parent PIN's hash live in `settings` (keys `parent.*`).

-- One row per finished generation, written once with the prices of that moment (editing a
-- price later never rewrites what was spent). No foreign key: deleting a sketch or a child
-- must not make money already spent disappear from the month's total.
CREATE TABLE generation_costs (
    generation_id   INTEGER PRIMARY KEY,
    model           TEXT NOT NULL,
    -- The sketch's child when the cost was recorded (NULL: nobody in particular).
    child_id        INTEGER,
    -- NULL when the model's price is unknown: never a made-up number.
    usd             REAL,
    -- 'image' (official models, per output image), 'second' (per second of predict_time on the
    -- model's hardware), 'free' (nothing ran at Replicate), 'unknown'.
    basis           TEXT NOT NULL CHECK (basis IN ('image', 'second', 'free', 'unknown')),
    unit_price      REAL,
    units           REAL NOT NULL DEFAULT 0,
    hardware        TEXT,
    -- When the price used was checked (from the price list).
    price_checked   TEXT,
    -- When it was recorded (Unix ms): the month it counts in.
    priced_at       INTEGER NOT NULL
);
CREATE INDEX generation_costs_by_time ON generation_costs (priced_at);

-- Generations a parent allowed past the monthly limit ("allow one more").
CREATE TABLE generation_approvals (
    generation_id   INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
    approved_at     INTEGER NOT NULL
);
