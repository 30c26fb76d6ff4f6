//! The adapter's promises, without terraform: `tf_provider::Resource` calls on a probe resource,
//! as terraform makes them. What each test pins is the adapter's, not a resource's.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

use async_trait::async_trait;
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{AttributePath, Diagnostics, Resource};

use super::attr::AttrDecl;
use super::check::CheckDecl;
use super::journal::Journal;
use super::resource::{Ctx, Failed, Managed, ManagedResource, Planning, Problem, Shared};
use super::schema::Attr;
use crate::client::{Client, Credentials, Secret};
use crate::validate::finding::{Finding, Subject};

crate::state! {
    struct Probe {
        id: Value<String> = Attr::string("id").computed(),
        name: Value<String> = Attr::string("name").required(),
        zone: Value<String> = Attr::string("zone").required() => .replace(),
        size: Value<i64> = Attr::number("size").optional_computed()
            => .default(|s| s.size = Value::Value(3)),
        made: Value<String> = Attr::string("made").computed(),
    }
}

thread_local! {
    /// The zones the probe's declared check ran on, in this test's thread.
    static ZONES_CHECKED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn zones_checked() -> Vec<String> {
    ZONES_CHECKED.with(|z| z.take())
}

/// What the probe's create answers.
#[derive(Clone, Copy)]
enum Outcome {
    Made,
    /// Failed after the object exists: the state must be kept.
    Partial,
    /// Failed before anything exists.
    Nothing,
}

struct ProbeResource {
    outcome: Outcome,
    /// The names the probe's plan saw known (its cloud check ran on them).
    checked: Arc<Mutex<Vec<String>>>,
}

#[async_trait]
impl ManagedResource for ProbeResource {
    type State = Probe;
    const DESCRIPTION: &'static str = "a probe";

    fn attributes() -> Vec<AttrDecl<Probe>> {
        Probe::attributes()
    }

    fn describe(s: &Probe) -> String {
        format!("probe {:?}", s.name)
    }

    /// A declared check of `zone`: records each zone it is run on; `bad` is an error about it,
    /// `far` a warning about the whole probe.
    fn checks() -> Vec<CheckDecl<Probe>> {
        vec![CheckDecl::<Probe>::new("the probe's zone", |_, s| {
            let zone = s.zone.as_ref_option().cloned().unwrap_or_default();
            Box::pin(async move {
                ZONES_CHECKED.with(|z| z.borrow_mut().push(zone.clone()));
                Ok(match zone.as_str() {
                    "bad" => vec![Finding::error(
                        Subject::VSwitch,
                        "Bad zone",
                        "Pick another.",
                    )],
                    "far" => vec![Finding::warning(Subject::Whole, "Far away", "Slow.")],
                    _ => Vec::new(),
                })
            })
        })
        .reads(|s| &s.zone, Subject::VSwitch)]
    }

    async fn plan(&self, _ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, Probe>) {
        // A cloud check runs on known inputs only; an unknown name is checked at apply's plan.
        if let Value::Value(name) = &plan.planned.name {
            self.checked.lock().unwrap().push(name.clone());
            if name == "taken" {
                plan.findings
                    .error(Problem::at(|s| &s.name, "Name taken", "Pick another."));
            }
        }
    }

    async fn refresh(&self, _: &Ctx<'_>, s: Probe) -> Result<Option<Probe>, Problem<Probe>> {
        Ok(Some(s))
    }

    async fn create(&self, _: &Ctx<'_>, planned: Probe) -> Result<Probe, Failed<Probe>> {
        let made = Probe {
            id: Value::Value("p-1".into()),
            made: Value::Value("by the cloud".into()),
            ..planned
        };
        match self.outcome {
            Outcome::Made => Ok(made),
            Outcome::Partial => Err(Failed::partial(Problem::new("Half made", "why"), made)),
            Outcome::Nothing => Err(Failed::nothing(Problem::new("Not made", "why"))),
        }
    }

    async fn update(&self, _: &Ctx<'_>, _: Probe, planned: Probe) -> Result<Probe, Failed<Probe>> {
        Ok(planned)
    }

    async fn delete(&self, _: &Ctx<'_>, _: Probe) -> Result<(), Problem<Probe>> {
        Ok(())
    }

    async fn import(&self, _: &Ctx<'_>, id: &str) -> Result<Probe, Problem<Probe>> {
        Err(Problem::new("No import", id.to_string()))
    }
}

/// The adapter over a probe; `configured`: the provider block was configured (a client exists;
/// it is never called here).
fn adapter(
    outcome: Outcome,
    configured: bool,
) -> (Managed<ProbeResource>, Arc<Mutex<Vec<String>>>) {
    adapter_with(outcome, configured, Journal::disabled())
}

fn adapter_with(
    outcome: Outcome,
    configured: bool,
    journal: Journal,
) -> (Managed<ProbeResource>, Arc<Mutex<Vec<String>>>) {
    let cell = Arc::new(OnceLock::new());
    if configured {
        let client = Client::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new(
                "probe-key",
                Secret::new("probe-secret"),
                None,
                "the test",
            ))
            .endpoint(crate::client::Service::Ecs, "http://127.0.0.1:9")
            .unwrap()
            .build()
            .unwrap();
        let _ = cell.set(client);
    }
    let shared = Shared {
        client: cell,
        facts: Default::default(),
        locks: Default::default(),
        journal,
        claims: Default::default(),
    };
    let checked = Arc::new(Mutex::new(Vec::new()));
    let resource = ProbeResource {
        outcome,
        checked: checked.clone(),
    };
    (Managed::new(resource, shared), checked)
}

