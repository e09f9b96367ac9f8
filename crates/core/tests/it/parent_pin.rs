//! The parent PIN: it guards the parent-only actions until unlocked, the session ends after a
//! few minutes, five wrong tries lock it for a minute (across a restart too), only a salted
//! hash is stored, and a forgotten PIN is removed with the saved Replicate token. (How short
//! sessions are, and how the lock-out resists races and clocks: `parent_guard.rs`.)

use super::generate_support::*;
use skaitch_core::parent::clock::{ManualClock, Zone};
use skaitch_core::parent::pin::{LOCKOUT_MS, SESSION_MS};
use skaitch_core::parent::{ModelPrice, ParentScope};
use skaitch_core::store::OrphanPolicy;
use skaitch_core::{App, ErrorKind, Secret, TOKEN_KEY};
use skaitch_testkit::replicate_server::ReplicateServer;
use skaitch_testkit::DataDir;
use std::sync::Arc;

const PIN: &str = "24681357";
const T0: i64 = 1_790_000_000_000;

fn app(server: &ReplicateServer, dir: &DataDir, clock: &Arc<ManualClock>) -> App {
    app_at(dir, &server.url(), &server.token(), fast()).with_clock(clock.clone())
}

fn locked<T: std::fmt::Debug>(r: skaitch_core::Result<T>) {
    let e = r.expect_err("a parent-only action without the PIN");
    assert_eq!(e.kind(), ErrorKind::ParentLocked, "{e}");
}

#[tokio::test]
async fn a_pin_guards_parent_actions_until_unlocked_and_only_its_hash_is_stored() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let app = app(&server, &dir, &clock);
    let kid = app.add_child("Kit").unwrap();
    let s = sketch(&app, 1);
    // No PIN: nothing is guarded.
    assert!(!app.pin_status().unwrap().pin_set);
    app.require_parent().unwrap();

    let session = app.set_pin(None, PIN).unwrap();
    assert_eq!(session.unlocked_until, T0 + SESSION_MS);
    app.lock_parent();
    let st = app.pin_status().unwrap();
    assert!(st.pin_set && !st.unlocked);
    locked(app.delete_sketch(s));
    locked(app.delete_art(skaitch_core::store::trash::DeleteTarget::Sketch(s)));
    locked(app.delete_child(kid.id, OrphanPolicy::Keep));
    locked(app.clear_token());
    locked(app.set_token(Secret::new(server.token())).await);
    locked(app.set_monthly_limit(Some(1.0)));
    locked(app.allow_generation(1));
    locked(app.set_model_price("a/b", None));
    locked(app.set_hardware_price("gpu-t4", None));
    locked(app.set_pin(None, "1111"));
    // Backup settings and restore are parent-only too.
    let folder = skaitch_core::backup::BackupConfig {
        folder: dir.join("backup").display().to_string(),
        ..Default::default()
    };
    locked(app.set_backup_config(folder.clone(), None));
    locked(app.disable_backup());
    locked(app.pause_backup());
    locked(app.restore_backup(skaitch_core::backup::RestoreTarget::Latest));
    locked(app.restore_backup_from(folder, None, skaitch_core::backup::RestoreTarget::Latest));
    assert_eq!(
        app.backup_config().unwrap(),
        None,
        "no backup was configured"
    );
    assert!(
        app.sketch(s).is_ok() && app.token().unwrap().is_some(),
        "nothing changed"
    );
    assert_eq!(app.spending().unwrap().limit_usd, None);

    // The right PIN opens a session (Settings: until it closes); the actions go through
    // until it ends.
    app.unlock_parent(PIN, ParentScope::Settings).unwrap();
    assert!(app.pin_status().unwrap().unlocked);
    app.delete_sketch(s).unwrap();
    let p = ModelPrice {
        per_image: Some(0.01),
        hardware: None,
        checked: None,
        source: None,
    };
    app.set_model_price("a/b", Some(p)).unwrap();
    clock.advance(SESSION_MS + 1);
    locked(app.delete_child(kid.id, OrphanPolicy::Keep));
    app.unlock_parent(PIN, ParentScope::Once).unwrap();
    app.delete_child(kid.id, OrphanPolicy::Keep).unwrap();

    // Only a salted slow hash is kept, nowhere the PIN itself.
    let stored = app.store().setting("parent.pin_hash").unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(PIN));
    drop(app);
    for f in std::fs::read_dir(dir.join("data")).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(PIN.len()).any(|w| w == PIN.as_bytes()),
            "the PIN is in a data file"
        );
    }
}

