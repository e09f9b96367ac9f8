//! Generations: migration 0003 on an existing database, dedupe of in-flight rows,
//! compare-and-set status changes with their timeline, outputs stored all-or-nothing.

use skaitch_store::generations::ALL_STATUSES;
use skaitch_store::migrate::apply_up_to;
use skaitch_store::{
    GenerationStatus as S, GenerationUpdate, NewGeneration, NewOutput, OutputImageKind, Store,
};

fn new_generation(sketch_id: i64, key: &str) -> NewGeneration {
    NewGeneration {
        sketch_id,
        model: "stability-ai/stable-diffusion-img2img".into(),
        model_version: Some("15a3".into()),
        style: "cartoon".into(),
        prompt: "a dragon".into(),
        params_json: r#"{"seed":42}"#.into(),
        input_json: r#"{"image":"skaitch:sketch-image"}"#.into(),
        outputs_requested: 2,
        dedupe_key: key.into(),
    }
}

fn to(status: S) -> GenerationUpdate {
    GenerationUpdate {
        status: Some(status),
        ..Default::default()
    }
}

fn output(position: u32) -> NewOutput {
    NewOutput {
        position,
        source_url: Some(format!("https://replicate.delivery/x/out-{position}.png")),
        media_type: "image/png".into(),
        width: 64,
        height: 48,
        image: vec![1, 2, position as u8],
        thumbnail_png: vec![9, position as u8],
    }
}

#[test]
fn migrating_from_version_2_keeps_generations_and_adds_the_runner_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        apply_up_to(&mut c, &path, 2).unwrap();
        c.execute_batch(
            "INSERT INTO sketches (title, source, original_media_type, original_size, width, height, sha256, created_at)
                 VALUES ('old', 'drawn', 'image/png', 3, 640, 480, printf('%064d', 1), 1);
             INSERT INTO generations (sketch_id, model, status, prediction_id, created_at, updated_at)
                 VALUES (1, 'a/b', 'succeeded', 'p1', 5, 6);
             INSERT INTO generation_outputs (generation_id, position, media_type, width, height, created_at)
                 VALUES (1, 0, 'image/png', 8, 8, 6);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        skaitch_store::migrate::latest_version()
    );
    let g = store.get_generation(1).unwrap();
    assert_eq!(
        (g.status, g.model.as_str(), g.created_at),
        (S::Succeeded, "a/b", 5)
    );
    assert_eq!((g.outputs_requested, g.cancel_requested), (1, false));
    assert_eq!((g.dedupe_key, g.note, g.file_id), (None, None, None));
    assert_eq!(
        store.generation_outputs(1).unwrap().len(),
        1,
        "outputs kept"
    );
    assert_eq!(store.generation_by_prediction("p1").unwrap(), Some(1));
    assert!(store.model_schema("a/b", "").unwrap().is_none());
}

#[test]
fn an_in_flight_duplicate_returns_the_first_and_a_finished_one_does_not_block() {
    let (_d, s) = super::temp_store();
    let sk = s.insert_sketch(&super::new_sketch(1, None)).unwrap().id;
    let (a, existed) = s.insert_generation(&new_generation(sk, "k")).unwrap();
    assert!(!existed && a.status == S::Queued);
    let (b, existed) = s.insert_generation(&new_generation(sk, "k")).unwrap();
    assert!(existed);
    assert_eq!(b.id, a.id);
    let (c, _) = s.insert_generation(&new_generation(sk, "other")).unwrap();
    assert_ne!(c.id, a.id);
    s.update_generation(a.id, &[S::Queued], &to(S::Failed))
        .unwrap();
    let (d, existed) = s.insert_generation(&new_generation(sk, "k")).unwrap();
    assert!(
        !existed && d.id != a.id,
        "a finished one does not block a new run"
    );
    let missing = s.insert_generation(&new_generation(999, "z")).unwrap_err();
    assert!(matches!(
        missing,
        skaitch_store::Error::NotFound { what: "sketch", .. }
    ));
}

