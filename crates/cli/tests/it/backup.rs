//! `skaitch backup ...` as a user runs it: set up a folder or S3 backup (the secret from
//! standard input or the environment), back up now, status, ltx, verify, restore to a file
//! and over the sketchbook, off.

use crate::stdout;
use skaitch_testkit::moto_server::MotoServer;
use skaitch_testkit::{images, DataDir};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(data: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skaitch"));
    c.args(args)
        .env("SKAITCH_DATA_DIR", data)
        .env(
            "SKAITCH_KEYCHAIN_SERVICE",
            format!("app.skaitch.clibackup.{}", std::process::id()),
        )
        .env_remove("SKAITCH_BACKUP_SECRET_KEY")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

fn import(data: &Path, d: &DataDir, name: &str, seed: u8) {
    let file = d.file(name, &images::png(200, 150, seed));
    ok(run(data, &["import", file.to_str().unwrap()], None, &[]));
}

fn titles(data: &Path) -> Vec<String> {
    let out = ok(run(data, &["list", "--json"], None, &[]));
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut t: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

#[test]
fn a_folder_backup_from_set_up_to_restore() {
    let d = DataDir::new();
    let data = d.join("data");
    let replica = d.join("replica");
    std::fs::create_dir(&replica).unwrap();
    let none = run(&data, &["backup", "now"], None, &[]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("no backup is set up"));

    let set = ok(run(
        &data,
        &[
            "backup",
            "set",
            "--provider",
            "folder",
            "--folder",
            replica.to_str().unwrap(),
        ],
        None,
        &[],
    ));
    assert!(
        set.contains(&format!("backing up to {}", replica.display())),
        "{set}"
    );
    import(&data, &d, "cat.png", 1);
    assert!(ok(run(&data, &["backup", "now"], None, &[])).contains("backed up to"));
    let status = ok(run(&data, &["backup", "status"], None, &[]));
    assert!(
        status.contains(&format!("destination: {}", replica.display())),
        "{status}"
    );
    assert!(status.contains("state: not running"), "{status}");
    assert!(
        status.contains("1 snapshot(s)") || status.contains("snapshot(s)"),
        "{status}"
    );
    assert!(status.contains("restore window: txid 1"), "{status}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(run(&data, &["backup", "status", "--json"], None, &[]))).unwrap();
    let after_cat = json["restoreWindow"]["latest"]["txid"].as_u64().unwrap();
    let ltx = ok(run(&data, &["backup", "ltx"], None, &[]));
    assert!(ltx.lines().count() >= 3, "{ltx}");
    assert!(ltx.contains("0000000000000001"), "{ltx}");

    let verified = ok(run(
        &data,
        &["backup", "verify", "--timeout", "20s"],
        None,
        &[],
    ));
    assert!(verified.starts_with("verified:"), "{verified}");
    assert!(ok(run(&data, &["backup", "status"], None, &[])).contains("last verification: ok"));

    import(&data, &d, "dog.png", 2);
    ok(run(&data, &["backup", "now"], None, &[]));
    let other = d.join("copy");
    std::fs::create_dir(&other).unwrap();
    let out = other.join("skaitch.db");
    let restored = ok(run(
        &data,
        &["backup", "restore", "-o", out.to_str().unwrap()],
        None,
        &[],
    ));
    assert!(restored.contains("restored txid"), "{restored}");
    assert_eq!(titles(&other), ["cat", "dog"]);

    let back = ok(run(
        &data,
        &["backup", "restore", "--txid", &after_cat.to_string()],
        None,
        &[],
    ));
    assert!(back.contains("previous database is kept as"), "{back}");
    assert_eq!(titles(&data), ["cat"]);
    let bad = run(
        &data,
        &["backup", "restore", "--timestamp", "yesterday"],
        None,
        &[],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("RFC 3339"));

    assert!(ok(run(&data, &["backup", "off"], None, &[])).contains("backups are off"));
    assert!(!run(&data, &["backup", "now"], None, &[]).status.success());
}

#[test]
fn an_s3_backup_takes_its_secret_from_stdin_or_the_environment_only() {
    let moto = MotoServer::start();
    moto.create_bucket("family");
    let d = DataDir::new();
    let data = d.join("data");
    let secret = "cli-secret-never-shown-42";
    let endpoint = moto.endpoint();
    let args = [
        "backup",
        "set",
        "--provider",
        "s3",
        "--endpoint",
        &endpoint,
        "--bucket",
        "family",
        "--access-key-id",
        "test",
        "--force-path-style",
    ];
    let set = run(&data, &args, Some(&format!("{secret}\n")), &[]);
    let out = ok(set);
    assert!(out.contains("backing up to s3://family/skaitch"), "{out}");
    import(&data, &d, "cat.png", 3);
    // The environment works too (and a wrong key is caught before anything is saved).
    let wrong = run(
        &data,
        &[
            "backup",
            "set",
            "--provider",
            "s3",
            "--bucket",
            "nobucket",
            "--endpoint",
            &endpoint,
            "--access-key-id",
            "test",
            "--force-path-style",
        ],
        None,
        &[("SKAITCH_BACKUP_SECRET_KEY", secret)],
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("bucket \"nobucket\" does not exist"));
    let now = run(&data, &["backup", "now"], None, &[]);
    let status = run(&data, &["backup", "status"], None, &[]);
    for o in [&now, &status, &wrong] {
        let all = format!("{}{}", stdout(o), String::from_utf8_lossy(&o.stderr));
        assert!(!all.contains(secret), "{all}");
    }
    assert!(ok(status).contains("destination: s3://family/skaitch"));
    let db = std::fs::read(data.join("skaitch.db")).unwrap();
    assert!(!db.windows(secret.len()).any(|w| w == secret.as_bytes()));
    ok(run(&data, &["backup", "off"], None, &[]));
}
