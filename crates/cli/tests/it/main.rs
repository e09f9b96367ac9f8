//! The `skaitch` binary, run as a user would, against temporary data folders.

mod backup;
mod clean;
mod gallery;
mod generate;
mod token;

use serde_json::Value;
use skaitch_testkit::{images, DataDir};
use std::process::{Command, Output};

fn skaitch(data: &DataDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skaitch"))
        .args(args)
        .env("SKAITCH_DATA_DIR", data.join("data"))
        .output()
        .expect("run skaitch")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_list_export_round_trip() {
    let d = DataDir::new();
    let added = skaitch(&d, &["children", "add", "Mia"]);
    assert!(added.status.success(), "{}", stderr(&added));
    let photo = images::jpeg(640, 480, 1);
    let p = d.file("beach.jpg", &photo);
    let imp = skaitch(
        &d,
        &[
            "import",
            p.to_str().unwrap(),
            "--child",
            "mia",
            "--title",
            "At the beach",
        ],
    );
    assert!(imp.status.success(), "{}", stderr(&imp));
    assert!(stdout(&imp).contains("imported beach.jpg as sketch 1"));

    let list = skaitch(&d, &["list", "--json"]);
    assert!(list.status.success());
    let rows: Value = serde_json::from_str(&stdout(&list)).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["title"], "At the beach");
    assert_eq!(rows[0]["childName"], "Mia");
    assert_eq!(rows[0]["width"], 640);
    let id = rows[0]["id"].as_i64().unwrap().to_string();

    let out = d.join("back.jpg");
    let exp = skaitch(&d, &["export", &id, "-o", out.to_str().unwrap()]);
    assert!(exp.status.success(), "{}", stderr(&exp));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        photo,
        "the original, byte for byte"
    );

    let thumb = d.join("thumb.png");
    let exp = skaitch(
        &d,
        &[
            "export",
            &id,
            "-o",
            thumb.to_str().unwrap(),
            "--kind",
            "thumbnail",
        ],
    );
    assert!(exp.status.success());
    let t = image::load_from_memory(&std::fs::read(&thumb).unwrap()).unwrap();
    assert_eq!((t.width(), t.height()), (384, 288));
}

#[test]
fn a_partly_bad_batch_exits_non_zero_and_names_each_bad_file() {
    let d = DataDir::new();
    let good = d.file("good.png", &images::png(100, 100, 1));
    let bad = d.file("bad.png", b"GIF89a but not really");
    let empty = d.file("zero.webp", b"");
    let o = skaitch(
        &d,
        &[
            "import",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            empty.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("bad.png"), "{err}");
    assert!(err.contains("zero.webp: the file is empty"), "{err}");
    let list = skaitch(&d, &["list", "--json"]);
    let rows: Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        1,
        "only the good file was stored"
    );
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_code() {
    let d = DataDir::new();
    let o = skaitch(
        &d,
        &["export", "42", "-o", d.join("x.png").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("sketch 42 not found"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = skaitch(&d, &["import", "x.png", "--child", "Nobody"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no child named \"Nobody\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn children_add_list_rename_remove() {
    let d = DataDir::new();
    assert!(skaitch(&d, &["children", "add", "Leo"]).status.success());
    let dup = skaitch(&d, &["children", "add", "leo"]);
    assert_eq!(dup.status.code(), Some(1));
    assert!(stderr(&dup).contains("already exists"));
    assert!(skaitch(&d, &["children", "rename", "Leo", "Leon"])
        .status
        .success());
    let p = d.file("a.png", &images::png(100, 100, 3));
    assert!(
        skaitch(&d, &["import", p.to_str().unwrap(), "--child", "Leon"])
            .status
            .success()
    );
    let list: Value =
        serde_json::from_str(&stdout(&skaitch(&d, &["children", "list", "--json"]))).unwrap();
    assert_eq!(list[0]["name"], "Leon");
    assert_eq!(list[0]["sketchCount"], 1);
    let rm = skaitch(&d, &["children", "remove", "Leon", "--sketches", "delete"]);
    assert!(rm.status.success(), "{}", stderr(&rm));
    let rows: Value = serde_json::from_str(&stdout(&skaitch(&d, &["list", "--json"]))).unwrap();
    assert!(rows.as_array().unwrap().is_empty());
}

#[test]
fn data_dir_flag_and_env_pick_separate_sketchbooks() {
    let d = DataDir::new();
    let other = d.join("other");
    let p = d.file("a.png", &images::png(100, 100, 4));
    let o = skaitch(
        &d,
        &[
            "--data-dir",
            other.to_str().unwrap(),
            "import",
            p.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    assert!(other.join("skaitch.db").exists());
    let rows: Value = serde_json::from_str(&stdout(&skaitch(&d, &["list", "--json"]))).unwrap();
    assert!(
        rows.as_array().unwrap().is_empty(),
        "the env folder is untouched"
    );
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::process::Stdio;
    let d = DataDir::new();
    for n in 0..3 {
        let p = d.file(&format!("{n}.png"), &images::png(100, 100, n));
        assert!(skaitch(&d, &["import", p.to_str().unwrap()])
            .status
            .success());
    }
    for args in [&["list", "--json"][..], &["list"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_skaitch"))
            .args(args)
            .env("SKAITCH_DATA_DIR", d.join("data"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run skaitch");
        // The reader goes away before anything is written, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: quiet, no backtrace: {err}");
    }
}

#[test]
fn beside_the_running_app_only_read_only_commands_run() {
    let d = DataDir::new();
    let p = d.file("cat.png", &images::png(200, 150, 3));
    let first = skaitch(&d, &["import", p.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    // The app holds the data folder (here: an App in this test process).
    let app = skaitch_core::App::open(&d.join("data")).unwrap();
    let q = d.file("dog.png", &images::png(200, 150, 4));
    for args in [
        vec!["import", q.to_str().unwrap()],
        vec!["children", "add", "Mia"],
        vec!["gallery", "reclaim"],
    ] {
        let o = skaitch(&d, &args);
        assert!(!o.status.success(), "{args:?} ran beside the app");
        assert!(
            stderr(&o).contains("already using the sketchbook"),
            "{}",
            stderr(&o)
        );
    }
    let list = skaitch(&d, &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let rows: Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        1,
        "nothing was written beside it"
    );
    assert_eq!(app.children().unwrap().len(), 0);
    drop(app);
    let after = skaitch(&d, &["import", q.to_str().unwrap()]);
    assert!(after.status.success(), "{}", stderr(&after));
}
