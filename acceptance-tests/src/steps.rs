//! A resource's acceptance test as a list of steps: apply, plan-empty, drift, import-verify,
//! plan-error on an attribute, destroy-leaves-nothing. Each step runs the real terraform against
//! the emulator; a failing step panics with its number and kind, and terraform's output.
//!
//! ```ignore
//! Story::new(&emulator).run(vec![
//!     step::apply(config(&["192.168.1.0/24"])),
//!     step::plan_empty(),
//!     step::drift(|s| s["rds_instances"][RDS]["groups"][1]["ips"] = json!([]), &["192.168.1.0/24"]),
//!     step::import("maxcompute_rds_whitelist_attachment.mc", format!("{RDS}:maxcompute")),
//!     step::plan_error(config(&["0.0.0.0/0"]), "cidrs", "public"),
//!     step::destroy_leaves(|s| assert!(...)),
//! ]);
//! ```

use serde_json::Value;

use crate::{contains_text, diagnostic_on, Emulator, Workspace};

type Edit<'a> = Box<dyn FnOnce(&mut Value) + 'a>;
type Check<'a> = Box<dyn FnOnce(&Emulator, &Workspace) + 'a>;
type StateCheck<'a> = Box<dyn FnOnce(&Value) + 'a>;

/// One step of a story.
pub enum Step<'a> {
    /// Write this configuration and apply it; it must succeed.
    Apply(String),
    /// The next plan is empty.
    PlanEmpty,
    /// Write this configuration; the plan shows a change with each text (`"1 to change"`, an
    /// attribute value); then apply it and see the next plan empty.
    Change(String, Vec<&'a str>),
    /// Change the emulator behind terraform's back; the plan shows the repair (each text), the
    /// apply makes it, the next plan is empty.
    Drift(Edit<'a>, Vec<&'a str>),
    /// Import the address with this ID into a fresh workspace holding the current configuration:
    /// the same attributes as applied (but `timeouts`), and an empty plan.
    Import(&'a str, String),
    /// This configuration, in a fresh workspace, fails at plan: exit 1, the text in a diagnostic
    /// on the attribute, and no call that changes anything.
    PlanError(String, &'a str, &'a str),
    /// Destroy succeeds, the state is empty, and the emulator's state passes the check.
    DestroyLeaves(StateCheck<'a>),
    /// A named check of anything the steps above do not say.
    Expect(&'a str, Check<'a>),
}

/// Step constructors, so a story reads as a list.
pub mod step {
    use super::*;

    pub fn apply<'a>(config: String) -> Step<'a> {
        Step::Apply(config)
    }
    pub fn plan_empty<'a>() -> Step<'a> {
        Step::PlanEmpty
    }
    pub fn change<'a>(config: String, shows: &[&'a str]) -> Step<'a> {
        Step::Change(config, shows.to_vec())
    }
    pub fn drift<'a>(edit: impl FnOnce(&mut Value) + 'a, shows: &[&'a str]) -> Step<'a> {
        Step::Drift(Box::new(edit), shows.to_vec())
    }
    pub fn import(address: &str, id: impl Into<String>) -> Step<'_> {
        Step::Import(address, id.into())
    }
    pub fn plan_error<'a>(config: String, attr: &'a str, text: &'a str) -> Step<'a> {
        Step::PlanError(config, attr, text)
    }
    pub fn destroy_leaves<'a>(check: impl FnOnce(&Value) + 'a) -> Step<'a> {
        Step::DestroyLeaves(Box::new(check))
    }
    pub fn expect<'a>(what: &'a str, check: impl FnOnce(&Emulator, &Workspace) + 'a) -> Step<'a> {
        Step::Expect(what, Box::new(check))
    }
}

/// A workspace and the emulator it talks to, walked through steps.
pub struct Story<'e> {
    emulator: &'e Emulator,
    ws: Workspace,
    config: String,
}

