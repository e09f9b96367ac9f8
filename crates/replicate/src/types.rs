//! The API's objects as typed Rust values, decoded tolerantly (unknown fields ignored, missing ones defaulted).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::time::Duration;

/// A prediction's lifecycle state. Anything the API adds later decodes as [`Status::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Starting,
    Processing,
    Succeeded,
    Failed,
    Canceled,
    /// A `Cancel-After` deadline passed before the run started; not charged.
    Aborted,
    /// A status this client does not know: treat as "not finished, look again later".
    Unknown(String),
}

impl Status {
    /// The wire name, e.g. `"succeeded"`.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Starting => "starting",
            Status::Processing => "processing",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
            Status::Aborted => "aborted",
            Status::Unknown(s) => s,
        }
    }

    /// Parses a wire name; never fails.
    pub fn parse(s: &str) -> Status {
        match s {
            "starting" => Status::Starting,
            "processing" => Status::Processing,
            "succeeded" => Status::Succeeded,
            "failed" => Status::Failed,
            "canceled" => Status::Canceled,
            "aborted" => Status::Aborted,
            other => Status::Unknown(other.to_string()),
        }
    }

    /// True for succeeded, failed, canceled and aborted: the prediction will not change again.
    /// An unknown status is not terminal, so a poller keeps looking (under its own deadline).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Status::Succeeded | Status::Failed | Status::Canceled | Status::Aborted
        )
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Status::parse(&s))
    }
}

/// Timing the API reports for a finished run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Seconds of model time (what is billed on most models).
    #[serde(default)]
    pub predict_time: Option<f64>,
    /// Seconds from creation to completion.
    #[serde(default)]
    pub total_time: Option<f64>,
}

/// Links the API returns with a prediction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PredictionUrls {
    #[serde(default)]
    pub get: Option<String>,
    #[serde(default)]
    pub cancel: Option<String>,
    #[serde(default)]
    pub web: Option<String>,
    #[serde(default)]
    pub stream: Option<String>,
}

/// A prediction (one run of a model), as returned by create, get, cancel and list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub id: String,
    /// `owner/name` of the model.
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub input: Value,
    /// The model's output: an array of URLs, one URL, or `data:` URIs; see [`Prediction::output_urls`].
    /// `None` while running, on failure, and after the data was removed.
    #[serde(default)]
    pub output: Option<Value>,
    #[serde(default)]
    pub logs: Option<String>,
    /// A model failure's message (usually a string). A failure is still HTTP 200.
    #[serde(default)]
    pub error: Option<Value>,
    pub status: Status,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    /// True once Replicate deleted the input, output and logs (an hour after an API run).
    #[serde(default)]
    pub data_removed: bool,
    #[serde(default)]
    pub metrics: Option<Metrics>,
    #[serde(default)]
    pub urls: PredictionUrls,
}

impl Prediction {
    /// The model's error as text, whatever JSON shape it came in.
    pub fn error_message(&self) -> Option<String> {
        match &self.error {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        }
    }

    /// The run's progress from its logs, see [`crate::progress`].
    pub fn progress(&self) -> Option<crate::Progress> {
        self.logs.as_deref().and_then(crate::progress)
    }
}

/// What a prediction runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `POST /v1/predictions` with this `version`: a 64-hex id, `owner/name:id`, or `owner/name`
    /// for an official model.
    Version(String),
    /// `POST /v1/models/{owner}/{name}/predictions`: an official model, always its latest version.
    Model { owner: String, name: String },
}

/// A request to start a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatePrediction {
    pub target: Target,
    /// The model's input object.
    pub input: Value,
    /// Sent as `Cancel-After`: the run is aborted (not charged) if it has not finished by then.
    pub cancel_after: Option<Duration>,
}

/// One page of `GET /v1/predictions`.
#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_parse_and_unknown_ones_are_not_terminal() {
        for (s, terminal) in [
            ("starting", false),
            ("processing", false),
            ("succeeded", true),
            ("failed", true),
            ("canceled", true),
            ("aborted", true),
        ] {
            let st: Status = serde_json::from_value(json!(s)).unwrap();
            assert_eq!(st.as_str(), s);
            assert_eq!(st.is_terminal(), terminal, "{s}");
        }
        let st: Status = serde_json::from_value(json!("queued")).unwrap();
        assert_eq!(st, Status::Unknown("queued".into()));
        assert!(!st.is_terminal());
        assert_eq!(serde_json::to_value(&st).unwrap(), json!("queued"));
    }

    #[test]
    fn a_minimal_prediction_decodes_with_defaults() {
        let p: Prediction =
            serde_json::from_value(json!({"id": "x", "status": "starting"})).unwrap();
        assert!(!p.data_removed);
        assert_eq!(p.output, None);
        assert_eq!(p.error_message(), None);
        let p: Prediction =
            serde_json::from_value(json!({"id": "x", "status": "failed", "error": {"code": 1}}))
                .unwrap();
        assert_eq!(p.error_message().as_deref(), Some(r#"{"code":1}"#));
    }
}
