//! The `skaitch://` protocol: serves stored images to the webview straight from SQLite,
//! with caching headers, instead of base64 over IPC.
//!
//! URLs: `skaitch://localhost/sketch/{id}/{original|normalized|thumbnail}[?v={sha}]` and
//! `skaitch://localhost/output/{id}/{image|thumbnail}[?v={created}]`. The UI adds the sketch's
//! hash, or the generation's creation time, as `v`; ids are never used twice (migration 0006)
//! and a generation's pictures never change once stored. So a URL always names the same bytes
//! and may be cached for good.

use crate::state::Shell;
use skaitch_core::store::{ImageKind, OutputImageKind};
use skaitch_core::ErrorKind;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

/// Handles one request on a blocking thread (SQLite reads must not stall the webview).
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    req: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().state::<Shell>().app();
    tauri::async_runtime::spawn_blocking(move || {
        let resp = match app {
            Ok(app) => serve(&app, &req),
            Err(e) => plain(StatusCode::SERVICE_UNAVAILABLE, &e.message),
        };
        responder.respond(resp);
    });
}

/// What a URL asks for.
#[derive(Debug, PartialEq)]
enum Target {
    Sketch(i64, ImageKind),
    Output(i64, OutputImageKind),
}

fn parse(path: &str) -> Option<Target> {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("sketch"), Some(id), Some(kind), None) => {
            Some(Target::Sketch(id.parse().ok()?, ImageKind::parse(kind)?))
        }
        (Some("output"), Some(id), Some(kind), None) => Some(Target::Output(
            id.parse().ok()?,
            OutputImageKind::parse(kind)?,
        )),
        _ => None,
    }
}

fn serve(app: &skaitch_core::App, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let Some(target) = parse(req.uri().path()) else {
        return plain(StatusCode::NOT_FOUND, "no such image");
    };
    let etag = format!("\"{}\"", req.uri().path());
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    if cached {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .body(Vec::new())
            .unwrap_or_default();
    }
    let blob = match target {
        Target::Sketch(id, kind) => app.sketch_image(id, kind),
        Target::Output(id, kind) => app.generation_image(id, kind),
    };
    match blob {
        Ok(blob) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, blob.media_type)
            .header(
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            )
            .header(header::ETAG, etag)
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .body(blob.data)
            .unwrap_or_default(),
        Err(e) if e.kind() == ErrorKind::NotFound => plain(StatusCode::NOT_FOUND, "no such image"),
        Err(e) => {
            eprintln!("skaitch: serve image {}: {e}", req.uri().path());
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not read the image",
            )
        }
    }
}

fn plain(status: StatusCode, msg: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(msg.as_bytes().to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_image_urls_and_rejects_others() {
        assert_eq!(
            parse("/sketch/12/thumbnail"),
            Some(Target::Sketch(12, ImageKind::Thumbnail))
        );
        assert_eq!(
            parse("/sketch/3/original"),
            Some(Target::Sketch(3, ImageKind::Original))
        );
        assert_eq!(
            parse("/output/7/image"),
            Some(Target::Output(7, OutputImageKind::Image))
        );
        assert_eq!(parse("/output/7/original"), None);
        assert_eq!(parse("/sketch/x/original"), None);
        assert_eq!(parse("/sketch/3/secret"), None);
        assert_eq!(parse("/sketch/3/original/extra"), None);
        assert_eq!(parse("/etc/passwd"), None);
    }
}
