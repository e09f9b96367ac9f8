//! How a prediction moves along: a cold boot, progress per poll or per second, tqdm logs (or
//! none), the scripted ending (the model's own moderation wording, running out of GPU memory
//! on a large input), the output files (the detected map first, for Scribble), and data
//! removal after the configured time.

use super::model::{Outcome, OutputOrigin, OutputShape, Until, OUT_OF_MEMORY_ERROR};
use super::state::State;
use base64::Engine;
use serde_json::{json, Value};
use std::time::SystemTime;

impl State {
    /// Brings a prediction up to date: progress for `polls` more looks, timers, data removal.
    pub fn advance(&mut self, i: usize, polls: u32) {
        let now = SystemTime::now();
        let ttl = self.config.data_ttl;
        let p = &mut self.predictions[i];
        if p.is_terminal() {
            let expired = p
                .completed
                .and_then(|c| now.duration_since(c).ok())
                .is_some_and(|age| age >= ttl);
            if expired && !p.data_removed {
                self.remove_data(i);
            }
            return;
        }
        p.polls += polls;
        let age = now.duration_since(p.created).unwrap_or_default();
        if p.cancel_after.is_some_and(|limit| age >= limit) {
            let status = if p.started.is_some() {
                "canceled"
            } else {
                "aborted"
            };
            return self.finish(i, status);
        }
        let script = p.model.script.clone();
        // These two never run: they show their status from the first look on.
        match script.outcome {
            Outcome::Abort if p.polls > 0 => return self.finish(i, "aborted"),
            Outcome::Status(s) if p.polls > 0 => {
                p.status = s;
                return;
            }
            Outcome::Abort | Outcome::Status(_) => return,
            _ => {}
        }
        let quirks = p.model.quirks.clone();
        let polls = p.polls.saturating_sub(quirks.cold_polls);
        let fraction = match script.until {
            Until::Polls(0) if quirks.cold_polls == 0 => 1.0,
            Until::Polls(n) => f64::from(polls) / f64::from(n.max(1)),
            Until::Elapsed(d) => age.as_secs_f64() / d.as_secs_f64().max(1e-9),
        };
        if fraction <= 0.0 {
            return;
        }
        if p.started.is_none() {
            p.started = Some(now);
            p.status = "processing".into();
        }
        p.logs = if quirks.no_progress_logs {
            "Generating...\n".into()
        } else {
            tqdm_logs(p.seq, script.steps, fraction.min(1.0))
        };
        if fraction < 1.0 {
            return;
        }
        let too_big = quirks
            .max_image_side
            .zip(p.image_side)
            .is_some_and(|(max, side)| side > max);
        if too_big {
            p.error = json!(OUT_OF_MEMORY_ERROR);
            return self.finish(i, "failed");
        }
        match script.outcome {
            Outcome::Succeed => {
                self.fill_outputs(i);
                self.finish(i, "succeeded")
            }
            Outcome::Fail(msg) => {
                self.predictions[i].error = json!(msg);
                self.finish(i, "failed")
            }
            Outcome::Nsfw => {
                let p = &mut self.predictions[i];
                p.error = json!(p.model.moderation_error(p.seq));
                self.finish(i, "failed")
            }
            _ => self.finish(i, "canceled"),
        }
    }

    pub fn finish(&mut self, i: usize, status: &str) {
        let p = &mut self.predictions[i];
        p.status = status.into();
        p.completed = Some(SystemTime::now());
    }

    /// Makes the outputs: small valid PNGs, as URLs on the chosen origin or as data: URIs.
    fn fill_outputs(&mut self, i: usize) {
        let p = &self.predictions[i];
        let script = &p.model.script;
        let count = p.requested.saturating_sub(script.filtered);
        let single = matches!(script.output, OutputShape::Url | OutputShape::DataUri);
        let count = if single { count.min(1) } else { count };
        let origin = match script.origin {
            OutputOrigin::Api => self.api_origin.clone(),
            OutputOrigin::Cdn => self.cdn_origin.clone(),
        };
        let (id, seq, shape) = (p.id.clone(), p.seq, script.output);
        let map_first = p.model.quirks.map_first && !single;
        let mut items = Vec::new();
        for n in 0..count + u32::from(map_first) {
            let png = if map_first && n == 0 {
                crate::images::scribble_map(64, 48)
            } else {
                crate::images::png(64, 48, (seq as u8).wrapping_mul(16).wrapping_add(n as u8))
            };
            items.push(match shape {
                OutputShape::DataUri | OutputShape::DataUriArray => format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&png)
                ),
                OutputShape::Url | OutputShape::UrlArray => {
                    let path = format!("/delivery/{id}/out-{n}.png");
                    self.outputs.insert(path.clone(), png);
                    format!("{origin}{path}")
                }
            });
        }
        self.predictions[i].output = match (single, items.pop()) {
            (true, Some(one)) => json!(one),
            (true, None) => Value::Null,
            (false, last) => json!(items.into_iter().chain(last).collect::<Vec<_>>()),
        };
    }

    /// Deletes a prediction's input, output, logs and output files, as Replicate does after an hour.
    pub fn remove_data(&mut self, i: usize) {
        let prefix = format!("/delivery/{}/", self.predictions[i].id);
        self.outputs.retain(|path, _| !path.starts_with(&prefix));
        let p = &mut self.predictions[i];
        p.output = Value::Null;
        p.input = json!({});
        p.logs = String::new();
        p.data_removed = true;
    }
}

/// tqdm lines for `fraction` of `steps`, one per step reached, after a seed line.
fn tqdm_logs(seed: u64, steps: u32, fraction: f64) -> String {
    let done = ((f64::from(steps) * fraction).floor() as u32).min(steps);
    let mut logs = format!("Using seed: {}\n", 1000 + seed);
    for k in 0..=done {
        let pct = (k * 100).checked_div(steps).unwrap_or(100);
        let filled = (pct / 10) as usize;
        logs.push_str(&format!(
            "{pct:>3}%|{}{}| {k}/{steps} [00:0{k}<00:00,  4.98it/s]\n",
            "█".repeat(filled),
            " ".repeat(10 - filled)
        ));
    }
    logs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tqdm_logs_grow_with_progress() {
        let logs = tqdm_logs(1, 4, 0.5);
        let lines: Vec<&str> = logs.lines().collect();
        assert_eq!(lines.len(), 4, "{logs}");
        assert_eq!(lines[3], " 50%|█████     | 2/4 [00:02<00:00,  4.98it/s]");
        assert!(tqdm_logs(1, 4, 1.0).contains("100%|██████████| 4/4"));
    }
}
