//! Parent controls: kid-safe prompts and requests, what each picture cost, a monthly limit
//! with pictures held until a parent allows them, and an optional parent PIN.
//!
//! # Layout
//! - `filter.rs`: the word filter over `data/blocked-words.txt` (case, spacing, punctuation,
//!   leetspeak, stretched letters; whole words only)
//! - `safety.rs`: every safety switch at its strictest (or refused) at plan and send time;
//!   prompts and form texts checked
//! - `cost.rs`: the price list (`data/prices.json` + a parent's edits) and pricing a run
//! - `clock.rs`: now and the local calendar (injectable: tests cross month boundaries)
//! - `limit.rs`: this month's spending, the 80 % warning, holding at 100 %
//! - `api.rs`: the `impl App` block: spending, the limit, prices, allowing a held generation
//! - `pin.rs`: the optional parent PIN (Argon2id hash, sessions as short as their reason) and
//!   the one-line guard `self.require_parent()?` for parent-only actions
//! - `models.rs`: the parent's list of allowed models for "Any model" (the rest need the PIN,
//!   or with no PIN set are refused)
//! - `lockout.rs`: wrong tries counted before hashing, growing lock-outs kept across restarts
//!   and counted down on the boot clock, never the wall clock
//!
//! # Held generations
//! A generation is checked against the limit just before its first send: over the limit, or
//! (with a limit set) on a model whose price is unknown, it becomes `held` (persisted, so a
//! restart keeps it waiting) and nothing goes to Replicate.
//! A parent's "allow" records an approval and puts it back to `queued`; raising the limit,
//! or a new month when a new generation is asked for, puts every held one back in line to be
//! checked again.

mod api;
pub mod clock;
pub mod cost;
pub mod filter;
pub mod limit;
pub mod lockout;
mod models;
pub mod pin;
pub(crate) mod safety;

pub use api::{HardwareRow, ModelPriceRow, PriceTable};
pub use cost::{CostKind, GenerationCost, HardwarePrice, ModelPrice, PriceList};
pub use limit::{ChildSpending, Spending};
pub use pin::{ParentScope, ParentSession, PinStatus};
