//! Client settings: timeouts, the retry policy with its backoff, and the create rate limit.

use rand::Rng;
use std::time::Duration;

/// How long the client waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a TCP/TLS connection.
    pub connect: Duration,
    /// One API request, from sending to the whole answer.
    pub request: Duration,
    /// One output download (images can be a few MB on a slow line).
    pub download: Duration,
    /// The slowest uplink an upload must still get through: an upload's timeout is
    /// `request` plus its size at this rate (a 2 MB photo at 32 KB/s: 30 s + 64 s).
    pub upload_bytes_per_sec: u64,
}

impl Timeouts {
    /// How long an upload of `bytes` may take.
    pub fn upload(&self, bytes: usize) -> Duration {
        let rate = self.upload_bytes_per_sec.max(1);
        self.request + Duration::from_secs_f64(bytes as f64 / rate as f64)
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            download: Duration::from_secs(120),
            upload_bytes_per_sec: 32 * 1024,
        }
    }
}

/// When and how fast to retry a failed call. Which calls may be retried at all is fixed by the
/// client (see [`crate::Client`]); this only says how often and how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, including the first (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// No backoff is longer than this.
    pub max_delay: Duration,
    /// A 429 asking to wait longer than this is returned as [`crate::Error::RateLimited`] at once
    /// instead of sleeping (e.g. the 6/minute limit of a low-credit account).
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The backoff before retry number `retry` (1 = the first retry): `base * 2^(retry-1)`,
    /// capped, with "equal jitter" (half fixed, half random) so clients don't retry in step.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        let jitter_ms = half.as_millis().min(u128::from(u64::MAX)) as u64;
        let jitter = if jitter_ms == 0 {
            Duration::ZERO
        } else {
            Duration::from_millis(rand::rng().random_range(0..=jitter_ms))
        };
        half + jitter
    }

    /// The wait after a 429 that asked for `retry_after`: at least that, plus a little jitter.
    pub fn rate_limit_wait(&self, retry_after: Duration) -> Duration {
        let extra_ms = (self.base_delay.as_millis() / 4).min(250) as u64;
        let extra = if extra_ms == 0 {
            Duration::ZERO
        } else {
            Duration::from_millis(rand::rng().random_range(0..=extra_ms))
        };
        retry_after + extra
    }
}

/// A client-side cap on prediction creates, so a burst of clicks never trips the server's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained creates per minute.
    pub per_minute: u32,
    /// Creates allowed at once before the rate applies.
    pub burst: u32,
}

impl Default for RateLimit {
    /// Replicate's documented 600 creates/minute, with a modest burst.
    fn default() -> Self {
        RateLimit {
            per_minute: 600,
            burst: 10,
        }
    }
}

/// Everything configurable about a [`crate::Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    pub create_rate: RateLimit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_rate_limit_wait: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let d1 = p.backoff(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = p.backoff(3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            let d30 = p.backoff(30);
            assert!(d30 >= Duration::from_millis(500) && d30 <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn an_upload_gets_time_for_its_size() {
        let t = Timeouts::default();
        assert_eq!(t.upload(0), t.request);
        assert_eq!(
            t.upload(2 * 1024 * 1024),
            t.request + Duration::from_secs(64)
        );
    }

    #[test]
    fn a_rate_limit_wait_is_never_shorter_than_asked() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let w = p.rate_limit_wait(Duration::from_secs(2));
            assert!(w >= Duration::from_secs(2) && w <= Duration::from_millis(2250));
        }
    }
}
