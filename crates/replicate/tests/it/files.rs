//! The Files API: upload a drawing, then delete it.

use crate::setup::start;
use skaitch_replicate::Error;
use skaitch_testkit::images;
use skaitch_testkit::replicate_server::Route;

#[tokio::test]
async fn upload_then_delete_leaves_no_file_behind() {
    let (server, client) = start();
    let png = images::png(32, 24, 9);
    let file = client
        .upload_file(
            png.clone(),
            "sketch.png",
            "image/png",
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    assert_eq!(file.name.as_deref(), Some("sketch.png"));
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.size, Some(png.len() as u64));
    assert!(file
        .checksums
        .sha256
        .as_ref()
        .is_some_and(|s| s.len() == 64));
    let get = file.urls.get.clone().expect("a urls.get to pass as input");
    assert!(get.ends_with(&format!("/v1/files/{}", file.id)), "{get}");

    let stored = server.files();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].bytes, png);
    let upload = &server.requests_to(Route::UploadFile)[0];
    let body = upload.body_text();
    for field in ["content", "filename", "type", "metadata"] {
        assert!(
            body.contains(&format!("name=\"{field}\"")),
            "multipart field {field} missing"
        );
    }

    client.delete_file(&file.id).await.unwrap();
    assert!(server.files().is_empty());
    assert_eq!(server.deleted_files(), vec![file.id.clone()]);
    let e = client.delete_file(&file.id).await.unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
}
