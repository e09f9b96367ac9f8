//! A curious child at the keyboard: a parent session lasts only as long as its reason, the
//! PIN changes only with the PIN, wrong tries in parallel each count, the lock-out grows and
//! ignores the computer's clock, and every guarded action's reverse is guarded too.

use super::generate_support::*;
use skaitch_core::backup::BackupState;
use skaitch_core::parent::clock::{ManualClock, Zone};
use skaitch_core::parent::pin::SESSION_MS;
use skaitch_core::parent::ParentScope::{Once, Settings};
use skaitch_core::store::trash::DeleteTarget;
use skaitch_core::store::GenerationStatus as S;
use skaitch_core::{App, ErrorKind, Secret};
use skaitch_testkit::moto_server::MotoServer;
use skaitch_testkit::replicate_server::ReplicateServer;
use skaitch_testkit::DataDir;
use std::sync::Arc;

const PIN: &str = "24681357";
const T0: i64 = 1_790_000_000_000;

fn app(server: &ReplicateServer, dir: &DataDir, clock: &Arc<ManualClock>) -> App {
    app_at(dir, &server.url(), &server.token(), fast()).with_clock(clock.clone())
}

fn kind<T: std::fmt::Debug>(r: skaitch_core::Result<T>) -> ErrorKind {
    r.expect_err("refused").kind()
}

fn locked_out_for(app: &App) -> String {
    let e = app.unlock_parent(PIN, Once).expect_err("locked out");
    assert_eq!(e.kind(), ErrorKind::WrongPin, "{e}");
    e.to_string()
}

#[tokio::test]
async fn a_session_ends_with_its_action_or_with_settings_and_the_pin_needs_the_pin() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let app = app(&server, &dir, &clock);
    let s = sketch(&app, 1);
    app.set_pin(None, PIN).unwrap();
    app.set_monthly_limit(Some(0.0)).unwrap();
    app.lock_parent();
    let held = app
        .generate(request(s, "flux-kontext-pro", "clay"))
        .await
        .unwrap()
        .id;
    reach(&app, held, S::Held).await;

    // The parent types the PIN to allow one more; the child then tries for more.
    assert_eq!(kind(app.allow_generation(held)), ErrorKind::ParentLocked);
    app.unlock_parent(PIN, Once).unwrap();
    assert_eq!(app.allow_generation(held).unwrap().status, S::Queued);
    assert!(
        !app.pin_status().unwrap().unlocked,
        "the session ended with it"
    );
    assert_eq!(
        kind(app.set_monthly_limit(Some(100.0))),
        ErrorKind::ParentLocked
    );
    assert_eq!(kind(app.set_pin(None, "1111")), ErrorKind::ParentLocked);
    assert_eq!(kind(app.remove_pin("1111")), ErrorKind::WrongPin);

    // Even in a session opened for Settings, the PIN changes only with the PIN.
    app.unlock_parent(PIN, Settings).unwrap();
    assert_eq!(kind(app.remove_pin("0000")), ErrorKind::WrongPin);
    assert_eq!(kind(app.set_pin(Some("0000"), "1111")), ErrorKind::WrongPin);
    assert_eq!(kind(app.set_pin(None, "1111")), ErrorKind::ParentLocked);
    assert!(app.pin_set().unwrap());
    // Settings' session lets several actions through, until Settings closes.
    app.set_monthly_limit(Some(1.0)).unwrap();
    app.set_monthly_limit(Some(0.0)).unwrap();
    app.lock_parent();
    assert_eq!(
        kind(app.set_monthly_limit(Some(100.0))),
        ErrorKind::ParentLocked
    );
    assert_eq!(app.spending().unwrap().limit_usd, Some(0.0), "unchanged");

    // Sessions run on the monotonic clock: setting the computer's clock back stretches none.
    app.unlock_parent(PIN, Settings).unwrap();
    clock.set(T0 - 24 * 3600 * 1000);
    clock.advance(SESSION_MS + 1);
    assert_eq!(
        kind(app.set_monthly_limit(Some(100.0))),
        ErrorKind::ParentLocked
    );

    // With the PIN, a parent changes it and removes it.
    app.set_pin(Some(PIN), "1357").unwrap();
    assert_eq!(kind(app.remove_pin(PIN)), ErrorKind::WrongPin);
    app.remove_pin("1357").unwrap();
    assert!(!app.pin_set().unwrap());
}

