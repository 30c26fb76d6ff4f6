//! What an attribute means, declared once: its schema (type, required/optional/computed,
//! description, sensitivity), its rules, its default, and how a change plans (in place, replace,
//! computed). The adapter (`resource.rs`) reads these declarations for the schema, validation,
//! defaults, requires-replace and unknown computed values; resource code refers to attributes
//! only through their struct fields, never by a name string.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};

use tf_provider::schema::NestedBlock;
use tf_provider::value::Value;

use super::schema::Attr;
use super::timeouts::{self, TimeoutValues, Timeouts, TimeoutsCud};
use super::values::known;

/// Whether a value is wholly known (a set with one unknown element is not).
pub trait Known {
    fn wholly_known(&self) -> bool {
        true
    }
    /// The `timeouts` block's entries, for the one type that has them.
    fn timeout_entries(&self) -> Vec<(&'static str, &Value<String>)> {
        Vec::new()
    }
}

impl Known for String {}
impl Known for i64 {}
impl Known for bool {}
impl<T> Known for Vec<Value<T>> {
    fn wholly_known(&self) -> bool {
        self.iter().all(|v| !v.is_unknown())
    }
}
impl<T> Known for BTreeSet<Value<T>> {
    fn wholly_known(&self) -> bool {
        self.iter().all(|v| !v.is_unknown())
    }
}
impl<T> Known for BTreeMap<String, Value<T>> {
    fn wholly_known(&self) -> bool {
        self.values().all(|v| !v.is_unknown())
    }
}
impl Known for Vec<Timeouts> {
    fn timeout_entries(&self) -> Vec<(&'static str, &Value<String>)> {
        self.first().map(|t| t.entries()).unwrap_or_default()
    }
}
impl Known for Vec<TimeoutsCud> {
    fn timeout_entries(&self) -> Vec<(&'static str, &Value<String>)> {
        self.first().map(|t| t.entries()).unwrap_or_default()
    }
}

