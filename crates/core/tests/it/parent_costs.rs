//! What pictures cost: per image, per second of run time, free, or unknown (never made up);
//! recorded once with the prices of the day; totals per month and per child; and the monthly
//! limit: a warning at 80 %, held (unsent, across a restart) at 100 % until a parent allows
//! one more, and a fresh start when the local month turns.

use super::generate_support::*;
use skaitch_core::parent::clock::{ManualClock, Zone};
use skaitch_core::parent::{CostKind, ModelPrice};
use skaitch_core::store::GenerationStatus as S;
use skaitch_core::App;
use skaitch_testkit::replicate_server::{ReplicateServer, Route};
use skaitch_testkit::{images, DataDir};
use std::sync::Arc;
use std::time::Duration;

const FLUX: &str = "black-forest-labs/flux-kontext-pro";

#[tokio::test]
async fn each_generation_records_what_it_cost_and_the_month_adds_up_per_child() {
    let e = env();
    let ada = e.app.add_child("Ada").unwrap();
    let mine = e
        .app
        .save_drawing(images::png(300, 200, 1), Some(ada.id), "")
        .unwrap()
        .id;
    let nobodys = sketch(&e.app, 2);

    let flux = finish(
        &e.app,
        e.app
            .generate(request(mine, "flux-kontext-pro", "clay"))
            .await
            .unwrap()
            .id,
    )
    .await;
    let cost = flux.cost.clone().expect("priced when finished");
    assert_eq!(
        (cost.kind, cost.usd, cost.units),
        (CostKind::Image, Some(0.04), 1.0)
    );

    let mut two = request(mine, "sd-img2img", "cartoon");
    two.num_outputs = Some(2);
    let sd = finish(&e.app, e.app.generate(two).await.unwrap().id).await;
    let cost = sd.cost.clone().unwrap();
    let secs = sd.predict_time.expect("the server reports predict_time");
    assert_eq!(cost.kind, CostKind::Second);
    assert_eq!(cost.units, secs);
    assert!((cost.usd.unwrap() - secs * 0.0014).abs() < 1e-12);
    assert_eq!(cost.hardware.as_deref(), Some("Nvidia A100 (80GB)"));

    // ControlNet Scribble is priced by the second too (every preset has a price).
    let scribble = finish(
        &e.app,
        e.app
            .generate(request(nobodys, "controlnet-scribble", "cartoon"))
            .await
            .unwrap()
            .id,
    )
    .await;
    let cost = scribble.cost.clone().unwrap();
    let scribble_secs = scribble.predict_time.unwrap();
    assert_eq!(cost.kind, CostKind::Second);

    let m = e.app.spending().unwrap();
    let spent = 0.04 + (secs + scribble_secs) * 0.0014;
    assert!((m.usd - spent).abs() < 1e-12, "{m:?}");
    assert_eq!((m.generations, m.unknown, m.limit_usd), (3, 0, None));
    assert!(!m.warning && !m.reached);
    let by: Vec<_> = m
        .by_child
        .iter()
        .map(|c| (c.name.clone(), c.generations, c.unknown))
        .collect();
    assert_eq!(by, [(Some("Ada".into()), 2, 0), (None, 1, 0)]);

    // A new price applies to new pictures only; deleting the sketch keeps what was spent.
    let p = ModelPrice {
        per_image: Some(0.05),
        hardware: None,
        checked: None,
        source: None,
    };
    let table = e.app.set_model_price(FLUX, Some(p)).unwrap();
    let row = table.models.iter().find(|r| r.model == FLUX).unwrap();
    assert!(row.edited && row.price.as_ref().unwrap().checked.is_some());
    assert_eq!(
        e.app.generation(flux.id).unwrap().cost.unwrap().usd,
        Some(0.04)
    );
    let again = finish(
        &e.app,
        e.app
            .generate(request(nobodys, "flux-kontext-pro", "comic"))
            .await
            .unwrap()
            .id,
    )
    .await;
    assert_eq!(again.cost.unwrap().usd, Some(0.05));
    let before = e.app.spending().unwrap().usd;
    e.app.delete_sketch(mine).unwrap();
    assert_eq!(
        e.app.spending().unwrap().usd,
        before,
        "spent money stays spent"
    );
    e.app.set_model_price(FLUX, None).unwrap();
    let row = e.app.price_table().unwrap();
    let row = row.models.iter().find(|r| r.model == FLUX).unwrap();
    assert_eq!(
        row.price.as_ref().unwrap().per_image,
        Some(0.04),
        "back to the shipped price"
    );
    let scribble_row = e.app.price_table().unwrap();
    assert!(scribble_row
        .models
        .iter()
        .any(|r| r.model == "jagilley/controlnet-scribble" && r.price.is_some() && r.preset));
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn at(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

fn app_with_clock(server: &ReplicateServer, dir: &DataDir, clock: &Arc<ManualClock>) -> App {
    app_at(dir, &server.url(), &server.token(), fast()).with_clock(clock.clone())
}

/// Waits a little and checks that `id` is still held and nothing more was sent.
async fn stays_held(app: &App, server: &ReplicateServer, id: i64, creates: usize) {
    tokio::time::sleep(Duration::from_millis(150)).await;
    let g = app.generation(id).unwrap();
    assert_eq!(g.status, S::Held, "{:?}", g.note);
    assert!(g.note.unwrap().contains("limit"));
    assert_eq!(server.requests_to(Route::CreatePrediction).len(), creates);
}

#[test]
fn the_limit_warns_then_holds_across_a_restart_until_allowed_and_a_new_month_starts_fresh() {
    let server = ReplicateServer::start(Default::default());
    let dir = DataDir::new();
    // 23:00 on 31 January, local time (UTC+2).
    let clock = Arc::new(ManualClock::new(
        at("2026-01-31T21:00:00Z"),
        Zone::Fixed(2 * 3600),
    ));
    let rt = runtime();
    let app = app_with_clock(&server, &dir, &clock);
    let (s, held) = rt.block_on(async {
        let s = sketch(&app, 1);
        assert_eq!(app.spending().unwrap().limit_usd, None, "off by default");
        app.set_monthly_limit(Some(0.05)).unwrap();
        let flux = |style: &str| request(s, "flux-kontext-pro", style);
        finish(&app, app.generate(flux("clay")).await.unwrap().id).await;
        let m = app.spending().unwrap();
        assert_eq!(m.month, "2026-01");
        assert!(m.warning && !m.reached, "80 %: a warning only: {m:?}");
        let second = finish(&app, app.generate(flux("comic")).await.unwrap().id).await;
        assert_eq!(
            second.status,
            S::Succeeded,
            "under the limit when it started"
        );
        let m = app.spending().unwrap();
        assert!(m.reached && m.fraction.unwrap() > 1.5, "{m:?}");

        let held = app.generate(flux("cartoon")).await.unwrap().id;
        reach(&app, held, S::Held).await;
        stays_held(&app, &server, held, 2).await;
        assert_eq!(app.spending().unwrap().held, 1);
        (s, held)
    });
    drop(rt);
    drop(app);

    // The app restarts: the held one is still held, and still unsent.
    let rt = runtime();
    let app = app_with_clock(&server, &dir, &clock);
    app.start_generator(rt.handle().clone());
    rt.block_on(async {
        stays_held(&app, &server, held, 2).await;
        // A parent allows one more: it goes, and only it.
        let allowed = app.allow_generation(held).unwrap();
        assert_eq!(allowed.status, S::Queued);
        let g = finish(&app, held).await;
        assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
        assert_eq!(server.requests_to(Route::CreatePrediction).len(), 3);

        let next = app
            .generate(request(s, "flux-kontext-pro", "watercolour"))
            .await
            .unwrap()
            .id;
        reach(&app, next, S::Held).await;
        stays_held(&app, &server, next, 3).await;

        // 00:30 on 1 February, local time (still January in UTC): a new month.
        clock.set(at("2026-01-31T22:30:00Z"));
        let m = app.spending().unwrap();
        assert_eq!(
            (m.month.as_str(), m.usd, m.warning),
            ("2026-02", 0.0, false)
        );
        let fresh = app
            .generate(request(s, "flux-kontext-pro", "pixel-art"))
            .await
            .unwrap()
            .id;
        assert_eq!(finish(&app, fresh).await.status, S::Succeeded);
        assert_eq!(
            finish(&app, next).await.status,
            S::Succeeded,
            "released by the new month"
        );
        let m = app.spending().unwrap();
        assert!((m.usd - 0.08).abs() < 1e-9, "{m:?}");
        assert_eq!(m.held, 0);

        // Raising the limit releases what the old one held.
        let over = app
            .generate(request(s, "flux-kontext-pro", "crayon-storybook"))
            .await
            .unwrap()
            .id;
        reach(&app, over, S::Held).await;
        // A held one canceled never ran: free, and not counted as a picture made.
        let dropped = app
            .generate(request(s, "flux-kontext-pro", "paper-cut"))
            .await
            .unwrap()
            .id;
        reach(&app, dropped, S::Held).await;
        let canceled = app.cancel_generation(dropped).await.unwrap();
        assert_eq!(canceled.status, S::Canceled);
        assert_eq!(canceled.cost.unwrap().kind, CostKind::Free);
        let m = app.spending().unwrap();
        assert_eq!((m.generations, m.held), (2, 1));
        app.set_monthly_limit(Some(1.0)).unwrap();
        assert_eq!(finish(&app, over).await.status, S::Succeeded);
        // Turning the limit off: nothing is held any more.
        app.set_monthly_limit(None).unwrap();
        assert_eq!(app.spending().unwrap().limit_usd, None);
        assert_eq!(server.requests_to(Route::CreatePrediction).len(), 6);
    });
}
