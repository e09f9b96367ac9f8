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

/// Whether an output at `url` may be fetched at all: what may receive the token (the API's
/// origin, `https` from Replicate's delivery hosts), and, only when the API itself is on this
/// computer (the local test server), other loopback addresses. Anything else (the home network,
/// any other host) is refused: a hostile model must not make the app request it.
pub fn may_fetch(api_base: &Url, url: &Url) -> bool {
    may_receive_token(api_base, url) || (is_loopback(api_base) && is_loopback(url))
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn outputs_come_only_from_replicate_or_from_this_computer_in_tests() {
        let real = u("https://api.replicate.com/v1");
        assert!(may_fetch(
            &real,
            &u("https://replicate.delivery/xezq/a/out-0.webp")
        ));
        assert!(may_fetch(
            &real,
            &u("https://pbxt.replicate.delivery/a.png")
        ));
        for bad in [
            "http://replicate.delivery/a.png",
            "https://192.168.1.1/router.png",
            "http://127.0.0.1:8080/a.png",
            "https://replicate.delivery.evil.example/a.png",
            "http://[::1]/a.png",
        ] {
            assert!(!may_fetch(&real, &u(bad)), "{bad}");
        }
        let local = u("http://127.0.0.1:4000/v1");
        assert!(may_fetch(
            &local,
            &u("http://127.0.0.1:4001/delivery/a.png")
        ));
        assert!(!may_fetch(&local, &u("http://10.0.0.2/a.png")));
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
