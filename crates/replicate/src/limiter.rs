//! A small token bucket that spaces out prediction creates on the client side.

use crate::RateLimit;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tokens refill continuously at `per_minute / 60` a second, up to `burst`.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    rate_per_sec: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub(crate) fn new(limit: RateLimit) -> TokenBucket {
        let burst = f64::from(limit.burst.max(1));
        TokenBucket {
            rate_per_sec: f64::from(limit.per_minute.max(1)) / 60.0,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes a token if one is there (returns `None`), or says how long until one will be.
    pub(crate) fn try_take(&self, now: Instant) -> Option<Duration> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = *state;
        let elapsed = now.saturating_duration_since(last).as_secs_f64();
        let tokens = (tokens + elapsed * self.rate_per_sec).min(self.burst);
        if tokens >= 1.0 {
            *state = (tokens - 1.0, now);
            None
        } else {
            *state = (tokens, now);
            Some(Duration::from_secs_f64((1.0 - tokens) / self.rate_per_sec))
        }
    }

    /// Waits until a token is free and takes it.
    pub(crate) async fn take(&self) {
        while let Some(wait) = self.try_take(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_rate() {
        let b = TokenBucket::new(RateLimit {
            per_minute: 60,
            burst: 2,
        });
        let t0 = Instant::now();
        assert_eq!(b.try_take(t0), None);
        assert_eq!(b.try_take(t0), None);
        let wait = b.try_take(t0).expect("the burst is spent");
        assert!((wait.as_secs_f64() - 1.0).abs() < 1e-6, "{wait:?}");
        assert_eq!(b.try_take(t0 + Duration::from_millis(1000)), None);
        assert!(b.try_take(t0 + Duration::from_millis(1500)).is_some());
    }

    #[test]
    fn tokens_never_pile_up_past_the_burst() {
        let b = TokenBucket::new(RateLimit {
            per_minute: 6,
            burst: 1,
        });
        let t0 = Instant::now();
        assert_eq!(b.try_take(t0 + Duration::from_secs(3600)), None);
        let wait = b.try_take(t0 + Duration::from_secs(3600)).unwrap();
        assert!((wait.as_secs_f64() - 10.0).abs() < 1e-6, "{wait:?}");
    }
}
