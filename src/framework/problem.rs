//! What an operation found: problems (errors and warnings) placed on attributes, typed failures
//! that carry what a partial create made, and their turning into terraform's diagnostics.

use tf_provider::{AttributePath, Diagnostics};

use super::attr::{AttrDecl, Getter, Kind};
use crate::client::{Client, Error};

/// Where a finding goes.
pub enum At<S> {
    /// The resource as a whole.
    Root,
    /// The attribute a field is declared as.
    Field(Getter<S>),
    /// A path inside a block (`timeouts[0].create`).
    Path(AttributePath),
    /// The entry `key` of the map attribute a field is declared as (`fixed_ips["vsw-1"]`).
    Entry(Getter<S>, String),
}

impl<S> Clone for At<S> {
    fn clone(&self) -> Self {
        match self {
            At::Root => At::Root,
            At::Field(g) => At::Field(*g),
            At::Path(p) => At::Path(p.clone()),
            At::Entry(g, k) => At::Entry(*g, k.clone()),
        }
    }
}

/// One problem, with what to do about it.
pub struct Problem<S> {
    pub at: At<S>,
    pub summary: String,
    pub detail: String,
}

impl<S> Problem<S> {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            at: At::Root,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    /// On the attribute `get` reads.
    pub fn at(get: Getter<S>, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            at: At::Field(get),
            ..Self::new(summary, detail)
        }
    }

    /// A failed cloud call: what was being done, the cloud's answer and what to check.
    pub fn client(client: &Client, what: &str, error: &Error) -> Self {
        Self::new(format!("Error {what}"), super::diag::detail(client, error))
    }

    pub fn on(mut self, get: Getter<S>) -> Self {
        self.at = At::Field(get);
        self
    }

    /// What a read that must find its object (an import) came to: the object; "<What> not found"
    /// with `absent` as the detail; or the failed call, "reading <what>".
    pub fn found<T>(
        client: &Client,
        read: Result<Option<T>, Error>,
        what: &str,
        absent: impl Into<String>,
    ) -> Result<T, Self> {
        match read {
            Ok(Some(t)) => Ok(t),
            Ok(None) => {
                let mut title = what.to_string();
                if let Some(first) = title.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                Err(Self::new(format!("{title} not found"), absent))
            }
            Err(e) => Err(Self::client(client, &format!("reading {what}"), &e)),
        }
    }
}

/// A create or update that did not finish. `state` is what exists now: recorded (a create's is
/// tainted, so the next apply replaces it). `None` when nothing was made, or it was undone.
pub struct Failed<S> {
    pub problem: Problem<S>,
    pub state: Option<S>,
}

impl<S> Failed<S> {
    /// Nothing exists (nothing was made, or it was undone).
    pub fn nothing(problem: Problem<S>) -> Self {
        Self {
            problem,
            state: None,
        }
    }

    /// `state` exists and must be recorded.
    pub fn partial(problem: Problem<S>, state: S) -> Self {
        Self {
            problem,
            state: Some(state),
        }
    }
}

/// What a create or an update ends with: the object as it is now, or why not (with what was made).
pub type Applied<S> = Result<S, Failed<S>>;

impl<S> From<Problem<S>> for Failed<S> {
    fn from(problem: Problem<S>) -> Self {
        Failed::nothing(problem)
    }
}

/// Errors and warnings found while planning or validating.
pub struct Findings<S> {
    pub errors: Vec<Problem<S>>,
    pub warnings: Vec<Problem<S>>,
}

impl<S> Default for Findings<S> {
    fn default() -> Self {
        Self {
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl<S> Findings<S> {
    pub fn error(&mut self, p: Problem<S>) {
        self.errors.push(p);
    }
    pub fn warning(&mut self, p: Problem<S>) {
        self.warnings.push(p);
    }
    /// Everything `other` found, after what this holds.
    pub fn extend(&mut self, other: Findings<S>) {
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }
}

/// The attribute path of a finding: a field resolves to the name it is declared under.
fn path_of<S>(decls: &[AttrDecl<S>], state: &S, at: &At<S>) -> Option<AttributePath> {
    match at {
        At::Root => None,
        At::Path(p) => Some(p.clone()),
        At::Field(get) => decls
            .iter()
            .find(|d| d.is(state, *get))
            .map(|d| AttributePath::new(d.name)),
        At::Entry(get, key) => decls
            .iter()
            .find(|d| d.is(state, *get))
            .map(|d| AttributePath::new(d.name).key(key.clone())),
    }
}

/// Turns findings into diagnostics on their attributes (shared by both adapters).
/// Every finding, as a diagnostic on its attribute; a finding said twice on one attribute (a
/// resource's plan and one of its checks may both meet a missing object) is said once.
pub fn emit<S>(decls: &[AttrDecl<S>], diags: &mut Diagnostics, state: &S, findings: Findings<S>) {
    let mut said: Vec<(bool, Option<AttributePath>, String, String)> = Vec::new();
    let errors = findings.errors.into_iter().map(|p| (true, p));
    for (error, p) in errors.chain(findings.warnings.into_iter().map(|p| (false, p))) {
        let key = (error, path_of(decls, state, &p.at), p.summary, p.detail);
        if said.contains(&key) {
            continue;
        }
        said.push(key.clone());
        let (_, path, summary, detail) = key;
        match (error, path) {
            (true, Some(path)) => diags.error(summary, detail, path),
            (true, None) => diags.root_error(summary, detail),
            (false, Some(path)) => diags.warning(summary, detail, path),
            (false, None) => diags.root_warning(summary, detail),
        }
    }
}

/// Runs every declared rule whose attribute is known, and every text validator on each of its
/// known texts (shared by both adapters).
pub fn attribute_rules<S>(decls: &[AttrDecl<S>], s: &S, out: &mut Findings<S>) {
    for d in decls {
        if !matches!(d.kind, Kind::Attribute(_)) {
            continue;
        }
        let slot = (d.get)(s);
        let mut messages: Vec<String> = super::attr::texts(slot)
            .into_iter()
            .flat_map(|text| d.valid.iter().filter_map(move |rule| rule(text).err()))
            .collect();
        if slot.is_known() {
            messages.extend(d.rules.iter().flat_map(|rule| rule(s)));
        }
        for message in messages {
            out.error(Problem {
                at: At::Field(d.get),
                summary: format!("Invalid {}", d.name),
                detail: message,
            });
        }
    }
}

/// Ensures a failed operation always carries a diagnostic: if a path ever returned nothing
/// without saying why, terraform would take it as success (a destroy would drop an object that
/// still exists).
pub fn guard<T>(diags: &mut Diagnostics, op: &str, result: Option<T>) -> Option<T> {
    if result.is_none() && diags.errors.is_empty() {
        diags.root_error(
            format!("The provider could not {op}"),
            "The operation ended without saying why. This is a bug in the provider; please report \
             it with the output of `TF_LOG=DEBUG`.",
        );
    }
    result
}

/// "network link x" → "Network link x", for a summary.
pub(super) fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The two parts of an import ID `<a>:<b>`, neither empty; otherwise "Invalid import ID" saying
/// the form to `use_instead`.
pub fn import_id_parts<S>(
    id: &str,
    use_instead: impl FnOnce() -> String,
) -> Result<(&str, &str), Problem<S>> {
    id.split_once(':')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| Problem::new("Invalid import ID", use_instead()))
}
