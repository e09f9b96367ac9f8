//! One method per API endpoint: account, models, predictions, files.

use crate::transport::Kind;
use crate::types::Page;
use crate::{
    Account, Client, CreatePrediction, Error, File, Model, Prediction, Result, Target, Version,
};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::time::Duration;

/// `list_predictions` follows at most this many pages (100 predictions each, newest first).
pub const MAX_LIST_PAGES: usize = 10;

impl Client {
    /// The account the token belongs to: the cheap way to check a token the user just pasted.
    pub async fn account(&self) -> Result<Account> {
        let url = self.endpoint(&["account"]);
        self.call("get account", Kind::Read, || self.http.get(url.clone()))
            .await
    }

    /// A model, with `latest_version.openapi_schema` (see [`Version::input_schema`]).
    pub async fn model(&self, owner: &str, name: &str) -> Result<Model> {
        let url = self.endpoint(&["models", owner, name]);
        let op = format!("get model {owner}/{name}");
        self.call(&op, Kind::Read, || self.http.get(url.clone()))
            .await
    }

    /// One version of a model, with its OpenAPI schema.
    pub async fn version(&self, owner: &str, name: &str, id: &str) -> Result<Version> {
        let url = self.endpoint(&["models", owner, name, "versions", id]);
        let op = format!("get version {owner}/{name}:{id}");
        self.call(&op, Kind::Read, || self.http.get(url.clone()))
            .await
    }

    /// Starts a prediction. Never sent twice unless the server provably did nothing (429,
    /// connect error): when the answer is lost this returns [`Error::UnknownOutcome`], and the
    /// caller reconciles with [`Client::find_prediction_by_input`].
    ///
    /// Refuses, without sending, an input that disables the safety checker or contains the token.
    pub async fn create_prediction(&self, req: &CreatePrediction) -> Result<Prediction> {
        if req.input.get("disable_safety_checker") == Some(&Value::Bool(true)) {
            return Err(Error::UnsafeInput {
                reason: "skaitch never disables the safety checker",
            });
        }
        // Real tokens are 40 characters; a short one would match ordinary words in a prompt.
        let token = self.token.expose();
        if token.len() >= 16 && req.input.to_string().contains(token) {
            return Err(Error::UnsafeInput {
                reason: "the input contains the api token",
            });
        }
        let (url, body, op) = match &req.target {
            Target::Version(v) => (
                self.endpoint(&["predictions"]),
                json!({"version": v, "input": req.input}),
                format!("create prediction for version {v}"),
            ),
            Target::Model { owner, name } => (
                self.endpoint(&["models", owner, name, "predictions"]),
                json!({"input": req.input}),
                format!("create prediction for {owner}/{name}"),
            ),
        };
        let cancel_after = req.cancel_after.map(cancel_after_header);
        self.call(&op, Kind::Create, || {
            let b = self.http.post(url.clone()).json(&body);
            match &cancel_after {
                Some(v) => b.header("Cancel-After", v),
                None => b,
            }
        })
        .await
    }

    /// A prediction's current state.
    pub async fn get_prediction(&self, id: &str) -> Result<Prediction> {
        let url = self.endpoint(&["predictions", id]);
        let op = format!("get prediction {id}");
        self.call(&op, Kind::Read, || self.http.get(url.clone()))
            .await
    }

    /// Asks Replicate to cancel a prediction; returns it as it is after the request. Safe to
    /// repeat, so it retries like a read.
    pub async fn cancel_prediction(&self, id: &str) -> Result<Prediction> {
        let url = self.endpoint(&["predictions", id, "cancel"]);
        let op = format!("cancel prediction {id}");
        self.call(&op, Kind::Read, || self.http.post(url.clone()))
            .await
    }

    /// Predictions created after `created_after` (an RFC 3339 time, see [`crate::rfc3339`]), or
    /// the most recent ones, newest first. Follows `next` for at most [`MAX_LIST_PAGES`] pages,
    /// and only while `next` stays on the API's own origin.
    pub async fn list_predictions(&self, created_after: Option<&str>) -> Result<Vec<Prediction>> {
        let mut url = self.endpoint(&["predictions"]);
        if let Some(after) = created_after {
            url.query_pairs_mut().append_pair("created_after", after);
        }
        let mut all = Vec::new();
        for _ in 0..MAX_LIST_PAGES {
            let page: Page<Prediction> = self
                .call("list predictions", Kind::Read, || {
                    self.http.get(url.clone())
                })
                .await?;
            all.extend(page.results);
            let Some(next) = page.next.filter(|n| !n.is_empty()) else {
                break;
            };
            match self.base.join(&next) {
                Ok(n) if n.origin() == self.base.origin() => url = n,
                _ => break,
            }
        }
        Ok(all)
    }

