//! What is left on disk and in the family's account: a sketch (or a child) is not deleted
//! while a picture is being made from it, the data folder and database are this account's
//! only, export names fit any file system however the title is written, and the token goes
//! only over https or to this computer.

use super::generate_support::*;
use skaitch_core::gallery::ExportOptions;
use skaitch_core::store::trash::DeleteTarget;
use skaitch_core::store::{GenerationStatus as S, OrphanPolicy};
use skaitch_core::{ErrorKind, Secret};
use skaitch_testkit::replicate_server::{OutputShape, Route, Script, Until};
use skaitch_testkit::{images, DataDir};

#[tokio::test]
async fn a_sketch_or_child_is_not_deleted_while_a_picture_is_being_made_from_it() {
    let e = env();
    e.server.set_script(
        "stability-ai/stable-diffusion-img2img",
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(10_000)),
    );
    let kid = e.app.add_child("Kit").unwrap();
    let s = e
        .app
        .save_drawing(images::png(300, 200, 1), Some(kid.id), "")
        .unwrap()
        .id;
    let g = e
        .app
        .generate(request(s, "sd-img2img", "cartoon"))
        .await
        .unwrap();
    reach(&e.app, g.id, S::Running).await;

    for r in [
        e.app.delete_sketch(s),
        e.app.delete_art(DeleteTarget::Sketch(s)).map(|_| ()),
        e.app.delete_child(kid.id, OrphanPolicy::Delete),
    ] {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
        assert!(err.to_string().contains("still being made"), "{err}");
    }
    assert!(e.app.sketch(s).is_ok() && e.app.children().unwrap().len() == 1);
    assert_eq!(e.app.generation(g.id).unwrap().status, S::Running);

    // Canceled first (at Replicate too), it can go.
    e.app.cancel_generation(g.id).await.unwrap();
    assert_eq!(finish(&e.app, g.id).await.status, S::Canceled);
    assert_eq!(e.server.requests_to(Route::CancelPrediction).len(), 1);
    e.app.delete_child(kid.id, OrphanPolicy::Delete).unwrap();
    assert!(e.app.sketch(s).is_err());
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_database_are_this_accounts_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = DataDir::new();
    let data = dir.join("nested").join("data");
    let app = skaitch_core::App::open(&data).unwrap();
    app.save_drawing(images::png(96, 72, 1), None, "").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let db = skaitch_core::paths::db_path(&data);
    assert_eq!(mode(&db), 0o600);
    let wal = db.with_extension("db-wal");
    assert!(wal.exists());
    assert_eq!(mode(&wal), 0o600);
    drop(app);
    // An existing, too open folder is closed at the next start.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    drop(skaitch_core::App::open(&data).unwrap());
    assert_eq!(mode(&data), 0o700);
}

#[test]
fn an_export_of_a_title_written_in_emoji_fits_any_file_system() {
    let dir = DataDir::new();
    let app = skaitch_core::App::open(&dir.join("data")).unwrap();
    let title = "🦄🌈".repeat(60); // 120 characters, 480 bytes
    app.save_drawing(images::png(96, 72, 1), None, &title)
        .unwrap();
    app.save_drawing(images::png(96, 72, 2), None, "CON")
        .unwrap();
    let dest = dir.join("exports");
    std::fs::create_dir_all(&dest).unwrap();
    let report = app
        .export_gallery(&dest, &ExportOptions::default())
        .unwrap();
    assert_eq!(report.sketches, 2);
    let names: Vec<String> = std::fs::read_dir(std::path::Path::new(&report.folder).join("Nobody"))
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.len() <= 200), "{names:?}");
    assert!(names.iter().any(|n| n.contains("🦄🌈")), "{names:?}");
    let leftovers: Vec<_> = std::fs::read_dir(&dest)
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "part")
        })
        .collect();
    assert!(leftovers.is_empty(), "no .part folder left");
}

#[tokio::test]
async fn the_token_goes_only_over_https_or_to_this_computer() {
    let e = env();
    // A plain-http address on the network (nothing needs to listen: nothing may be sent).
    let elsewhere = DataDir::new();
    let app = app_at(
        &elsewhere,
        "http://192.0.2.10:8080/v1",
        &e.server.token(),
        fast(),
    );
    let err = app
        .check_token(&Secret::new(e.server.token()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
    assert!(err.to_string().contains("https"), "{err}");
    let s = sketch(&app, 1);
    let g = app
        .generate(request(s, "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let g = finish(&app, g.id).await;
    assert_eq!(g.status, S::Failed, "{:?}", g.error);
    assert!(g.error.unwrap_or_default().contains("https"));
    // The local test server (loopback, plain http) is fine.
    e.app
        .check_token(&Secret::new(e.server.token()))
        .await
        .unwrap();
}

#[test]
fn the_app_does_not_start_an_empty_sketchbook_beside_a_kept_copy() {
    let dir = DataDir::new();
    let data = dir.join("data");
    drop(skaitch_core::App::open(&data).unwrap());
    let db = skaitch_core::paths::db_path(&data);
    std::fs::rename(&db, data.join("skaitch.db.before-restore-20261204T1900")).unwrap();
    let err = skaitch_core::App::open(&data).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    assert!(err.to_string().contains("before-restore"), "{err}");
    assert!(!db.exists(), "no empty sketchbook was made");
}

#[test]
fn one_app_at_a_time_holds_a_data_folder() {
    let dir = DataDir::new();
    let data = dir.join("data");
    let first = skaitch_core::App::open(&data).unwrap();
    let s = first
        .save_drawing(images::png(96, 72, 1), None, "mine")
        .unwrap()
        .id;
    let err = skaitch_core::App::open(&data).unwrap_err();
    assert!(
        matches!(err, skaitch_core::Error::DataFolderInUse(_)),
        "{err}"
    );
    assert!(err.to_string().contains("read-only commands"), "{err}");
    // Beside it, reading is fine.
    let reader = skaitch_core::App::open_read_only(&data).unwrap();
    assert_eq!(reader.sketch(s).unwrap().title, "mine");
    drop(first);
    let next = skaitch_core::App::open(&data).unwrap();
    assert!(next.sketch(s).is_ok());
}