fn config(name: Value<String>, zone: &str) -> Probe {
    Probe {
        name,
        zone: Value::Value(zone.into()),
        ..Probe::default()
    }
}

fn meta() -> Value<StructEmpty> {
    Value::Null
}

/// The plan of a create of `cfg` (terraform proposes the configuration itself).
async fn plan_create(
    probe: &Managed<ProbeResource>,
    diags: &mut Diagnostics,
    cfg: Probe,
) -> (Probe, Option<super::Private>) {
    probe
        .plan_create(diags, cfg.clone(), cfg, meta())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_create_plan_fills_defaults_leaves_computed_unknown_and_fixes_a_token() {
    let (probe, _) = adapter(Outcome::Made, true);
    let mut diags = Diagnostics::default();
    let cfg = config(Value::Value("a".into()), "z1");
    let (planned, private) = plan_create(&probe, &mut diags, cfg).await;
    assert!(diags.errors.is_empty(), "{:?}", diags.errors);
    assert_eq!(planned.size, Value::Value(3), "the declared default");
    assert_eq!(planned.id, Value::Unknown);
    assert_eq!(planned.made, Value::Unknown);
    assert!(
        private.and_then(|p| p.client_token).is_some(),
        "the create's token is fixed at plan"
    );
}

#[tokio::test]
async fn an_update_keeps_computed_values_from_the_state_and_a_replacing_change_says_which() {
    let (probe, _) = adapter(Outcome::Made, true);
    let prior = Probe {
        id: Value::Value("p-1".into()),
        size: Value::Value(3),
        made: Value::Value("by the cloud".into()),
        ..config(Value::Value("a".into()), "z1")
    };
    let mut diags = Diagnostics::default();
    let renamed = config(Value::Value("b".into()), "z1");
    let (planned, _, replace) = probe
        .plan_update(
            &mut diags,
            prior.clone(),
            renamed.clone(),
            renamed,
            None,
            meta(),
        )
        .await
        .unwrap();
    assert!(replace.is_empty());
    assert_eq!(planned.id, prior.id, "computed from the state");
    assert_eq!(planned.made, prior.made);
    let moved = config(Value::Value("a".into()), "z2");
    let (planned, private, replace) = probe
        .plan_update(&mut diags, prior, moved.clone(), moved, None, meta())
        .await
        .unwrap();
    assert_eq!(replace, vec![AttributePath::new("zone")]);
    assert_eq!(
        planned.id,
        Value::Unknown,
        "a replacement makes a new object"
    );
    assert!(private.and_then(|p| p.client_token).is_some());
    assert!(diags.errors.is_empty(), "{:?}", diags.errors);
}

#[tokio::test]
async fn a_check_waits_for_known_inputs_and_runs_again_when_they_are() {
    let (probe, checked) = adapter(Outcome::Made, true);
    let mut diags = Diagnostics::default();
    let unknown = config(Value::Unknown, "z1");
    plan_create(&probe, &mut diags, unknown).await;
    assert!(checked.lock().unwrap().is_empty(), "nothing to check yet");
    assert!(diags.errors.is_empty());
    // Apply's plan: the name is known now (made by another resource), and taken.
    let known = config(Value::Value("taken".into()), "z1");
    plan_create(&probe, &mut diags, known).await;
    assert_eq!(*checked.lock().unwrap(), vec!["taken".to_string()]);
    assert_eq!(diags.errors.len(), 1, "the finding, on its attribute");
}

#[tokio::test]
async fn a_create_that_failed_after_the_object_exists_keeps_it_and_says_why() {
    let (probe, _) = adapter(Outcome::Partial, true);
    let mut diags = Diagnostics::default();
    let cfg = config(Value::Value("a".into()), "z1");
    let (planned, private) = plan_create(&probe, &mut diags, cfg.clone()).await;
    let kept = probe
        .create(&mut diags, planned, cfg, private, meta())
        .await;
    assert_eq!(kept.map(|(s, _)| s.id), Some(Value::Value("p-1".into())));
    assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
}

#[tokio::test]
async fn every_create_that_returns_nothing_says_why() {
    for (outcome, configured) in [(Outcome::Nothing, true), (Outcome::Made, false)] {
        let (probe, _) = adapter(outcome, configured);
        let mut diags = Diagnostics::default();
        let cfg = config(Value::Value("a".into()), "z1");
        let planned = Probe {
            size: Value::Value(3),
            ..cfg.clone()
        };
        let made = probe.create(&mut diags, planned, cfg, None, meta()).await;
        assert!(made.is_none());
        assert!(
            !diags.errors.is_empty(),
            "an early return without a diagnostic"
        );
    }
}

#[tokio::test]
async fn a_declared_check_runs_on_a_create_with_its_findings_on_the_attribute_it_reads() {
    let (probe, _) = adapter(Outcome::Made, true);
    let mut diags = Diagnostics::default();
    let cfg = config(Value::Value("a".into()), "bad");
    plan_create(&probe, &mut diags, cfg).await;
    assert_eq!(zones_checked(), ["bad"]);
    assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
    assert_eq!(diags.errors[0].summary, "Bad zone");
    assert_eq!(diags.errors[0].attribute, AttributePath::new("zone"));
    let mut diags = Diagnostics::default();
    let cfg = config(Value::Value("a".into()), "far");
    plan_create(&probe, &mut diags, cfg).await;
    assert!(diags.errors.is_empty());
    assert_eq!(
        diags.warnings.len(),
        1,
        "a finding about the whole lands on the resource"
    );
    assert_eq!(diags.warnings[0].attribute, AttributePath::default());
}

#[tokio::test]
async fn a_declared_check_waits_for_its_inputs_and_skips_an_update_that_does_not_touch_them() {
    let (probe, _) = adapter(Outcome::Made, true);
    let mut diags = Diagnostics::default();
    let unknown = Probe {
        zone: Value::Unknown,
        ..config(Value::Value("a".into()), "")
    };
    plan_create(&probe, &mut diags, unknown).await;
    assert!(
        zones_checked().is_empty(),
        "its zone is known only at apply's plan"
    );
    let prior = Probe {
        id: Value::Value("p-1".into()),
        size: Value::Value(3),
        made: Value::Value("x".into()),
        ..config(Value::Value("a".into()), "z1")
    };
    let renamed = config(Value::Value("b".into()), "z1");
    probe
        .plan_update(&mut diags, prior, renamed.clone(), renamed, None, meta())
        .await
        .unwrap();
    assert!(zones_checked().is_empty(), "the zone does not change");
    assert!(diags.errors.is_empty(), "{:?}", diags.errors);
}

#[tokio::test]
async fn a_check_passed_in_this_runs_plan_is_not_repeated_by_its_apply_but_another_run_repeats_it()
{
    let dir = std::env::temp_dir().join(format!("probe-journal-{}", uuid::Uuid::new_v4()));
    let cfg = config(Value::Value("a".into()), "z1");
    let plan = |run: &'static str| {
        let cfg = cfg.clone();
        let dir = dir.clone();
        async move {
            // Each walk is a new provider process: a new adapter on the same directory.
            let (probe, _) = adapter_with(Outcome::Made, true, Journal::at(dir, run));
            let mut diags = Diagnostics::default();
            plan_create(&probe, &mut diags, cfg).await;
            assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        }
    };
    plan("run-1").await;
    assert_eq!(zones_checked(), ["z1"], "the plan walk checks");
    plan("run-1").await;
    assert!(
        zones_checked().is_empty(),
        "the apply walk of the same run does not"
    );
    plan("run-2").await;
    assert_eq!(
        zones_checked(),
        ["z1"],
        "a saved plan applied later checks again"
    );
    // A check that found an error leaves no pass behind.
    let bad = config(Value::Value("a".into()), "bad");
    for _ in 0..2 {
        let (probe, _) = adapter_with(Outcome::Made, true, Journal::at(dir.clone(), "run-3"));
        let mut diags = Diagnostics::default();
        plan_create(&probe, &mut diags, bad.clone()).await;
    }
    assert_eq!(zones_checked(), ["bad", "bad"]);
    let _ = std::fs::remove_dir_all(dir.with_extension("checks"));
}

