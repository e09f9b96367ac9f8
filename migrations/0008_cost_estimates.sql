-- 0008: a conservative ceiling for runs whose price is unknown. `usd` stays NULL (never a
-- made-up number); `estimate_usd` is the most the run could have cost (the dearest hardware
-- per second times its run time, or Replicate's 30-minute cap when no time was reported), so
-- a monthly limit counts it and the spending panel can say "up to".
ALTER TABLE generation_costs ADD COLUMN estimate_usd REAL;
