//! The `generation_costs` ledger: what each finished generation cost, written once with the
//! prices of that moment, and the totals for a period (all, and per child). Rows outlive the
//! generation, so deleting a sketch never makes spent money vanish from a month.

use crate::generations::{in_list, IN_FLIGHT};
use crate::{Result, Store};
use rusqlite::{params, OptionalExtension};

/// How a cost was worked out (`generation_costs.basis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostBasis {
    /// Per output image (official models).
    Image,
    /// Per second of `predict_time` on the model's hardware.
    Second,
    /// Nothing ran at Replicate (canceled or refused before it started).
    Free,
    /// The model's price is not known.
    Unknown,
}

impl CostBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            CostBasis::Image => "image",
            CostBasis::Second => "second",
            CostBasis::Free => "free",
            CostBasis::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> CostBasis {
        match s {
            "image" => CostBasis::Image,
            "second" => CostBasis::Second,
            "free" => CostBasis::Free,
            _ => CostBasis::Unknown,
        }
    }
}

/// A ledger row.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRecord {
    pub generation_id: i64,
    pub model: String,
    pub child_id: Option<i64>,
    /// `None`: unknown (no price for the model).
    pub usd: Option<f64>,
    pub basis: CostBasis,
    pub unit_price: Option<f64>,
    /// Images, or seconds.
    pub units: f64,
    pub hardware: Option<String>,
    pub price_checked: Option<String>,
    pub priced_at: i64,
    /// With `usd` unknown: the most the run could have cost (counted by a monthly limit).
    pub estimate_usd: Option<f64>,
}

/// What a finished generation needs to be priced: its model, run time, pictures, child.
#[derive(Debug, Clone, PartialEq)]
pub struct Unpriced {
    pub generation_id: i64,
    pub model: String,
    pub child_id: Option<i64>,
    /// Whether a prediction was ever made (else nothing ran, nothing was charged).
    pub had_prediction: bool,
    pub predict_time: Option<f64>,
    pub images: u32,
}

/// Spending in a period for one child (`child_id` `None`: sketches of nobody in particular).
#[derive(Debug, Clone, PartialEq)]
pub struct ChildTotal {
    pub child_id: Option<i64>,
    /// `None` when the child was deleted since (or for nobody in particular).
    pub name: Option<String>,
    pub usd: f64,
    /// Generations that ran at Replicate (free ones, which never ran, are left out).
    pub generations: u32,
    /// Generations whose price is unknown (not in `usd`).
    pub unknown: u32,
    /// The most those unknown ones could have cost.
    pub unknown_up_to_usd: f64,
}

const COLUMNS: &str = "generation_id, model, child_id, usd, basis, unit_price, units, hardware,
    price_checked, priced_at, estimate_usd";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CostRecord> {
    let basis: String = r.get(4)?;
    Ok(CostRecord {
        generation_id: r.get(0)?,
        model: r.get(1)?,
        child_id: r.get(2)?,
        usd: r.get(3)?,
        basis: CostBasis::parse(&basis),
        unit_price: r.get(5)?,
        units: r.get(6)?,
        hardware: r.get(7)?,
        price_checked: r.get(8)?,
        priced_at: r.get(9)?,
        estimate_usd: r.get(10)?,
    })
}

impl Store {
    /// Records a generation's cost; a second call for the same generation changes nothing
    /// (what was spent is never rewritten). `true` when this call wrote it.
    pub fn record_cost(&self, c: &CostRecord) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                &format!(
                    "INSERT INTO generation_costs ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                     ON CONFLICT (generation_id) DO NOTHING"
                ),
                params![
                    c.generation_id,
                    c.model,
                    c.child_id,
                    c.usd,
                    c.basis.as_str(),
                    c.unit_price,
                    c.units,
                    c.hardware,
                    c.price_checked,
                    c.priced_at,
                    c.estimate_usd
                ],
            )?;
            Ok(n == 1)
        })
    }

    /// A generation's recorded cost, if it has one yet.
    pub fn generation_cost(&self, generation_id: i64) -> Result<Option<CostRecord>> {
        self.read(|c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM generation_costs WHERE generation_id = ?1"),
                [generation_id],
                row,
            )
            .optional()?)
        })
    }

    /// What pricing a finished generation needs; `None` while it is in flight (or gone).
    pub fn unpriced(&self, generation_id: i64) -> Result<Option<Unpriced>> {
        let filter = format!("g.id = ?1 AND g.status NOT IN ({})", in_list(&IN_FLIGHT));
        self.read(|c| Ok(select_unpriced(c, &filter, &[generation_id])?.pop()))
    }

    /// Finished generations with no cost recorded (the app stopped between the two writes).
    pub fn finished_without_cost(&self) -> Result<Vec<Unpriced>> {
        let filter = format!(
            "g.status NOT IN ({}) AND NOT EXISTS
                 (SELECT 1 FROM generation_costs k WHERE k.generation_id = g.id)",
            in_list(&IN_FLIGHT)
        );
        self.read(|c| select_unpriced(c, &filter, &[]))
    }

    /// The known total, the number of unknown prices, and the same per child, for costs
    /// recorded in `[from_ms, until_ms)`.
    pub fn cost_totals(&self, from_ms: i64, until_ms: i64) -> Result<Vec<ChildTotal>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT k.child_id, ch.name, coalesce(sum(k.usd), 0),
                        sum(CASE WHEN k.basis = 'free' THEN 0 ELSE 1 END),
                        sum(CASE WHEN k.usd IS NULL THEN 1 ELSE 0 END),
                        coalesce(sum(CASE WHEN k.usd IS NULL THEN k.estimate_usd END), 0)
                 FROM generation_costs k LEFT JOIN children ch ON ch.id = k.child_id
                 WHERE k.priced_at >= ?1 AND k.priced_at < ?2
                 GROUP BY k.child_id ORDER BY ch.name IS NULL, ch.name COLLATE NOCASE",
            )?;
            let rows = st.query_map(params![from_ms, until_ms], |r| {
                Ok(ChildTotal {
                    child_id: r.get(0)?,
                    name: r.get(1)?,
                    usd: r.get(2)?,
                    generations: r.get(3)?,
                    unknown: r.get(4)?,
                    unknown_up_to_usd: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

impl Store {
    /// The generations already sent (or being sent) to Replicate and not finished: their ids
    /// and models (a monthly limit counts the unpriced ones at their ceiling).
    pub fn sent_in_flight(&self) -> Result<Vec<(i64, String)>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT id, model FROM generations
                 WHERE status IN ({}) AND (status NOT IN ('queued', 'held') OR submitting_at IS NOT NULL)
                 ORDER BY id",
                in_list(&IN_FLIGHT)
            ))?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

fn select_unpriced(c: &rusqlite::Connection, filter: &str, args: &[i64]) -> Result<Vec<Unpriced>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT g.id, g.model, s.child_id, g.prediction_id IS NOT NULL, g.predict_time,
                (SELECT count(*) FROM generation_outputs o WHERE o.generation_id = g.id)
         FROM generations g JOIN sketches s ON s.id = g.sketch_id
         WHERE {filter} ORDER BY g.id"
    ))?;
    let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(Unpriced {
            generation_id: r.get(0)?,
            model: r.get(1)?,
            child_id: r.get(2)?,
            had_prediction: r.get(3)?,
            predict_time: r.get(4)?,
            images: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