/// The wait for a target's lock behind this apply's other changes counts against the
/// operation's time: it ends with a timeout that says what it waited for.
#[tokio::test]
async fn a_lock_held_past_the_operations_time_is_a_timeout_naming_the_target() {
    let (probe, _) = adapter(Outcome::Made, true);
    let client = probe.shared.client.get().unwrap();
    let locks = super::locks::TargetLocks::default();
    let held = locks.lock("rds:rm-1").await;
    let ctx = Ctx {
        locks: &locks,
        // Its time has run out waiting behind the others (no clock decides this test).
        started: tokio::time::Instant::now() - std::time::Duration::from_secs(6),
        ..probe
            .shared
            .ctx(client, std::time::Duration::from_secs(5), None)
    };
    assert_eq!(ctx.remaining(), std::time::Duration::ZERO);
    let waited = ctx.lock_handed("rds:rm-1", "RDS instance rm-1").await;
    let Err(e) = waited else {
        panic!("the lock is held past the deadline");
    };
    assert!(
        e.to_string().contains(
            "timed out after 5 s waiting for this apply's other changes of RDS instance rm-1"
        ),
        "{e}"
    );
    drop(held);
    let ctx = Ctx {
        started: tokio::time::Instant::now(),
        ..ctx
    };
    assert!(ctx
        .lock_handed("rds:rm-1", "RDS instance rm-1")
        .await
        .is_ok());
}
