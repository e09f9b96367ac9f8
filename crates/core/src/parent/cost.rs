//! What a generation cost. Prices ship in `data/prices.json` (hardware per second, official
//! models per output image, each with the date it was checked); a parent's edits are saved
//! as overrides in the `settings` table and win over the shipped list. A model with no known
//! price costs "unknown" (`usd: None`), never a guess, but carries a ceiling (`estimate_usd`):
//! the dearest hardware in the list for the run's time, or for Replicate's 30-minute cap when
//! no time is known (before it ran, or when Replicate reported none), so a monthly limit can
//! count it and the spending panel can say "up to".

use crate::Result;
use serde::{Deserialize, Serialize};
use skaitch_store::{CostBasis, CostRecord, Store, Unpriced};
use std::collections::BTreeMap;
use ts_rs::TS;

const SHIPPED: &str = include_str!("../../data/prices.json");
/// The `settings` key of the parent's price overrides (a [`PriceList`] as JSON).
pub(crate) const OVERRIDES_KEY: &str = "parent.prices";
/// The longest a run is billed for: Replicate stops a prediction after 30 minutes, and the
/// runner sends the same as `Cancel-After` (see `generate::RunnerConfig`).
pub const MAX_RUN_SECS: f64 = 30.0 * 60.0;
/// The per-second price assumed when the list has no hardware at all (an H100's, rounded up).
const FALLBACK_PER_SECOND: f64 = 0.002;

/// A hardware type's price per second of `predict_time`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HardwarePrice {
    pub label: String,
    pub per_second: f64,
    /// When the price was checked (`YYYY-MM-DD`).
    #[serde(default)]
    pub checked: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// How a model is priced: per output image, or by the second on a hardware type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelPrice {
    #[serde(default)]
    pub per_image: Option<f64>,
    /// A key of [`PriceList::hardware`].
    #[serde(default)]
    pub hardware: Option<String>,
    #[serde(default)]
    pub checked: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// Prices by hardware type and by model (`owner/name`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PriceList {
    #[serde(default)]
    pub hardware: BTreeMap<String, HardwarePrice>,
    #[serde(default)]
    pub models: BTreeMap<String, ModelPrice>,
}

impl PriceList {
    /// The list shipped with the app.
    pub fn shipped() -> PriceList {
        serde_json::from_str(SHIPPED).unwrap_or_default()
    }

    /// Whether a run of `model` (`owner/name`) can be priced: per image, or by the second on
    /// a hardware type with a price.
    pub fn knows(&self, model: &str) -> bool {
        self.models.get(model).is_some_and(|m| {
            m.per_image.is_some()
                || m.hardware
                    .as_ref()
                    .is_some_and(|h| self.hardware.contains_key(h))
        })
    }

    /// The dearest per-second price in the list: what a run of unknown price is assumed to
    /// cost per second.
    pub fn dearest_per_second(&self) -> f64 {
        let dearest = self
            .hardware
            .values()
            .map(|h| h.per_second)
            .fold(0.0, f64::max);
        if dearest > 0.0 {
            dearest
        } else {
            FALLBACK_PER_SECOND
        }
    }

    /// The most a run of `model` could cost when its price is unknown, for a run of `secs`
    /// (`None`: as long as Replicate lets it run). `None` when the model's price is known.
    pub fn ceiling(&self, model: &str, secs: Option<f64>) -> Option<f64> {
        let secs = secs.filter(|s| s.is_finite() && *s >= 0.0);
        (!self.knows(model)).then(|| self.dearest_per_second() * secs.unwrap_or(MAX_RUN_SECS))
    }

    /// `self` with every entry of `overrides` in place of the shipped one.
    pub fn merged(mut self, overrides: &PriceList) -> PriceList {
        for (k, v) in &overrides.hardware {
            self.hardware.insert(k.clone(), v.clone());
        }
        for (k, v) in &overrides.models {
            self.models.insert(k.clone(), v.clone());
        }
        self
    }
}