impl<'e> Story<'e> {
    pub fn new(emulator: &'e Emulator) -> Self {
        Self {
            emulator,
            ws: Workspace::new(),
            config: String::new(),
        }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Runs the steps in order; the first that fails panics with its number and kind.
    pub fn run(&mut self, steps: Vec<Step<'_>>) {
        for (i, step) in steps.into_iter().enumerate() {
            let kind = match &step {
                Step::Apply(_) => "apply",
                Step::PlanEmpty => "plan-empty",
                Step::Change(..) => "change",
                Step::Drift(..) => "drift",
                Step::Import(..) => "import-verify",
                Step::PlanError(..) => "plan-error",
                Step::DestroyLeaves(_) => "destroy-leaves-nothing",
                Step::Expect(what, _) => what,
            };
            let what = format!("step {} ({kind})", i + 1);
            self.step(&what, step);
        }
    }

    fn step(&mut self, what: &str, step: Step<'_>) {
        match step {
            Step::Apply(config) => {
                self.write(config);
                let run = self.ws.apply();
                assert_eq!(run.code, 0, "{what}: apply failed:\n{}", run.output());
            }
            Step::PlanEmpty => self.plan_empty(what),
            Step::Change(config, shows) => {
                self.write(config);
                self.plan_shows(what, &shows);
                self.apply_then_empty(what);
            }
            Step::Drift(edit, shows) => {
                self.emulator.edit_state(edit);
                self.plan_shows(what, &shows);
                self.apply_then_empty(what);
            }
            Step::Import(address, id) => self.import(what, address, &id),
            Step::PlanError(config, attr, text) => self.plan_error(what, &config, attr, text),
            Step::DestroyLeaves(check) => {
                let run = self.ws.destroy();
                assert_eq!(run.code, 0, "{what}: destroy failed:\n{}", run.output());
                assert!(self.ws.state_is_empty(), "{what}: the state is not empty");
                check(&self.emulator.state());
            }
            Step::Expect(_, check) => check(self.emulator, &self.ws),
        }
    }

    fn write(&mut self, config: String) {
        self.ws.write_config(&config);
        self.config = config;
    }

    fn fresh(&self) -> Workspace {
        let mut ws = Workspace::new();
        for (k, v) in self.ws.env() {
            ws.set_env(k, v);
        }
        ws
    }

    fn plan_empty(&self, what: &str) {
        let run = self.ws.plan();
        assert_eq!(
            run.code,
            0,
            "{what}: expected an empty plan:\n{}",
            run.output()
        );
    }

    fn plan_shows(&self, what: &str, shows: &[&str]) {
        let run = self.ws.plan();
        let out = run.output();
        assert_eq!(run.code, 2, "{what}: expected changes:\n{out}");
        for text in shows {
            assert!(
                contains_text(&out, text),
                "{what}: the plan lacks {text:?}:\n{out}"
            );
        }
    }

    fn apply_then_empty(&self, what: &str) {
        let run = self.ws.apply();
        assert_eq!(run.code, 0, "{what}: apply failed:\n{}", run.output());
        self.plan_empty(what);
    }

    fn import(&self, what: &str, address: &str, id: &str) {
        let ws = self.fresh();
        ws.write_config(&self.config);
        let run = ws.terraform(&["import", "-input=false", address, id]);
        assert_eq!(run.code, 0, "{what}: import failed:\n{}", run.output());
        let (imported, applied) = (ws.resource(address), self.ws.resource(address));
        for (key, value) in applied.as_object().into_iter().flatten() {
            if key != "timeouts" {
                assert_eq!(
                    &imported[key], value,
                    "{what}: `{key}` differs after import"
                );
            }
        }
        let run = ws.plan();
        assert_eq!(
            run.code,
            0,
            "{what}: plan after import not empty:\n{}",
            run.output()
        );
    }

    fn plan_error(&self, what: &str, config: &str, attr: &str, text: &str) {
        let ws = self.fresh();
        ws.write_config(config);
        let before = self.emulator.mutating_calls();
        let run = ws.plan();
        let out = run.output();
        assert_eq!(run.code, 1, "{what}: expected a plan error:\n{out}");
        assert!(contains_text(&out, text), "{what}: lacks {text:?}:\n{out}");
        assert!(diagnostic_on(&out, attr), "{what}: not on `{attr}`:\n{out}");
        assert!(!out.contains("panic"), "{what}: {out}");
        assert_eq!(
            self.emulator.mutating_calls(),
            before,
            "{what}: the plan changed something"
        );
    }
}
