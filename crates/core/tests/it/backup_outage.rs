//! Quitting the app while its S3 destination answers nothing (a black hole): the window closes
//! within seconds, and what was not uploaded stays in the database for the next start.

use crate::backup_support::*;
use skaitch_core::Secret;
use skaitch_testkit::moto_server::MotoServer;
use skaitch_testkit::s3_proxy::{Fault, FaultRule, S3Proxy};
use skaitch_testkit::DataDir;
use std::time::{Duration, Instant};

#[test]
fn quitting_during_an_s3_black_hole_takes_seconds() {
    let moto = MotoServer::start();
    moto.create_bucket("family");
    let proxy = S3Proxy::start(moto.addr());
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    app.set_backup_config(
        s3(&proxy.endpoint(), "family", "test"),
        Some(Secret::new("test")),
    )
    .unwrap();
    wait_running(&app);
    commit_to_replica(&app, "before the outage", 1);

    proxy.inject(FaultRule::fraction(
        1.0,
        Fault::Delay(Duration::from_secs(600)),
    ));
    draw(&app, "during the outage", 2);
    // Let a pass queue it and the uploader hang on the first request.
    std::thread::sleep(Duration::from_millis(800));
    let quit = Instant::now();
    drop(app);
    assert!(
        quit.elapsed() < Duration::from_secs(5),
        "quitting took {:?}",
        quit.elapsed()
    );
    // What did not go out stays in the database (queued, or in its WAL) and goes out at the
    // next start: `litestream-rs` `outage::quitting_during_an_s3_black_hole_...` checks that.
    let kept = skaitch_core::App::open_read_only(&dir.join("a")).unwrap();
    assert!(titles(&kept).iter().any(|t| t == "during the outage"));
}