/// The parent's overrides, as saved.
pub(crate) fn overrides(store: &Store) -> Result<PriceList> {
    Ok(store
        .setting(OVERRIDES_KEY)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// The prices in use: shipped, with the parent's overrides.
pub(crate) fn prices(store: &Store) -> Result<PriceList> {
    Ok(PriceList::shipped().merged(&overrides(store)?))
}

/// How a cost was worked out, as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CostKind {
    /// Per output image.
    Image,
    /// Per second on the model's hardware.
    Second,
    /// Nothing ran at Replicate.
    Free,
    /// No known price: shown as "unknown".
    Unknown,
}

/// What one generation cost, shown on its card.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerationCost {
    /// US dollars; `None` when the price is unknown.
    pub usd: Option<f64>,
    pub kind: CostKind,
    /// Per image or per second.
    pub unit_price: Option<f64>,
    /// Images, or seconds.
    pub units: f64,
    /// The hardware's label (per-second prices).
    pub hardware: Option<String>,
    pub price_checked: Option<String>,
}

impl GenerationCost {
    pub(crate) fn of(c: &CostRecord) -> GenerationCost {
        GenerationCost {
            usd: c.usd,
            kind: match c.basis {
                CostBasis::Image => CostKind::Image,
                CostBasis::Second => CostKind::Second,
                CostBasis::Free => CostKind::Free,
                CostBasis::Unknown => CostKind::Unknown,
            },
            unit_price: c.unit_price,
            units: c.units,
            hardware: c.hardware.clone(),
            price_checked: c.price_checked.clone(),
        }
    }
}

/// Prices a finished generation at `at_ms`: per image for a per-image model, per second of
/// `predict_time` on the model's hardware, free when nothing ran, else unknown.
pub fn price(u: &Unpriced, prices: &PriceList, at_ms: i64) -> CostRecord {
    let mut c = CostRecord {
        generation_id: u.generation_id,
        model: u.model.clone(),
        child_id: u.child_id,
        usd: None,
        basis: CostBasis::Unknown,
        unit_price: None,
        units: 0.0,
        hardware: None,
        price_checked: None,
        priced_at: at_ms,
        estimate_usd: None,
    };
    if !u.had_prediction {
        c.usd = Some(0.0);
        c.basis = CostBasis::Free;
        return c;
    }
    // Replaced below when the price is known.
    c.estimate_usd = Some(prices.dearest_per_second() * u.predict_time.unwrap_or(MAX_RUN_SECS));
    let Some(model) = prices.models.get(&u.model) else {
        return c;
    };
    c.price_checked = model.checked.clone();
    if let Some(per_image) = model.per_image {
        c.basis = CostBasis::Image;
        c.unit_price = Some(per_image);
        c.units = f64::from(u.images);
        c.usd = Some(per_image * f64::from(u.images));
        c.estimate_usd = None;
        return c;
    }
    let hw = model.hardware.as_ref().and_then(|h| prices.hardware.get(h));
    if let (Some(hw), Some(secs)) = (hw, u.predict_time) {
        c.basis = CostBasis::Second;
        c.unit_price = Some(hw.per_second);
        c.units = secs;
        c.usd = Some(hw.per_second * secs);
        c.estimate_usd = None;
        c.hardware = Some(hw.label.clone());
        c.price_checked = hw.checked.clone().or(c.price_checked);
    } else if let Some(hw) = hw {
        // The hardware is known but not the run's time: as long as Replicate lets it run.
        c.estimate_usd = Some(hw.per_second * MAX_RUN_SECS);
    }
    c
}

/// Records the cost of finished generation `id` (once; later calls change nothing).
pub(crate) fn record(store: &Store, id: i64, at_ms: i64) -> Result<()> {
    if let Some(u) = store.unpriced(id)? {
        store.record_cost(&price(&u, &prices(store)?, at_ms))?;
    }
    Ok(())
}

