//! The API token as a secret, and the rule for which hosts may ever see it.

use reqwest::Url;

/// A Replicate API token (`r8_...`).
///
/// Its `Debug` is redacted and it has no `Display` and no `Serialize`, so it cannot end up in a log
/// line, an error message or a JSON body by accident. The client sends it only as
/// `Authorization: Bearer` and only to hosts allowed by [`may_receive_token`].
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token, trimming the whitespace a paste often brings along.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into().trim().to_string())
    }

    /// The token's text, for the one place that needs it: building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when no token was given (an empty or blank string).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Whether a request to `url` may carry the token.
///
/// Allowed: the API base's own origin (scheme, host and port — a different port is a different
/// server), and `https` URLs on `replicate.delivery` or any of its subdomains, where outputs live.
/// Everything else (another CDN, a redirect target, a user-supplied URL) gets no token.
pub fn may_receive_token(api_base: &Url, url: &Url) -> bool {
    if url.origin() == api_base.origin() {
        return true;
    }
    match url.host_str() {
        Some(host) if url.scheme() == "https" => {
            let host = host.trim_end_matches('.').to_ascii_lowercase();
            host == "replicate.delivery" || host.ends_with(".replicate.delivery")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn debug_hides_the_token() {
        let t = Token::new("  r8_secret_value\n");
        assert_eq!(t.expose(), "r8_secret_value");
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        assert!(!format!("{:?}", Some(&t)).contains("secret"));
    }

    #[test]
    fn token_goes_only_to_the_api_and_replicate_delivery() {
        let api = u("https://api.replicate.com/v1");
        assert!(may_receive_token(
            &api,
            &u("https://api.replicate.com/v1/predictions")
        ));
        assert!(may_receive_token(
            &api,
            &u("https://replicate.delivery/pbxt/a.png")
        ));
        assert!(may_receive_token(
            &api,
            &u("https://pbxt.replicate.delivery/a.png")
        ));
        assert!(!may_receive_token(
            &api,
            &u("http://replicate.delivery/a.png")
        ));
        assert!(!may_receive_token(
            &api,
            &u("https://evilreplicate.delivery/a.png")
        ));
        assert!(!may_receive_token(
            &api,
            &u("https://replicate.delivery.evil.com/a.png")
        ));
        assert!(!may_receive_token(&api, &u("https://example.com/a.png")));
        assert!(!may_receive_token(&api, &u("http://api.replicate.com/v1")));
    }

    #[test]
    fn a_local_api_base_matches_on_port_too() {
        let api = u("http://127.0.0.1:4000/v1");
        assert!(may_receive_token(
            &api,
            &u("http://127.0.0.1:4000/delivery/x.png")
        ));
        assert!(!may_receive_token(
            &api,
            &u("http://127.0.0.1:4001/delivery/x.png")
        ));
        assert!(!may_receive_token(
            &api,
            &u("http://localhost:4000/delivery/x.png")
        ));
    }
}
