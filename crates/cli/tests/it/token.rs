//! `skaitch token set|status|clear` with the real Secret Service (run under
//! `scripts/with-keyring.sh`) against the local Replicate server.

use crate::stdout;
use skaitch_testkit::replicate_server::{ReplicateServer, ServerConfig};
use skaitch_testkit::DataDir;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn token_cmd(d: &DataDir, url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skaitch"));
    c.arg("token")
        .args(args)
        .env("SKAITCH_DATA_DIR", d.join("data"))
        .env("SKAITCH_REPLICATE_URL", url)
        .env(
            "SKAITCH_KEYCHAIN_SERVICE",
            format!("app.skaitch.clitest.{}", std::process::id()),
        )
        .env_remove("REPLICATE_API_TOKEN")
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

#[test]
fn set_status_clear_through_the_keychain() {
    let server = ReplicateServer::start(ServerConfig::default());
    let d = DataDir::new();
    let url = server.url();

    let none = token_cmd(&d, &url, &["status"], None);
    assert_eq!(none.status.code(), Some(1));
    assert!(stdout(&none).contains("no token"));

    let bad = token_cmd(&d, &url, &["set"], Some("r8_not_the_right_token_000000\n"));
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("rejected the api token"), "{err}");
    assert!(!err.contains("r8_not_the_right_token"), "{err}");

    let set = token_cmd(&d, &url, &["set"], Some(&format!("{}\n", server.token())));
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(stdout(&set).contains("token stored in the keychain"));

    let status = token_cmd(&d, &url, &["status"], None);
    assert!(status.status.success());
    assert!(stdout(&status).contains("token from the keychain: Replicate account"));

    let clear = token_cmd(&d, &url, &["clear"], None);
    assert!(stdout(&clear).contains("token removed"));
    let after = token_cmd(&d, &url, &["status"], None);
    assert_eq!(after.status.code(), Some(1));
    // Nothing of the token is in the data folder.
    let db = std::fs::read(d.join("data").join("skaitch.db")).unwrap();
    let t = server.token();
    assert!(!db.windows(t.len()).any(|w| w == t.as_bytes()));
}

#[test]
fn the_environment_token_is_used_and_not_stored() {
    let server = ReplicateServer::start(ServerConfig::default());
    let d = DataDir::new();
    let mut c = Command::new(env!("CARGO_BIN_EXE_skaitch"));
    let out = c
        .args(["token", "status"])
        .env("SKAITCH_DATA_DIR", d.join("data"))
        .env("SKAITCH_REPLICATE_URL", server.url())
        .env(
            "SKAITCH_KEYCHAIN_SERVICE",
            format!("app.skaitch.clienv.{}", std::process::id()),
        )
        .env("REPLICATE_API_TOKEN", server.token())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("REPLICATE_API_TOKEN (not stored)"));
}
