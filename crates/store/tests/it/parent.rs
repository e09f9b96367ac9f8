//! Parent controls' rows: the cost ledger (written once, totals per child and period, kept
//! when sketches and children are deleted), and held generations approved or released.

use super::{new_sketch, temp_store};
use skaitch_store::{
    CostBasis, CostRecord, GenerationStatus as S, GenerationUpdate, NewGeneration, OrphanPolicy,
    Store,
};

fn generation(store: &Store, sketch_id: i64, key: &str, status: S) -> i64 {
    let (g, _) = store
        .insert_generation(&NewGeneration {
            sketch_id,
            model: "a/b".into(),
            model_version: None,
            style: "cartoon".into(),
            prompt: String::new(),
            params_json: "{}".into(),
            input_json: "{}".into(),
            outputs_requested: 1,
            dedupe_key: key.into(),
        })
        .unwrap();
    if status != S::Queued {
        let u = GenerationUpdate {
            status: Some(status),
            ..Default::default()
        };
        store.update_generation(g.id, &[S::Queued], &u).unwrap();
    }
    g.id
}

fn cost(id: i64, child: Option<i64>, usd: Option<f64>, at: i64) -> CostRecord {
    CostRecord {
        generation_id: id,
        model: "a/b".into(),
        child_id: child,
        usd,
        basis: if usd.is_some() {
            CostBasis::Image
        } else {
            CostBasis::Unknown
        },
        unit_price: usd,
        units: 1.0,
        hardware: None,
        price_checked: Some("2026-11-23".into()),
        priced_at: at,
        // An unknown price carries its ceiling.
        estimate_usd: usd.is_none().then_some(0.25),
    }
}

#[test]
fn costs_are_written_once_and_add_up_per_child_and_period_even_after_deletes() {
    let (_d, s) = temp_store();
    let kid = s.add_child("Ada").unwrap();
    let mine = s.insert_sketch(&new_sketch(1, Some(kid.id))).unwrap().id;
    let other = s.insert_sketch(&new_sketch(2, None)).unwrap().id;
    let a = generation(&s, mine, "a", S::Succeeded);
    let b = generation(&s, mine, "b", S::Succeeded);
    let c = generation(&s, other, "c", S::Failed);
    let in_flight = generation(&s, other, "d", S::Running);
    assert!(
        s.unpriced(in_flight).unwrap().is_none(),
        "not finished: not priced"
    );
    let u = s.unpriced(a).unwrap().unwrap();
    assert_eq!(
        (u.child_id, u.had_prediction, u.images),
        (Some(kid.id), false, 0)
    );
    assert_eq!(s.finished_without_cost().unwrap().len(), 3);

    assert!(s
        .record_cost(&cost(a, Some(kid.id), Some(0.04), 100))
        .unwrap());
    assert!(
        !s.record_cost(&cost(a, Some(kid.id), Some(9.0), 100))
            .unwrap(),
        "never rewritten"
    );
    s.record_cost(&cost(b, Some(kid.id), None, 150)).unwrap();
    s.record_cost(&cost(c, None, Some(0.01), 200)).unwrap();
    assert_eq!(s.generation_cost(a).unwrap().unwrap().usd, Some(0.04));
    assert!(s.finished_without_cost().unwrap().is_empty());

    let totals = s.cost_totals(0, 1000).unwrap();
    let by: Vec<_> = totals
        .iter()
        .map(|t| (t.name.clone(), t.usd, t.generations, t.unknown))
        .collect();
    assert_eq!(by, [(Some("Ada".into()), 0.04, 2, 1), (None, 0.01, 1, 0)]);
    assert_eq!(
        totals[0].unknown_up_to_usd, 0.25,
        "the unknown one's ceiling"
    );
    assert_eq!(totals[1].unknown_up_to_usd, 0.0);
    assert_eq!(
        s.generation_cost(b).unwrap().unwrap().estimate_usd,
        Some(0.25)
    );
    // The running one was sent and is not finished: a limit counts it at its ceiling.
    assert_eq!(s.sent_in_flight().unwrap(), [(in_flight, "a/b".to_owned())]);
    assert_eq!(
        s.cost_totals(160, 1000).unwrap().len(),
        1,
        "only c is in [160, 1000)"
    );

    s.delete_sketch(mine).unwrap();
    s.delete_child(kid.id, OrphanPolicy::Delete).unwrap();
    let after = s.cost_totals(0, 1000).unwrap();
    assert_eq!(
        after.iter().map(|t| t.usd).sum::<f64>(),
        0.05,
        "spent stays spent"
    );
    assert_eq!(after[0].name, None, "the child is gone, the money is not");
}

#[test]
fn held_generations_are_approved_one_by_one_or_released_together() {
    let (_d, s) = temp_store();
    let sk = s.insert_sketch(&new_sketch(1, None)).unwrap().id;
    let a = generation(&s, sk, "a", S::Held);
    let b = generation(&s, sk, "b", S::Held);
    let queued = generation(&s, sk, "c", S::Queued);
    assert_eq!(s.held_count().unwrap(), 2);
    assert!(s.approve_held(queued).unwrap().is_none(), "only a held one");
    assert!(!s.is_approved(queued).unwrap());
    let back = s.approve_held(a).unwrap().unwrap();
    assert_eq!(back.status, S::Queued);
    assert!(s.is_approved(a).unwrap() && !s.is_approved(b).unwrap());
    let released = s.release_held().unwrap();
    assert_eq!(released.iter().map(|g| g.id).collect::<Vec<_>>(), [b]);
    assert_eq!(s.held_count().unwrap(), 0);
    // A held one is canceled on the spot (nothing was sent).
    let h = generation(&s, sk, "e", S::Held);
    assert_eq!(s.request_generation_cancel(h).unwrap().status, S::Canceled);
    let timeline: Vec<S> = s
        .generation_transitions(a)
        .unwrap()
        .into_iter()
        .map(|(st, _, _)| st)
        .collect();
    assert_eq!(timeline, [S::Queued, S::Held, S::Queued]);
}
