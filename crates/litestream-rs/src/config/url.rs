//! Replica URLs read the way the official tool reads them: `^\w+://` makes a URL, and
//! `s3://bucket/path?endpoint=...&region=...&forcePathStyle=...` gives the bucket, the key
//! prefix (cleaned like Go's `path.Clean`) and the S3 settings of the query.

/// The scheme of a URL (`^\w+://`, the official test), if `s` is one.
pub(super) fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once("://")?;
    let word = !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    word.then_some(scheme)
}

/// What an `s3://` URL says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct S3Url {
    pub(super) bucket: String,
    /// The key prefix: `s3://b` gives `.`, `s3://b/` gives ``, `s3://b//x/` gives `x`, as the
    /// official tool computes it (its keys are then `<path>/<level>/...`).
    pub(super) path: String,
    pub(super) endpoint: Option<String>,
    pub(super) region: Option<String>,
    pub(super) force_path_style: Option<bool>,
}

impl S3Url {
    /// Reads the part of an `s3://` URL after the scheme.
    pub(super) fn parse(rest: &str) -> S3Url {
        let rest = rest.split('#').next().unwrap_or_default();
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (bucket, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let cleaned = go_path_clean(path);
        let mut url = S3Url {
            bucket: bucket.to_owned(),
            path: cleaned.strip_prefix('/').unwrap_or(&cleaned).to_owned(),
            ..S3Url::default()
        };
        let get = |name: &str| {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| percent_decode(v))
                .filter(|v| !v.is_empty())
        };
        if let Some(endpoint) = get("endpoint") {
            // A bare host gets a scheme: http for local addresses, https otherwise.
            url.endpoint = Some(if endpoint.contains("://") {
                endpoint
            } else if is_local(&endpoint) {
                format!("http://{endpoint}")
            } else {
                format!("https://{endpoint}")
            });
            url.force_path_style = Some(true);
        }
        url.region = get("region");
        if let Some(v) = get("forcePathStyle").or_else(|| get("force-path-style")) {
            url.force_path_style = Some(v == "true");
        }
        url
    }
}

/// The official list of hosts that default to plain http.
fn is_local(endpoint: &str) -> bool {
    let host = endpoint
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let host = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    host == "localhost"
        || host == "127.0.0.1"
        || [
            "192.168.", "10.", "172.16.", "172.17.", "172.18.", "172.19.", "172.2", "172.30.",
            "172.31.",
        ]
        .iter()
        .any(|p| host.starts_with(p))
        || host.ends_with(".local")
        || host.ends_with(".localhost")
}

/// `%XX` escapes decoded (invalid ones kept as they are), `+` as a space.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' => match (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `path.Clean`: one `/` between elements, `.` and `..` resolved, no trailing `/`; `.`
/// for an empty result of a relative path, `/` for a rooted one.
fn go_path_clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_give_the_official_key_prefix() {
        // Checked against litestream 0.5.17 writing to moto: `s3://b` writes `./0000/...`,
        // `s3://b/` writes `/0000/...`, `s3://b//x//y/` writes `x/y/0000/...`.
        for (rest, bucket, path) in [
            ("b", "b", "."),
            ("b/", "b", ""),
            ("b/app.db", "b", "app.db"),
            ("b/family/app.db/", "b", "family/app.db"),
            ("b//x//y/", "b", "x/y"),
            ("b/a/./c/../app.db?region=eu-west-1", "b", "a/app.db"),
        ] {
            let url = S3Url::parse(rest);
            assert_eq!(
                (url.bucket.as_str(), url.path.as_str()),
                (bucket, path),
                "{rest}"
            );
        }
    }

    #[test]
    fn the_query_sets_endpoint_region_and_path_style() {
        let url = S3Url::parse("b/p?endpoint=127.0.0.1:9000&region=eu-west-1");
        assert_eq!(url.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(url.region.as_deref(), Some("eu-west-1"));
        assert_eq!(url.force_path_style, Some(true));
        let url = S3Url::parse("b?endpoint=https%3A%2F%2Fminio.example.com&forcePathStyle=false");
        assert_eq!(url.endpoint.as_deref(), Some("https://minio.example.com"));
        assert_eq!(url.force_path_style, Some(false));
        assert_eq!(url.path, ".");
        let url = S3Url::parse("b/p?endpoint=s3.example.com");
        assert_eq!(url.endpoint.as_deref(), Some("https://s3.example.com"));
        assert_eq!(S3Url::parse("b/p").endpoint, None);
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
    }
}