/// Records the cost of every finished generation that has none (the app stopped between
/// finishing one and pricing it).
pub(crate) fn backfill(store: &Store, at_ms: i64) -> Result<()> {
    let missing = store.finished_without_cost()?;
    if missing.is_empty() {
        return Ok(());
    }
    let prices = prices(store)?;
    for u in missing {
        store.record_cost(&price(&u, &prices, at_ms))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(model: &str, secs: Option<f64>, images: u32) -> Unpriced {
        Unpriced {
            generation_id: 1,
            model: model.into(),
            child_id: None,
            had_prediction: true,
            predict_time: secs,
            images,
        }
    }

    #[test]
    fn the_shipped_list_parses_with_dates() {
        let p = PriceList::shipped();
        assert!(p.hardware.len() >= 5 && p.models.len() >= 2);
        assert!(p
            .hardware
            .values()
            .all(|h| h.checked.is_some() && h.per_second > 0.0));
        // A figure not read from its source yet still names where to check it.
        assert!(p
            .models
            .values()
            .all(|m| m.checked.is_some() || m.source.is_some()));
        for m in p.models.values() {
            if let Some(h) = &m.hardware {
                assert!(p.hardware.contains_key(h), "{h} is priced");
            }
        }
    }

    #[test]
    fn per_image_per_second_free_and_unknown() {
        let p = PriceList::shipped();
        let flux = price(
            &run("black-forest-labs/flux-kontext-pro", Some(3.0), 2),
            &p,
            5,
        );
        assert_eq!(flux.basis, CostBasis::Image);
        assert_eq!(flux.usd, Some(0.08));
        assert_eq!(flux.priced_at, 5);
        let sd = price(
            &run("stability-ai/stable-diffusion-img2img", Some(2.5), 4),
            &p,
            5,
        );
        assert_eq!(sd.basis, CostBasis::Second);
        assert!((sd.usd.unwrap() - 0.0035).abs() < 1e-12, "{:?}", sd.usd);
        assert_eq!(sd.hardware.as_deref(), Some("Nvidia A100 (80GB)"));
        // No run time reported: unknown, not zero.
        let no_time = price(
            &run("stability-ai/stable-diffusion-img2img", None, 1),
            &p,
            5,
        );
        assert_eq!((no_time.basis, no_time.usd), (CostBasis::Unknown, None));
        assert!(
            (no_time.estimate_usd.unwrap() - 1800.0 * 0.0014).abs() < 1e-9,
            "its A100"
        );
        let unknown = price(&run("someone/something", Some(9.0), 1), &p, 5);
        assert_eq!((unknown.basis, unknown.usd), (CostBasis::Unknown, None));
        // Unknown, but never more than 9 s on the dearest hardware (an H100's $0.001525).
        let up_to = unknown.estimate_usd.unwrap();
        assert!((up_to - 9.0 * 0.001525).abs() < 1e-12, "{up_to}");
        assert_eq!(p.dearest_per_second(), 0.001525);
        // No time reported: Replicate's 30-minute cap.
        let no_time = price(&run("someone/something", None, 1), &p, 5);
        assert!((no_time.estimate_usd.unwrap() - 1800.0 * 0.001525).abs() < 1e-9);
        assert_eq!(
            p.ceiling("someone/something", Some(2.0)),
            Some(2.0 * 0.001525)
        );
        assert_eq!(p.ceiling("black-forest-labs/flux-kontext-pro", None), None);
        assert_eq!(flux.estimate_usd, None, "a known price needs no ceiling");
        let never_ran = Unpriced {
            had_prediction: false,
            ..run("someone/something", None, 0)
        };
        assert_eq!(price(&never_ran, &p, 5).usd, Some(0.0));
    }

    #[test]
    fn overrides_win_over_the_shipped_list() {
        let mut o = PriceList::default();
        o.models.insert(
            "someone/something".into(),
            ModelPrice {
                per_image: None,
                hardware: Some("gpu-t4".into()),
                checked: None,
                source: None,
            },
        );
        o.models.insert(
            "black-forest-labs/flux-kontext-pro".into(),
            ModelPrice {
                per_image: Some(0.05),
                hardware: None,
                checked: Some("2027-01-01".into()),
                source: None,
            },
        );
        let p = PriceList::shipped().merged(&o);
        let c = price(&run("someone/something", Some(10.0), 1), &p, 0);
        assert!((c.usd.unwrap() - 0.00225).abs() < 1e-12);
        let f = price(&run("black-forest-labs/flux-kontext-pro", None, 1), &p, 0);
        assert_eq!(
            (f.usd, f.price_checked.as_deref()),
            (Some(0.05), Some("2027-01-01"))
        );
    }
}