#[test]
fn tries_in_parallel_each_count_and_the_lock_out_grows_whatever_the_clock_says() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let first = Arc::new(app(&server, &dir, &clock));
    first.set_pin(None, PIN).unwrap();
    first.lock_parent();
    // Ten wrong tries at once (two windows, a script): five count, then it locks.
    let tries: Vec<_> = (0..10)
        .map(|i| {
            let app = first.clone();
            std::thread::spawn(move || app.unlock_parent(&format!("{:04}", 1000 + i), Once))
        })
        .collect();
    let answers: Vec<String> = tries
        .into_iter()
        .map(|t| t.join().unwrap().unwrap_err().to_string())
        .collect();
    let wrong = answers.iter().filter(|a| a.contains("more tries")).count();
    assert_eq!(wrong, 4, "{answers:?}");
    assert!(locked_out_for(&first).contains("try again in 60 s"));

    // Moving the computer's clock on does not end it.
    clock.set(T0 + 3 * 3600 * 1000);
    assert!(locked_out_for(&first).contains("try again in"));
    assert_eq!(first.pin_status().unwrap().locked_for_secs, Some(60));
    drop(first);

    // After a restart, a clock set back before the lock-out began changes nothing either.
    clock.set(T0 - 3600 * 1000);
    let again = app(&server, &dir, &clock);
    assert!(locked_out_for(&again).contains("try again in 60 s"));
    clock.advance(60_001);
    // The next five wrong tries lock it for twice as long, across a restart too.
    for _ in 0..5 {
        let _ = again.unlock_parent("0000", Once);
    }
    assert!(locked_out_for(&again).contains("try again in 120 s"));
    drop(again);
    let third = app(&server, &dir, &clock);
    assert_eq!(third.pin_status().unwrap().locked_for_secs, Some(120));
    clock.advance(120_001);
    third.unlock_parent(PIN, Once).unwrap();
    // The right PIN starts the count and the growth again.
    for _ in 0..5 {
        let _ = third.unlock_parent("0000", Once);
    }
    assert!(locked_out_for(&third).contains("try again in 60 s"));
}

#[test]
fn undo_resume_and_test_connection_are_guarded_like_what_they_reverse() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let app = app(&server, &dir, &clock);
    let s = sketch(&app, 1);
    app.set_pin(None, PIN).unwrap();
    app.lock_parent();

    // Undo cannot bring back what a parent deleted.
    app.unlock_parent(PIN, Once).unwrap();
    let deletion = app.delete_art(DeleteTarget::Sketch(s)).unwrap();
    assert_eq!(
        kind(app.undo_delete(deletion.token)),
        ErrorKind::ParentLocked
    );
    assert!(app.sketch(s).is_err(), "still deleted");
    app.unlock_parent(PIN, Once).unwrap();
    app.undo_delete(deletion.token).unwrap();
    assert!(app.sketch(s).is_ok());

    // S3 backups with a saved key, then paused by a parent: Resume is a parent's too.
    let moto = MotoServer::start();
    moto.create_bucket("family");
    let saved = skaitch_core::backup::BackupConfig {
        provider: skaitch_core::backup::BackupProvider::S3Compatible,
        endpoint: moto.endpoint(),
        bucket: "family".into(),
        path: "family".into(),
        region: "us-east-1".into(),
        access_key_id: "AKIDFAMILY".into(),
        force_path_style: true,
        folder: String::new(),
    };
    app.unlock_parent(PIN, Settings).unwrap();
    app.set_backup_config(saved.clone(), Some(Secret::new("the-saved-secret")))
        .unwrap();
    app.pause_backup().unwrap();
    app.lock_parent();
    assert_eq!(kind(app.resume_backup()), ErrorKind::ParentLocked);
    assert_eq!(app.backup_status().state, BackupState::Paused);

    // "Test connection" to a typed-in endpoint with the saved key: the key goes nowhere.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let elsewhere = skaitch_core::backup::BackupConfig {
        endpoint: format!("http://{}", listener.local_addr().unwrap()),
        ..saved.clone()
    };
    assert_eq!(
        kind(app.test_backup_connection(&elsewhere, None)),
        ErrorKind::ParentLocked
    );
    assert!(listener.accept().is_err(), "nothing connected to it");
    // The saved destination itself can still be tested by anyone.
    app.test_backup_connection(&saved, None).unwrap();
    app.stop_backup();
}

#[test]
fn a_clock_moved_forward_and_a_restart_do_not_end_a_lock_out_and_a_reboot_only_pauses_it() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    let clock = Arc::new(ManualClock::new(T0, Zone::Fixed(0)));
    let first = app(&server, &dir, &clock);
    first.set_pin(None, PIN).unwrap();
    first.lock_parent();
    for _ in 0..5 {
        let _ = first.unlock_parent("0000", Once);
    }
    assert!(locked_out_for(&first).contains("try again in 60 s"));
    drop(first);

    // The child sets the computer's clock a day on and starts the app again: still locked.
    clock.set(T0 + 24 * 3600 * 1000);
    let again = app(&server, &dir, &clock);
    assert_eq!(again.pin_status().unwrap().locked_for_secs, Some(60));
    assert!(locked_out_for(&again).contains("try again in 60 s"));
    drop(again);

    // Time that really passes while the app is closed counts (the computer kept running).
    clock.advance(20_000);
    let third = app(&server, &dir, &clock);
    assert!(locked_out_for(&third).contains("try again in 40 s"));
    drop(third);

    // The computer restarts (and its clock is moved on again): how long it was off is not
    // known, so none of it counts; the rest runs down from the first look after the start.
    clock.reboot();
    clock.set(T0 + 48 * 3600 * 1000);
    let fourth = app(&server, &dir, &clock);
    assert!(locked_out_for(&fourth).contains("try again in 40 s"));
    clock.advance(25_000);
    assert!(locked_out_for(&fourth).contains("try again in 15 s"));
    clock.advance(15_001);
    fourth.unlock_parent(PIN, Once).unwrap();
}
