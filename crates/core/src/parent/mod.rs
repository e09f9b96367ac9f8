//! Parent controls: kid-safe prompts and requests, what each picture cost, a monthly limit
//! with pictures held until a parent allows them, and an optional parent PIN.
//!
//! # Layout
//! - `filter.rs`: the word filter over `data/blocked-words.txt` (case, spacing, punctuation,
//!   leetspeak, stretched letters; whole words only)
//! - `safety.rs`: `disable_safety_checker` forced off at plan and send time; prompts checked

pub mod filter;
pub(crate) mod safety;