#[tokio::test]
async fn five_wrong_tries_lock_it_for_a_minute_even_across_a_restart() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let first = app(&server, &dir, &clock);
    first.set_pin(None, PIN).unwrap();
    first.lock_parent();
    // A wrong try, then the right one: the count starts again.
    assert_eq!(
        first
            .unlock_parent("0000", ParentScope::Once)
            .unwrap_err()
            .kind(),
        ErrorKind::WrongPin
    );
    first.unlock_parent(PIN, ParentScope::Once).unwrap();
    first.lock_parent();
    for left in (1..=4).rev() {
        let e = first.unlock_parent("1234", ParentScope::Once).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WrongPin);
        assert!(e.to_string().contains(&format!("{left} more tries")), "{e}");
    }
    let e = first.unlock_parent("1234", ParentScope::Once).unwrap_err();
    assert!(e.to_string().contains("try again in 60 s"), "{e}");
    let e = first.unlock_parent(PIN, ParentScope::Once).unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::WrongPin,
        "even the right PIN waits: {e}"
    );
    assert_eq!(first.pin_status().unwrap().locked_for_secs, Some(60));
    drop(first);

    // Quitting does not reset the lock-out.
    let again = app(&server, &dir, &clock);
    clock.advance(LOCKOUT_MS / 2);
    let e = again.unlock_parent(PIN, ParentScope::Once).unwrap_err();
    assert!(e.to_string().contains("try again in 30 s"), "{e}");
    locked(again.delete_sketch(1));
    clock.advance(LOCKOUT_MS / 2 + 1);
    again.unlock_parent(PIN, ParentScope::Once).unwrap();
    assert_eq!(again.pin_status().unwrap().locked_for_secs, None);
    // After the minute the count is fresh: one wrong try leaves four.
    again.lock_parent();
    let e = again.unlock_parent("9999", ParentScope::Once).unwrap_err();
    assert!(e.to_string().contains("4 more tries"), "{e}");
}

#[tokio::test]
async fn a_forgotten_pin_is_removed_with_the_replicate_token_and_nothing_is_lost() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let app = app(&server, &dir, &clock);
    let s = sketch(&app, 1);
    app.set_pin(None, PIN).unwrap();
    app.lock_parent();
    for _ in 0..5 {
        let _ = app.unlock_parent("0000", ParentScope::Once);
    }
    assert!(app.pin_status().unwrap().locked_for_secs.is_some());

    // Not the saved token (even one Replicate would not know): refused, the PIN stays.
    let e = app
        .remove_pin_with_token(Secret::new("r8_not_the_saved_one"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    assert!(app.pin_set().unwrap());
    // The saved token removes it, lock-out and all; the sketchbook is untouched.
    app.remove_pin_with_token(Secret::new(server.token()))
        .await
        .unwrap();
    let st = app.pin_status().unwrap();
    assert!(!st.pin_set && st.unlocked && st.locked_for_secs.is_none());
    assert!(app.sketch(s).is_ok());
    assert_eq!(
        app.store().setting("parent.pin_hash").unwrap(),
        None,
        "gone from the database"
    );

    // With no token saved, one Replicate accepts is needed.
    app.clear_token().unwrap();
    app.set_pin(None, PIN).unwrap();
    app.lock_parent();
    let e = app
        .remove_pin_with_token(Secret::new("r8_made_up_by_a_child"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(app.pin_set().unwrap());
    app.remove_pin_with_token(Secret::new(server.token()))
        .await
        .unwrap();
    assert!(!app.pin_set().unwrap());
    assert!(
        app.store().setting(TOKEN_KEY).unwrap().is_none(),
        "the token never reaches SQLite"
    );
}
