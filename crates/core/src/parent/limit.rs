//! The monthly limit (off by default): what was spent this month (local calendar), a warning
//! from 80 %, and at 100 % new generations are held, unsent, until a parent allows them.
//!
//! A run of unknown price counts at its ceiling (`cost::PriceList::ceiling`): finished ones at
//! the dearest hardware for their run time, ones sent and not finished for Replicate's
//! 30-minute cap. A new run of unknown price goes only when its own ceiling still fits under
//! the limit; else it is held for a parent, like a run past the limit.

use super::clock::{month_of, Clock};
use super::cost;
use crate::Result;
use serde::Serialize;
use skaitch_store::Store;
use ts_rs::TS;

/// The `settings` key of the limit, in US dollars.
pub(crate) const LIMIT_KEY: &str = "parent.monthly_limit_usd";
/// From this share of the limit on, the parent is warned.
pub const WARN_AT: f64 = 0.8;
/// The note on a generation held by the limit.
pub(crate) const HELD_NOTE: &str =
    "This month's spending limit is reached: waiting for a parent to allow it";
/// The note on a generation held because, with a limit set, its price is not known and at its
/// most it would go past the limit.
fn unpriced_note(up_to: f64) -> String {
    format!(
        "No price is known for this model: it could cost up to ${up_to:.2}, more than is left of the monthly limit, so it waits for a parent to allow it"
    )
}

/// One child's spending this month.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChildSpending {
    /// `None`: sketches of nobody in particular (or of a child since deleted, see `name`).
    #[ts(type = "number | null")]
    pub child_id: Option<i64>,
    pub name: Option<String>,
    pub usd: f64,
    pub generations: u32,
    /// Generations whose price is unknown (not in `usd`).
    pub unknown: u32,
    /// The most those could have cost.
    pub unknown_up_to_usd: f64,
}

/// This month's spending against the limit, for settings and the generate panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Spending {
    /// `YYYY-MM`, in local time.
    pub month: String,
    #[ts(type = "number")]
    pub from_ms: i64,
    #[ts(type = "number")]
    pub until_ms: i64,
    /// Known costs this month, in US dollars.
    pub usd: f64,
    pub generations: u32,
    /// Generations this month whose price is unknown.
    pub unknown: u32,
    /// The most the unknown ones could have cost (finished ones at their run time, ones still
    /// running at Replicate's 30-minute cap).
    pub unknown_up_to_usd: f64,
    pub limit_usd: Option<f64>,
    /// `(usd + unknown_up_to_usd) / limit_usd`: what the limit counts.
    pub fraction: Option<f64>,
    /// 80 % of the limit or more.
    pub warning: bool,
    /// 100 % or more: new generations are held.
    pub reached: bool,
    /// Generations waiting for a parent.
    pub held: u32,
    pub by_child: Vec<ChildSpending>,
}

/// The limit, if one is set.
pub(crate) fn limit(store: &Store) -> Result<Option<f64>> {
    Ok(store
        .setting(LIMIT_KEY)?
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0))
}

/// This month's spending (pricing any finished generation not priced yet).
pub(crate) fn spending(store: &Store, clock: &dyn Clock) -> Result<Spending> {
    let now = clock.now_ms();
    cost::backfill(store, now)?;
    let month = month_of(now, clock.zone());
    let rows = store.cost_totals(month.from_ms, month.until_ms)?;
    let usd: f64 = rows.iter().map(|r| r.usd).sum();
    let running = running_up_to(store, None)?;
    let up_to = rows.iter().map(|r| r.unknown_up_to_usd).sum::<f64>() + running;
    let limit = limit(store)?;
    let counted = usd + up_to;
    let fraction = limit.map(|l| if l > 0.0 { counted / l } else { f64::INFINITY });
    // Compared in millionths of a dollar, so 0.04 of 0.05 is 80 % and not 79.99... %.
    let (spent, cap) = (micros(counted), limit.map(micros));
    Ok(Spending {
        month: month.label,
        from_ms: month.from_ms,
        until_ms: month.until_ms,
        usd,
        generations: rows.iter().map(|r| r.generations).sum(),
        unknown: rows.iter().map(|r| r.unknown).sum(),
        unknown_up_to_usd: up_to,
        limit_usd: limit,
        fraction: fraction.filter(|f| f.is_finite()),
        warning: cap.is_some_and(|c| spent as f64 >= c as f64 * WARN_AT),
        reached: cap.is_some_and(|c| spent >= c),
        held: store.held_count()?,
        by_child: rows
            .into_iter()
            .map(|r| ChildSpending {
                child_id: r.child_id,
                name: r.name,
                usd: r.usd,
                generations: r.generations,
                unknown: r.unknown,
                unknown_up_to_usd: r.unknown_up_to_usd,
            })
            .collect(),
    })
}

/// The ceilings of the runs of unknown price sent and not finished (but `except`).
fn running_up_to(store: &Store, except: Option<i64>) -> Result<f64> {
    let sent = store.sent_in_flight()?;
    if sent.is_empty() {
        return Ok(0.0);
    }
    let prices = cost::prices(store)?;
    Ok(sent
        .iter()
        .filter(|(id, _)| Some(*id) != except)
        .filter_map(|(_, model)| prices.ceiling(model, None))
        .sum())
}

/// What the limit counts this month: known costs, the ceilings of unknown ones, and the
/// ceilings of unknown ones still running (but `except`).
fn counted(store: &Store, clock: &dyn Clock, except: Option<i64>) -> Result<f64> {
    let month = month_of(clock.now_ms(), clock.zone());
    let finished: f64 = store
        .cost_totals(month.from_ms, month.until_ms)?
        .iter()
        .map(|r| r.usd + r.unknown_up_to_usd)
        .sum();
    Ok(finished + running_up_to(store, except)?)
}

/// Why generation `id` must wait for a parent (the note to show), if it must: a limit is set,
/// no parent allowed this one, and either the limit is reached this month or the model's price
/// is unknown and its ceiling would go past the limit (a run of unknown price never counts as
/// $0).
pub(crate) fn must_hold(store: &Store, clock: &dyn Clock, id: i64) -> Result<Option<String>> {
    let Some(limit) = limit(store)? else {
        return Ok(None);
    };
    if store.is_approved(id)? {
        return Ok(None);
    }
    let counted = counted(store, clock, Some(id))?;
    if micros(counted) >= micros(limit) {
        return Ok(Some(HELD_NOTE.to_owned()));
    }
    let model = store.get_generation(id)?.model;
    match cost::prices(store)?.ceiling(&model, None) {
        Some(up_to) if micros(counted + up_to) > micros(limit) => Ok(Some(unpriced_note(up_to))),
        _ => Ok(None),
    }
}

/// Whether new generations may go now (no limit, or under it this month, unknown prices
/// counted at their ceiling).
pub(crate) fn under_limit(store: &Store, clock: &dyn Clock) -> Result<bool> {
    let Some(limit) = limit(store)? else {
        return Ok(true);
    };
    Ok(micros(counted(store, clock, None)?) < micros(limit))
}

/// Dollars in whole millionths.
fn micros(usd: f64) -> i64 {
    (usd * 1e6).round() as i64
}

/// Puts held generations back in line if new ones may go now (a new month, a raised limit);
/// the runner checks each again. Returns those moved.
pub(crate) fn release_if_under(
    store: &Store,
    clock: &dyn Clock,
) -> Result<Vec<skaitch_store::GenerationRecord>> {
    if store.held_count()? == 0 || !under_limit(store, clock)? {
        return Ok(Vec::new());
    }
    Ok(store.release_held()?)
}
