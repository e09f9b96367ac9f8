//! The parent-control use-cases on [`App`]: spending and the monthly limit, the price list,
//! allowing a held generation.

use super::cost::{self, HardwarePrice, ModelPrice, PriceList, OVERRIDES_KEY};
use super::limit::{self, Spending, LIMIT_KEY};
use crate::generate::Generation;
use crate::{App, Error, Result};
use serde::Serialize;
use std::collections::BTreeSet;
use ts_rs::TS;

/// A model's price as the settings editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelPriceRow {
    /// `owner/name`.
    pub model: String,
    /// `None`: unknown.
    pub price: Option<ModelPrice>,
    /// The hardware's price per second, when priced by the second.
    pub per_second: Option<f64>,
    pub hardware_label: Option<String>,
    /// The parent changed it (else it is as shipped).
    pub edited: bool,
    /// One of the model presets.
    pub preset: bool,
}

/// A hardware type's price as the editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HardwareRow {
    pub id: String,
    pub price: HardwarePrice,
    pub edited: bool,
}

/// The prices in use, for the settings editor.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PriceTable {
    pub models: Vec<ModelPriceRow>,
    pub hardware: Vec<HardwareRow>,
}

fn invalid(field: &'static str, reason: &str) -> Error {
    Error::InvalidRequest {
        field,
        reason: reason.to_owned(),
    }
}

fn money(v: f64, field: &'static str) -> Result<()> {
    if (0.0..1_000_000.0).contains(&v) {
        Ok(())
    } else {
        Err(invalid(field, "must be an amount of dollars, 0 or more"))
    }
}

impl App {
    /// This month's spending (local calendar) against the limit, per child too.
    pub fn spending(&self) -> Result<Spending> {
        limit::spending(&self.store, &*self.clock)
    }

    /// Sets the monthly limit in US dollars (`None`: no limit). Held generations go back in
    /// line, to be checked against the new limit.
    pub fn set_monthly_limit(&self, usd: Option<f64>) -> Result<Spending> {
        self.require_parent()?;
        if let Some(v) = usd {
            money(v, "limit")?;
        }
        let value = usd.map(|v| v.to_string());
        self.store.set_setting(LIMIT_KEY, value.as_deref())?;
        self.release_held()?;
        self.spending()
    }

    /// Lets a held generation go past the monthly limit ("allow one more"); returns it as
    /// allowed (queued), before the runner picks it up.
    pub fn allow_generation(&self, id: i64) -> Result<Generation> {
        self.require_parent()?;
        let Some(rec) = self.store.approve_held(id)? else {
            return self.generation(id);
        };
        // Read before the runner can move it on: the answer is the allowed (queued) state,
        // not whatever step the runner has reached by then.
        let allowed = self.generation(id)?;
        self.requeue(&[rec]);
        Ok(allowed)
    }

    /// Puts held generations back in line when the limit allows new ones (a new month, a
    /// raised limit); the runner checks each again.
    pub(crate) fn release_held(&self) -> Result<()> {
        self.requeue(&limit::release_if_under(&self.store, &*self.clock)?);
        Ok(())
    }

    /// The prices in use (shipped, with the parent's changes), every preset model listed.
    pub fn price_table(&self) -> Result<PriceTable> {
        let overrides = cost::overrides(&self.store)?;
        let prices = PriceList::shipped().merged(&overrides);
        let presets: BTreeSet<String> = self.model_presets().into_iter().map(|p| p.model).collect();
        let names: BTreeSet<String> = presets
            .iter()
            .cloned()
            .chain(prices.models.keys().cloned())
            .collect();
        let models = names
            .into_iter()
            .map(|model| {
                let price = prices.models.get(&model).cloned();
                let hw = price
                    .as_ref()
                    .and_then(|p| p.hardware.as_ref())
                    .and_then(|h| prices.hardware.get(h));
                ModelPriceRow {
                    edited: overrides.models.contains_key(&model),
                    preset: presets.contains(&model),
                    per_second: hw.map(|h| h.per_second),
                    hardware_label: hw.map(|h| h.label.clone()),
                    price,
                    model,
                }
            })
            .collect();
        let hardware = prices
            .hardware
            .into_iter()
            .map(|(id, price)| HardwareRow {
                edited: overrides.hardware.contains_key(&id),
                id,
                price,
            })
            .collect();
        Ok(PriceTable { models, hardware })
    }

    /// Sets how model `owner/name` is priced (`None`: back to the shipped price). Costs already
    /// recorded keep the price they were recorded with.
    pub fn set_model_price(&self, model: &str, price: Option<ModelPrice>) -> Result<PriceTable> {
        self.require_parent()?;
        if crate::generate::parse_spec(model).is_none() {
            return Err(Error::UnknownModel(model.to_owned()));
        }
        let mut overrides = cost::overrides(&self.store)?;
        match price {
            None => {
                overrides.models.remove(model);
            }
            Some(mut p) => {
                match (p.per_image, &p.hardware) {
                    (Some(v), None) => money(v, "perImage")?,
                    (None, Some(h)) => {
                        let known = PriceList::shipped().merged(&overrides);
                        if !known.hardware.contains_key(h) {
                            return Err(invalid("hardware", "unknown hardware type"));
                        }
                    }
                    _ => {
                        return Err(invalid(
                            "price",
                            "give a price per image or a hardware type",
                        ))
                    }
                }
                p.checked = Some(self.today());
                p.source = Some("set by a parent".into());
                overrides.models.insert(model.to_owned(), p);
            }
        }
        self.save_overrides(&overrides)?;
        self.price_table()
    }

    /// Sets a hardware type's price per second (`None`: back to the shipped price).
    pub fn set_hardware_price(&self, id: &str, price: Option<HardwarePrice>) -> Result<PriceTable> {
        self.require_parent()?;
        let mut overrides = cost::overrides(&self.store)?;
        match price {
            None => {
                overrides.hardware.remove(id);
            }
            Some(mut p) => {
                money(p.per_second, "perSecond")?;
                if id.trim().is_empty() || p.label.trim().is_empty() {
                    return Err(invalid("hardware", "needs an id and a name"));
                }
                p.checked = Some(self.today());
                p.source = Some("set by a parent".into());
                overrides.hardware.insert(id.to_owned(), p);
            }
        }
        self.save_overrides(&overrides)?;
        self.price_table()
    }

    fn save_overrides(&self, overrides: &PriceList) -> Result<()> {
        let json = serde_json::to_string(overrides).unwrap_or_default();
        Ok(self.store.set_setting(OVERRIDES_KEY, Some(&json))?)
    }

    /// Today's date in the clock's zone, `YYYY-MM-DD`.
    fn today(&self) -> String {
        super::clock::date_of(self.clock.now_ms(), self.clock.zone())
    }
}
