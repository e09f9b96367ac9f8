//! "Test connection" names what failed: unknown host, refused port, wrong secret, missing
//! bucket, missing permission, missing or read-only folder. The secret appears in no settings
//! row, database byte, error or Debug output.

use crate::backup_support::*;
use skaitch_core::backup::{BackupConfig, BackupError, CONFIG_SETTING};
use skaitch_core::{Error, ErrorKind, Secret};
use skaitch_testkit::moto_server::MotoServer;
use skaitch_testkit::DataDir;
use std::time::Duration;

fn backup_err(r: skaitch_core::Result<()>) -> BackupError {
    match r {
        Err(Error::Backup(e)) => e,
        other => panic!("expected a backup error, got {other:?}"),
    }
}

#[test]
fn each_s3_failure_has_its_own_error_and_the_secret_stays_out_of_sight() {
    let (moto, full, write_only) = MotoServer::start_with_auth(&["family"]);
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    // Moto (5.2.1) miscomputes the signature of a listing whose prefix holds a `/`; with key
    // checking on, the replica sits at the bucket's root.
    let good = BackupConfig {
        path: String::new(),
        ..s3(&moto.endpoint(), "family", &full.id)
    };
    let secret = || Some(Secret::new(&full.secret));
    app.test_backup_connection(&good, secret()).unwrap();

    let e = backup_err(app.test_backup_connection(&good, Some(Secret::new("wrong-secret"))));
    assert!(matches!(e, BackupError::BadCredentials), "{e}");
    assert_eq!(Error::from(e).kind(), ErrorKind::Unauthorized);

    let missing = s3(&moto.endpoint(), "nobucket", &full.id);
    let e = backup_err(app.test_backup_connection(&missing, secret()));
    assert!(
        matches!(&e, BackupError::NoSuchBucket { bucket } if bucket == "nobucket"),
        "{e}"
    );
    assert!(e.to_string().contains("does not exist"));

    let ro = s3(&moto.endpoint(), "family", &write_only.id);
    let e = backup_err(app.test_backup_connection(&ro, Some(Secret::new(&write_only.secret))));
    assert!(
        matches!(e, BackupError::AccessDenied { step: "read", .. }),
        "{e}"
    );
    assert_eq!(Error::from(e).kind(), ErrorKind::Forbidden);

    let nowhere = s3("http://skaitch-nowhere.invalid:9000", "family", &full.id);
    let e = backup_err(app.test_backup_connection(&nowhere, secret()));
    assert!(
        matches!(&e, BackupError::HostNotFound { host } if host == "skaitch-nowhere.invalid"),
        "{e}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = s3(&format!("http://127.0.0.1:{port}"), "family", &full.id);
    let e = backup_err(app.test_backup_connection(&refused, secret()));
    assert!(matches!(e, BackupError::ConnectionRefused { .. }), "{e}");
    assert_eq!(Error::from(e).kind(), ErrorKind::Network);

    // Saved: the secret is in the keychain only.
    let status = app.set_backup_config(good.clone(), secret()).unwrap();
    let shown = format!("{status:?} {:?} {:?}", app.backup_config().unwrap(), app);
    assert!(!shown.contains(&full.secret), "{shown}");
    let rows: Vec<String> = app
        .store()
        .read(|c| {
            let mut st = c.prepare("SELECT key || '=' || value FROM settings")?;
            let rows = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .unwrap();
    assert!(
        rows.iter().any(|r| r.starts_with(CONFIG_SETTING)),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| !r.contains(&full.secret)), "{rows:?}");
    assert!(app.backup_secret_saved().unwrap());
    // Testing with no secret given uses the saved one.
    app.test_backup_connection(&good, None).unwrap();

    // An S3 replica that receives and restores the sketches.
    wait_running(&app);
    let waited = commit_to_replica(&app, "cat", 1);
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    draw(&app, "dog", 2);
    app.backup_now().unwrap();
    let fresh = self::app(&dir.join("b"));
    fresh
        .restore_backup_from(good, secret(), skaitch_core::backup::RestoreTarget::Latest)
        .unwrap();
    assert_eq!(titles(&fresh), ["cat", "dog"]);
    fresh.stop_backup();
    app.stop_backup();
    drop(app);
    for db in ["a", "b"] {
        let bytes = std::fs::read(dir.join(db).join("skaitch.db")).unwrap();
        let s = full.secret.as_bytes();
        assert!(
            !bytes.windows(s.len()).any(|w| w == s),
            "secret in {db}'s database"
        );
    }
}

#[test]
fn folder_failures_are_named() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    let e = backup_err(app.test_backup_connection(&folder(&dir.join("unplugged")), None));
    assert!(matches!(e, BackupError::FolderMissing { .. }), "{e}");
    assert_eq!(Error::from(e).kind(), ErrorKind::NotFound);
    let file = dir.file("file.txt", b"x");
    let e = backup_err(app.test_backup_connection(&folder(&file), None));
    assert!(matches!(e, BackupError::NotAFolder { .. }), "{e}");

    // A folder we may not write to: 0555 (root ignores modes, so then /sys/kernel).
    let ro = dir.join("ro");
    std::fs::create_dir(&ro).unwrap();
    set_mode(&ro, 0o555);
    let target = if std::fs::write(ro.join("x"), b"x").is_err() {
        ro.clone()
    } else {
        std::path::PathBuf::from("/sys/kernel")
    };
    let e = backup_err(app.test_backup_connection(&folder(&target), None));
    assert!(matches!(e, BackupError::FolderNotWritable { .. }), "{e}");
    assert_eq!(Error::from(e).kind(), ErrorKind::Forbidden);
    set_mode(&ro, 0o755);
}

#[cfg(unix)]
fn set_mode(p: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}
