//! Integration tests of the Replicate client against the local server from `skaitch-testkit`.

mod fetch_limits;
mod files;
mod outcomes;
mod predictions;
mod reconcile;
mod retries;
mod security;
mod setup;