#[test]
fn status_changes_are_compare_and_set_and_stamped_on_the_timeline() {
    let (_d, s) = super::temp_store();
    let sk = s.insert_sketch(&super::new_sketch(1, None)).unwrap().id;
    let (g, _) = s.insert_generation(&new_generation(sk, "k")).unwrap();
    let submitting = GenerationUpdate {
        status: Some(S::Submitting),
        submitting: true,
        ..Default::default()
    };
    let g2 = s
        .update_generation(g.id, &[S::Queued], &submitting)
        .unwrap()
        .unwrap();
    assert!(g2.submitting_at.is_some());
    assert_eq!(
        s.update_generation(g.id, &[S::Queued], &to(S::Running))
            .unwrap(),
        None
    );
    let submitted = GenerationUpdate {
        status: Some(S::Submitted),
        prediction_id: Some("pred".into()),
        note: Some(Some("hello".into())),
        ..Default::default()
    };
    s.update_generation(g.id, &[S::Submitting], &submitted)
        .unwrap()
        .unwrap();
    let running = GenerationUpdate {
        status: Some(S::Running),
        logs: Some(" 40%|████ | 2/5".into()),
        progress: Some(40),
        note: Some(None),
        ..Default::default()
    };
    let r = s
        .update_generation(g.id, &[S::Submitted], &running)
        .unwrap()
        .unwrap();
    assert_eq!((r.progress, r.note.as_deref()), (Some(40), None));
    assert!(r.submitted_at.is_some() && r.started_at.is_some() && r.completed_at.is_none());
    let done = s
        .update_generation(g.id, &[S::Running], &to(S::Canceled))
        .unwrap()
        .unwrap();
    assert!(done.completed_at.is_some());
    let timeline: Vec<_> = s
        .generation_transitions(g.id)
        .unwrap()
        .into_iter()
        .map(|(st, note, _)| (st, note))
        .collect();
    assert_eq!(
        timeline,
        [
            (S::Queued, None),
            (S::Submitting, None),
            (S::Submitted, Some("hello".into())),
            (S::Running, None),
            (S::Canceled, None),
        ]
    );
    let gone = s.update_generation(4242, &ALL_STATUSES, &to(S::Failed));
    assert!(matches!(gone, Err(skaitch_store::Error::NotFound { .. })));
}

#[test]
fn cancel_ends_a_queued_generation_and_flags_a_running_one() {
    let (_d, s) = super::temp_store();
    let sk = s.insert_sketch(&super::new_sketch(1, None)).unwrap().id;
    let (q, _) = s.insert_generation(&new_generation(sk, "q")).unwrap();
    let (r, _) = s.insert_generation(&new_generation(sk, "r")).unwrap();
    s.update_generation(r.id, &[S::Queued], &to(S::Running))
        .unwrap();
    assert_eq!(
        s.request_generation_cancel(q.id).unwrap().status,
        S::Canceled
    );
    let flagged = s.request_generation_cancel(r.id).unwrap();
    assert_eq!(
        (flagged.status, flagged.cancel_requested),
        (S::Running, true)
    );
    let ended = s.request_generation_cancel(q.id).unwrap();
    assert_eq!((ended.status, ended.cancel_requested), (S::Canceled, false));
}

#[test]
fn outputs_are_stored_with_the_final_status_or_not_at_all() {
    let (_d, s) = super::temp_store();
    let sk = s.insert_sketch(&super::new_sketch(1, None)).unwrap().id;
    let (g, _) = s.insert_generation(&new_generation(sk, "k")).unwrap();
    let outs = [output(0), output(1)];
    let refused = s
        .finish_generation_with_outputs(g.id, &[S::Downloading], &to(S::Succeeded), &outs)
        .unwrap();
    assert_eq!(refused, None, "not downloading: nothing written");
    assert!(s.generation_outputs(g.id).unwrap().is_empty());
    s.update_generation(g.id, &[S::Queued], &to(S::Downloading))
        .unwrap();
    let done = s
        .finish_generation_with_outputs(g.id, &[S::Downloading], &to(S::Succeeded), &outs)
        .unwrap()
        .unwrap();
    assert_eq!(done.status, S::Succeeded);
    let stored = s.generation_outputs(g.id).unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].position, 1);
    let img = s
        .output_image(stored[1].id, OutputImageKind::Image)
        .unwrap();
    assert_eq!(img.data, vec![1, 2, 1]);
    let thumb = s
        .output_image(stored[1].id, OutputImageKind::Thumbnail)
        .unwrap();
    assert_eq!(
        (thumb.media_type.as_str(), thumb.data),
        ("image/png", vec![9, 1])
    );
    // Deleting the sketch takes its generations, pictures and timeline with it.
    s.delete_sketch(sk).unwrap();
    assert!(s.get_generation(g.id).is_err());
    assert!(s
        .output_image(stored[0].id, OutputImageKind::Image)
        .is_err());
    assert!(s.generation_transitions(g.id).unwrap().is_empty());
}

