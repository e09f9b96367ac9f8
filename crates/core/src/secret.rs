//! A secret (API token, S3 key) that can be used but never printed, logged or serialised.

/// A secret string. `Debug` prints `Secret(***)`; there is no `Display` and no `Serialize`,
/// so a secret cannot end up in a log line, an error message or a database row by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret, trimming the whitespace a paste or `echo` adds.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into().trim().to_owned())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new(" r8_abcdef\n");
        assert_eq!(s.expose(), "r8_abcdef");
        let printed = format!("{s:?} {:?}", vec![s.clone()]);
        assert!(!printed.contains("r8_abcdef"), "{printed}");
        assert!(printed.contains("***"));
    }
}
