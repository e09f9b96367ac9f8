//! The `skaitch://` protocol: serves stored images to the webview straight from SQLite,
//! with caching headers, instead of base64 over IPC.
//!
//! URLs: `skaitch://localhost/sketch/{id}/{original|normalized|thumbnail}[?v={sha}]`. The UI
//! adds the sketch's hash as `v`, so a URL always names the same bytes and may be cached
//! for good.

use crate::state::Shell;
use skaitch_core::store::ImageKind;
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

fn parse(path: &str) -> Option<(i64, ImageKind)> {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("sketch"), Some(id), Some(kind), None) => {
            Some((id.parse().ok()?, ImageKind::parse(kind)?))
        }
        _ => None,
    }
}

fn serve(app: &skaitch_core::App, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let Some((id, kind)) = parse(req.uri().path()) else {
        return plain(StatusCode::NOT_FOUND, "no such image");
    };
    let etag = format!("\"{id}-{}\"", kind.as_str());
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    if cached && req.uri().query().is_some_and(|q| q.starts_with("v=")) {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .body(Vec::new())
            .unwrap_or_default();
    }
    match app.sketch_image(id, kind) {
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
            eprintln!("skaitch: serve image {id}: {e}");
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
            Some((12, ImageKind::Thumbnail))
        );
        assert_eq!(parse("/sketch/3/original"), Some((3, ImageKind::Original)));
        assert_eq!(parse("/sketch/x/original"), None);
        assert_eq!(parse("/sketch/3/secret"), None);
        assert_eq!(parse("/sketch/3/original/extra"), None);
        assert_eq!(parse("/etc/passwd"), None);
    }
}