#[test]
fn listings_for_the_queue_the_sketch_and_stray_uploads() {
    let (_d, s) = super::temp_store();
    let sk = s.insert_sketch(&super::new_sketch(1, None)).unwrap().id;
    let other = s.insert_sketch(&super::new_sketch(2, None)).unwrap().id;
    let ids: Vec<i64> = ["a", "b", "c"]
        .iter()
        .map(|k| s.insert_generation(&new_generation(sk, k)).unwrap().0.id)
        .collect();
    s.insert_generation(&new_generation(other, "d")).unwrap();
    let upload = GenerationUpdate {
        status: Some(S::Failed),
        file_id: Some("f1".into()),
        file_url: Some("https://api/files/f1".into()),
        ..Default::default()
    };
    s.update_generation(ids[1], &[S::Queued], &upload).unwrap();
    let queue: Vec<i64> = s
        .unfinished_generations()
        .unwrap()
        .iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(queue, [ids[0], ids[2], ids[2] + 1]);
    assert_eq!(s.recent_finished_generations(10).unwrap()[0].id, ids[1]);
    assert_eq!(s.generations_for_sketch(sk).unwrap().len(), 3);
    let strays = s.generations_with_stray_files().unwrap();
    assert_eq!(strays.iter().map(|g| g.id).collect::<Vec<_>>(), [ids[1]]);
    let deleted = GenerationUpdate {
        file_deleted: true,
        ..Default::default()
    };
    s.update_generation(ids[1], &ALL_STATUSES, &deleted)
        .unwrap();
    assert!(s.generations_with_stray_files().unwrap().is_empty());
}

#[test]
fn model_schemas_are_cached_and_replaced() {
    let (_d, s) = super::temp_store();
    assert!(s.model_schema("a/b", "").unwrap().is_none());
    s.put_model_schema("a/b", "", Some("v1"), r#"{"x":1}"#, false)
        .unwrap();
    s.put_model_schema("a/b", "", Some("v2"), r#"{"x":2}"#, false)
        .unwrap();
    s.put_model_schema("a/b", "v1", Some("v1"), r#"{"x":1}"#, false)
        .unwrap();
    let latest = s.model_schema("a/b", "").unwrap().unwrap();
    assert_eq!(
        (
            latest.resolved_version.as_deref(),
            latest.schema_json.as_str()
        ),
        (Some("v2"), r#"{"x":2}"#)
    );
    assert_eq!(latest.is_official, Some(false));
    assert_eq!(
        s.model_schema("a/b", "v1").unwrap().unwrap().schema_json,
        r#"{"x":1}"#
    );
}

#[test]
fn a_durable_write_commits_with_full_sync_and_leaves_the_others_normal() {
    let (_d, s) = super::temp_store();
    let sync = |tx: &rusqlite::Transaction<'_>| -> skaitch_store::Result<i64> {
        Ok(tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?)
    };
    assert_eq!(s.write(sync).unwrap(), 1, "NORMAL by default");
    assert_eq!(s.write_durable(sync).unwrap(), 2, "FULL for this commit");
    assert_eq!(s.write(sync).unwrap(), 1, "NORMAL again after it");
    // A failing durable write leaves NORMAL too, and nothing written.
    let failed = s.write_durable(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)",
            [],
        )?;
        Err::<(), _>(skaitch_store::Error::Invalid {
            field: "test",
            reason: "rolled back",
        })
    });
    assert!(failed.is_err());
    assert_eq!(s.write(sync).unwrap(), 1);
    assert_eq!(s.setting("k").unwrap(), None);
}
