//! The real OS keychain: run under `scripts/with-keyring.sh` (a private D-Bus session with an
//! unlocked gnome-keyring), as `make test` does. Without a Secret Service this test fails.

use skaitch_core::keychain::{Keychain, SecretStore};
use skaitch_core::Secret;

#[test]
fn a_token_is_stored_read_back_through_a_new_handle_replaced_and_deleted() {
    let service = format!("app.skaitch.test.{}", std::process::id());
    let key = "replicate-token";
    let store = Keychain::with_service(&service);
    assert_eq!(
        store.get(key).unwrap(),
        None,
        "a fresh service holds nothing"
    );
    store
        .set(key, &Secret::new("r8_first_token_value"))
        .unwrap();

    // A new handle (as after an app restart) reads what the first one stored.
    let again = Keychain::with_service(&service);
    let got = again.get(key).unwrap().expect("stored token");
    assert_eq!(got.expose(), "r8_first_token_value");

    again
        .set(key, &Secret::new("r8_second_token_value"))
        .unwrap();
    assert_eq!(
        store.get(key).unwrap().unwrap().expose(),
        "r8_second_token_value"
    );
    // Another service name (the dev build vs the release build) does not see it.
    let other = Keychain::with_service(&format!("{service}.other"));
    assert_eq!(other.get(key).unwrap(), None);

    assert!(store.delete(key).unwrap());
    assert!(
        !store.delete(key).unwrap(),
        "deleting twice is not an error"
    );
    assert_eq!(again.get(key).unwrap(), None);
}
