//! How the runner behaves ([`RunnerConfig`]: intervals, deadlines, the client's options) and
//! the growing wait ([`Backoff`]) polls and retries use. The bottom of the module: it imports
//! nothing of it.

use std::time::Duration;

/// How the runner behaves. The defaults suit the real API; tests use millisecond intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct RunnerConfig {
    /// Generations running at once (the rest wait `queued`, in order).
    pub max_running: usize,
    /// The first wait between two polls.
    pub poll_initial: Duration,
    /// Each wait is the previous one times this ...
    pub poll_factor: f64,
    /// ... up to this.
    pub poll_max: Duration,
    /// Overall limit from submission to a finished prediction (Replicate stops runs at 30 min).
    pub deadline: Duration,
    /// Sent as `Cancel-After`, so Replicate aborts (without charge) what we would give up on.
    pub cancel_after: Option<Duration>,
    /// Sketches up to this many bytes go as a data URL; bigger ones through the Files API.
    pub data_url_max: usize,
    /// First and longest wait when offline or when Replicate has trouble.
    pub retry_initial: Duration,
    pub retry_max: Duration,
    /// Wait after a lost create answer before looking for the prediction.
    pub reconcile_delay: Duration,
    /// How far before `submitting_at` the reconcile listing starts (clock differences).
    pub reconcile_margin: Duration,
    /// The Replicate client's timeouts, retry policy and create rate limit.
    pub client: skaitch_replicate::Options,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            max_running: 2,
            poll_initial: Duration::from_millis(750),
            poll_factor: 1.5,
            // Official clients poll every 0.5-1 s; a 2 s cap keeps a long run to a few dozen
            // requests while the pictures still arrive within ~2 s of the run's end.
            poll_max: Duration::from_secs(2),
            deadline: Duration::from_secs(30 * 60),
            cancel_after: Some(Duration::from_secs(30 * 60)),
            data_url_max: 256 * 1024,
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(30),
            reconcile_delay: Duration::from_secs(2),
            reconcile_margin: Duration::from_secs(300),
            client: skaitch_replicate::Options::default(),
        }
    }
}

/// A wait that doubles (times `factor`) up to `max`, for polling and for retrying.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    first: Duration,
    next: Duration,
    max: Duration,
    factor: f64,
}

impl Backoff {
    pub(crate) fn new(first: Duration, factor: f64, max: Duration) -> Backoff {
        Backoff {
            first,
            next: first,
            max,
            factor: factor.max(1.0),
        }
    }

    /// The wait to use now; the following one grows.
    pub(crate) fn next(&mut self) -> Duration {
        let d = self.next;
        self.next = d.mul_f64(self.factor).min(self.max).max(self.first);
        d
    }

    pub(crate) fn reset(&mut self) {
        self.next = self.first;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_the_factor_and_is_capped() {
        let mut b = Backoff::new(Duration::from_millis(500), 1.5, Duration::from_secs(1));
        let waits: Vec<u128> = (0..4).map(|_| b.next().as_millis()).collect();
        assert_eq!(waits, [500, 750, 1000, 1000]);
        b.reset();
        assert_eq!(b.next(), Duration::from_millis(500));
    }
}
