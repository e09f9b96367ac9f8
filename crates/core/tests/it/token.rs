//! The Replicate token use-case against the local Replicate server: checked before it is kept,
//! a rejected one is never stored, and it appears in no error, database or request body.

use skaitch_core::keychain::SecretStore;
use skaitch_core::{App, Error, ErrorKind, Secret, TokenSource, TOKEN_KEY};
use skaitch_testkit::replicate_server::{ReplicateServer, ServerConfig};
use skaitch_testkit::DataDir;
use std::sync::Arc;

/// An in-memory keychain.
type Memory = skaitch_core::keychain::MemoryStore;

fn app(dir: &DataDir, server: &ReplicateServer, secrets: Arc<Memory>) -> App {
    App::open(&dir.join("data"))
        .unwrap()
        .with_secrets(secrets)
        .with_replicate_url(&server.url())
}

#[tokio::test]
async fn a_good_token_is_checked_then_kept_and_a_bad_one_never_is() {
    let server = ReplicateServer::start(ServerConfig::default());
    let dir = DataDir::new();
    let secrets = Arc::new(Memory::default());
    let app = app(&dir, &server, secrets.clone());

    let missing = app.replicate_client().unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::MissingToken);
    assert_eq!(app.token_status(true).await.unwrap().source, None);

    let bad = "r8_this_token_is_wrong_0123456789";
    let err = app.set_token(Secret::new(bad)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(!err.to_string().contains(bad), "{err}");
    assert!(!format!("{err:?}").contains(bad));
    assert!(secrets.get(TOKEN_KEY).unwrap().is_none(), "not stored");

    let good = server.token().to_owned();
    let status = app
        .set_token(Secret::new(format!(" {good}\n")))
        .await
        .unwrap();
    assert_eq!(status.source, Some(TokenSource::Keychain));
    assert!(status.username.is_some());
    assert_eq!(secrets.get(TOKEN_KEY).unwrap().unwrap().expose(), good);
    let again = app.token_status(true).await.unwrap();
    assert_eq!(again.username, status.username);

    assert!(app.clear_token().unwrap());
    assert!(matches!(app.replicate_client(), Err(Error::MissingToken)));

    // The token never reached the database file or any request body.
    drop(app);
    let db = std::fs::read(dir.join("data").join("skaitch.db")).unwrap();
    for t in [good.as_str(), bad] {
        assert!(!db.windows(t.len()).any(|w| w == t.as_bytes()));
        for r in server.requests() {
            assert!(!String::from_utf8_lossy(&r.body).contains(t));
        }
    }
}

#[tokio::test]
async fn the_environment_token_is_used_only_when_allowed_and_never_stored() {
    let server = ReplicateServer::start(ServerConfig::default());
    let dir = DataDir::new();
    let secrets = Arc::new(Memory::default());
    // A private variable name is not possible (the name is Replicate's), so this test only
    // reads the process environment through the App: set it once for this process.
    std::env::set_var("REPLICATE_API_TOKEN", server.token());
    let app = app(&dir, &server, secrets.clone());
    assert!(
        app.token().unwrap().is_none(),
        "the app ignores it by default"
    );
    let cli = app.with_env_token(true);
    let (_, source) = cli.token().unwrap().unwrap();
    assert_eq!(source, TokenSource::Environment);
    let status = cli.token_status(true).await.unwrap();
    assert_eq!(status.source, Some(TokenSource::Environment));
    assert!(status.username.is_some());
    assert!(
        secrets.get(TOKEN_KEY).unwrap().is_none(),
        "used, never stored"
    );
}