    /// The newest prediction created after `created_after` whose `input` holds every field of
    /// `input` as given, except `data:` URLs (Replicate does not store those, so a listing need
    /// not echo them): how a create that ended in [`Error::UnknownOutcome`] is reconciled.
    pub async fn find_prediction_by_input(
        &self,
        created_after: &str,
        input: &Value,
    ) -> Result<Option<Prediction>> {
        let list = self.list_predictions(Some(created_after)).await?;
        let kept = |v: &Value| !v.as_str().is_some_and(|s| s.starts_with("data:"));
        let Some(fields) = input.as_object() else {
            return Ok(list.into_iter().find(|p| &p.input == input));
        };
        Ok(list.into_iter().find(|p| {
            fields
                .iter()
                .filter(|(_, v)| kept(v))
                .all(|(k, v)| p.input.get(k) == Some(v))
        }))
    }

    /// Uploads a file with the Files API (multipart `content`, `filename`, `type`, `metadata`).
    /// Pass the returned `urls.get` as a model input, and [`Client::delete_file`] it when done.
    /// `metadata` is kept with the file (e.g. a marker to find a copy whose answer was lost,
    /// see [`Client::list_files`]). The timeout grows with the size ([`crate::Timeouts::upload`]).
    pub async fn upload_file(
        &self,
        bytes: Vec<u8>,
        filename: &str,
        content_type: &str,
        metadata: &Value,
    ) -> Result<File> {
        let url = self.endpoint(&["files"]);
        let op = format!("upload file {filename}");
        let timeout = self.options.timeouts.upload(bytes.len());
        let metadata = metadata.to_string();
        let answer = self
            .send(&op, Kind::Upload, timeout, || {
                let content = Part::bytes(bytes.clone())
                    .file_name(filename.to_string())
                    .mime_str(content_type)
                    // A type that is not a valid mime type goes as a plain octet stream.
                    .unwrap_or_else(|_| Part::bytes(bytes.clone()).file_name(filename.to_string()));
                let form = Form::new()
                    .part("content", content)
                    .text("filename", filename.to_string())
                    .text("type", content_type.to_string())
                    .text("metadata", metadata.clone());
                self.http.post(url.clone()).multipart(form)
            })
            .await?;
        if !answer.status.is_success() {
            return Err(crate::problem::api_error(&op, &answer));
        }
        serde_json::from_slice(&answer.body).map_err(|source| Error::Decode { op, source })
    }

    /// The uploaded files that still exist, newest first (at most [`MAX_LIST_PAGES`] pages).
    pub async fn list_files(&self) -> Result<Vec<File>> {
        let mut url = self.endpoint(&["files"]);
        let mut all = Vec::new();
        for _ in 0..MAX_LIST_PAGES {
            let page: Page<File> = self
                .call("list files", Kind::Read, || self.http.get(url.clone()))
                .await?;
            all.extend(page.results);
            let Some(next) = page.next.filter(|n| !n.is_empty()) else {
                break;
            };
            match self.base.join(&next) {
                Ok(n) if n.origin() == self.base.origin() => url = n,
                _ => break,
            }
        }
        Ok(all)
    }

    /// Deletes an uploaded file. A file that is already gone is [`Error::NotFound`].
    pub async fn delete_file(&self, id: &str) -> Result<()> {
        let url = self.endpoint(&["files", id]);
        let op = format!("delete file {id}");
        let answer = self
            .send(&op, Kind::Read, self.options.timeouts.request, || {
                self.http.delete(url.clone())
            })
            .await?;
        if answer.status.is_success() {
            Ok(())
        } else {
            Err(crate::problem::api_error(&op, &answer))
        }
    }
}

/// Replicate refuses a `Cancel-After` under this.
pub const MIN_CANCEL_AFTER: Duration = Duration::from_secs(5);

/// `Cancel-After` in whole seconds, rounded up (`90s`), never under [`MIN_CANCEL_AFTER`].
fn cancel_after_header(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{}s", secs.max(MIN_CANCEL_AFTER.as_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_after_rounds_up_to_whole_seconds() {
        assert_eq!(cancel_after_header(Duration::from_secs(60)), "60s");
        assert_eq!(cancel_after_header(Duration::from_millis(5500)), "6s");
        assert_eq!(cancel_after_header(Duration::from_millis(1500)), "5s");
        assert_eq!(cancel_after_header(Duration::ZERO), "5s");
    }
}