/// One attribute's value seen without its type: what the adapter needs to plan it.
pub trait Slot: Send + Sync {
    fn is_null(&self) -> bool;
    fn is_unknown(&self) -> bool;
    /// A value, and every element of it known.
    fn is_known(&self) -> bool;
    fn same_as(&self, other: &dyn Slot) -> bool;
    fn set_unknown(&mut self);
    fn set_null(&mut self);
    fn set_empty_list(&mut self);
    fn copy_from(&mut self, other: &dyn Slot);
    fn timeout_entries(&self) -> Vec<(&'static str, &Value<String>)>;
    fn as_any(&self) -> &dyn Any;
    /// The value as JSON: equal values give equal strings (which checks ran on which values).
    fn fingerprint(&self) -> String;
}

impl<T> Slot for Value<T>
where
    T: Known + PartialEq + Clone + Send + Sync + Default + serde::Serialize + 'static,
{
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
    fn is_unknown(&self) -> bool {
        Value::is_unknown(self)
    }
    fn is_known(&self) -> bool {
        matches!(self, Value::Value(v) if v.wholly_known())
    }
    fn same_as(&self, other: &dyn Slot) -> bool {
        other.as_any().downcast_ref::<Self>() == Some(self)
    }
    fn set_unknown(&mut self) {
        *self = Value::Unknown;
    }
    fn set_null(&mut self) {
        *self = Value::Null;
    }
    fn set_empty_list(&mut self) {
        *self = Value::Value(T::default());
    }
    fn copy_from(&mut self, other: &dyn Slot) {
        if let Some(v) = other.as_any().downcast_ref::<Self>() {
            *self = v.clone();
        }
    }
    fn timeout_entries(&self) -> Vec<(&'static str, &Value<String>)> {
        match self {
            Value::Value(v) => v.timeout_entries(),
            _ => Vec::new(),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn fingerprint(&self) -> String {
        match self {
            Value::Unknown => "?".into(),
            other => serde_json::to_string(other).unwrap_or_default(),
        }
    }
}

/// Reads one field of a state struct.
pub type Getter<S> = fn(&S) -> &dyn Slot;
/// Writes one field of a state struct.
pub type Setter<S> = fn(&mut S) -> &mut dyn Slot;

/// `field!(vpc_id)`: the getter and setter of a state field, for a declaration or a finding.
#[macro_export]
macro_rules! field {
    ($f:ident) => {
        (
            |s: &_| &s.$f as &dyn $crate::framework::attr::Slot,
            |s: &mut _| &mut s.$f as &mut dyn $crate::framework::attr::Slot,
        )
    };
}

/// `at!(vpc_id)`: the getter alone, to put a finding on that attribute.
#[macro_export]
macro_rules! at {
    ($f:ident) => {
        Some((|s: &_| &s.$f as &dyn $crate::framework::attr::Slot) as _)
    };
}

/// How a change of the attribute plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Updated in place.
    InPlace,
    /// A new value replaces the object.
    Replace,
    /// Set by the provider: unknown on create and on replace, otherwise the prior value
    /// (the resource's `plan` may compute it).
    Computed,
}

/// When a computed attribute's prior value no longer holds after an in-place update.
pub enum Recompute<S> {
    /// It holds (or the resource's `plan` computes it).
    Never,
    /// Unknown until applied when any of these attributes changes.
    When(Vec<Getter<S>>),
    /// Unknown until applied whenever the object is updated in place (a status read back).
    OnUpdate,
}

/// A validator of one text: the attribute's value, or each element of a list or set of texts.
/// `Err` is the sentence for the user.
pub type TextRule = fn(&str) -> Result<(), String>;

/// The known texts of a slot: its value, or its known elements (a list or set of strings).
pub fn texts(slot: &dyn Slot) -> Vec<&str> {
    let any = slot.as_any();
    if let Some(Value::Value(v)) = any.downcast_ref::<Value<String>>() {
        return vec![v.as_str()];
    }
    if let Some(Value::Value(items)) = any.downcast_ref::<Value<Vec<Value<String>>>>() {
        return items.iter().filter_map(known).collect();
    }
    if let Some(Value::Value(items)) = any.downcast_ref::<Value<BTreeSet<Value<String>>>>() {
        return items.iter().filter_map(known).collect();
    }
    Vec::new()
}

/// A rule over the whole state, run when the attribute is known; returns one message per problem.
pub type Rule<S> = fn(&S) -> Vec<String>;

/// One attribute (or the `timeouts` block) of a resource.
pub struct AttrDecl<S> {
    pub name: &'static str,
    pub get: Getter<S>,
    pub set: Setter<S>,
    pub kind: Kind,
    pub change: Change,
    pub default: Option<fn(&mut S)>,
    pub rules: Vec<Rule<S>>,
    pub valid: Vec<TextRule>,
    pub recompute: Recompute<S>,
}

/// What terraform sees.
pub enum Kind {
    Attribute(Attr),
    /// The `timeouts` block with its operations and their defaults.
    Timeouts(&'static [(&'static str, &'static str)]),
}

impl<S> AttrDecl<S> {
    /// An attribute. Its change behaviour follows from the schema (computed-only: `Computed`;
    /// otherwise in place) until said otherwise.
    pub fn new(name: &'static str, (get, set): (Getter<S>, Setter<S>), attr: Attr) -> Self {
        let change = if attr.is_computed_only() {
            Change::Computed
        } else {
            Change::InPlace
        };
        Self::declared(name, (get, set), Kind::Attribute(attr), change)
    }

    /// The `timeouts` block: `(operation, default)` pairs. Its values are checked here.
    pub fn timeouts(
        (get, set): (Getter<S>, Setter<S>),
        ops: &'static [(&'static str, &'static str)],
    ) -> Self {
        Self::declared("timeouts", (get, set), Kind::Timeouts(ops), Change::InPlace)
    }

    /// A declaration with no default, rule or validator yet (the builders below add them).
    fn declared(
        name: &'static str,
        (get, set): (Getter<S>, Setter<S>),
        kind: Kind,
        change: Change,
    ) -> Self {
        Self {
            name,
            get,
            set,
            kind,
            change,
            default: None,
            rules: Vec::new(),
            valid: Vec::new(),
            recompute: Recompute::Never,
        }
    }

    pub fn replace(mut self) -> Self {
        self.change = Change::Replace;
        self
    }

    /// For an Optional+Computed attribute: set by the provider when the configuration leaves it
    /// out.
    pub fn computed_when_unset(mut self) -> Self {
        self.change = Change::Computed;
        self
    }

    /// The value used when the configuration leaves the attribute out (planned, and stored).
    pub fn default(mut self, set: fn(&mut S)) -> Self {
        self.default = Some(set);
        self
    }

    /// A computed value that an in-place change of any of `inputs` makes unknown until applied.
    pub fn unknown_when_changed(mut self, inputs: Vec<Getter<S>>) -> Self {
        self.recompute = Recompute::When(inputs);
        self
    }

    /// A computed value that any in-place update makes unknown until applied.
    pub fn unknown_on_update(mut self) -> Self {
        self.recompute = Recompute::OnUpdate;
        self
    }

    /// A validator of the attribute's text (of each element, for a list or set of texts).
    pub fn valid(mut self, rule: TextRule) -> Self {
        self.valid.push(rule);
        self
    }

    pub fn rule(mut self, rule: Rule<S>) -> Self {
        self.rules.push(rule);
        self
    }

    /// Set by the provider only (not settable in the configuration).
    pub fn is_computed_only(&self) -> bool {
        matches!(&self.kind, Kind::Attribute(a) if a.is_computed_only())
    }

    /// Whether `get` reads this attribute (compared by the field's address).
    pub fn is(&self, state: &S, get: Getter<S>) -> bool {
        std::ptr::addr_eq((self.get)(state), get(state))
    }

    pub fn block(&self) -> Option<NestedBlock> {
        match &self.kind {
            Kind::Timeouts(ops) => Some(timeouts::block(ops)),
            Kind::Attribute(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tf_provider::value::Value;

    use super::super::problem::{attribute_rules, At, Findings};
    use super::*;
    use crate::client::ids::SecurityGroupId;

    #[derive(Default)]
    struct S {
        groups: Value<BTreeSet<Value<String>>>,
        name: Value<String>,
    }

    fn decls() -> Vec<AttrDecl<S>> {
        vec![
            AttrDecl::<S>::new(
                "groups",
                crate::field!(groups),
                super::super::schema::Attr::string_set("g"),
            )
            .valid(SecurityGroupId::check),
            AttrDecl::<S>::new(
                "name",
                crate::field!(name),
                super::super::schema::Attr::string("n"),
            )
            .valid(|n| {
                if n.len() > 3 {
                    Err(format!("`{n}` is too long"))
                } else {
                    Ok(())
                }
            }),
        ]
    }

    #[test]
    fn text_validators_run_on_each_known_element_and_land_on_their_attribute() {
        let s = S {
            groups: Value::Value(BTreeSet::from([
                Value::Value("sg-1".to_string()),
                Value::Value("vpc-2".to_string()),
                Value::Value("oops".to_string()),
                Value::Unknown,
            ])),
            name: Value::Value("abcd".into()),
        };
        let mut out = Findings::default();
        attribute_rules(&decls(), &s, &mut out);
        let messages: Vec<&str> = out.errors.iter().map(|p| p.detail.as_str()).collect();
        assert_eq!(out.errors.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("`oops` is not a valid security group ID"),
            "{messages:?}"
        );
        assert!(messages[1].contains("`vpc-2`"), "{messages:?}");
        assert_eq!(messages[2], "`abcd` is too long");
        let d = decls();
        for p in &out.errors[..2] {
            assert!(matches!(p.at, At::Field(get) if d[0].is(&s, get)));
            assert_eq!(p.summary, "Invalid groups");
        }
        // Unknown and null values are not judged.
        let later = S {
            groups: Value::Unknown,
            name: Value::Null,
        };
        let mut out = Findings::default();
        attribute_rules(&decls(), &later, &mut out);
        assert!(out.errors.is_empty());
    }
}
