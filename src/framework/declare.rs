//! `state!`: a resource's or data source's state struct and its attribute declarations from one
//! list, so each attribute is stated once — its field, its Rust type, its terraform name, its
//! schema and how it plans and is checked.
//!
//! ```ignore
//! state! {
//!     /// The resource's state, attribute for attribute.
//!     pub struct State {
//!         id: Value<String> = Attr::string("The group ID (`sg-…`).").computed(),
//!         vpc_id: Value<String> = Attr::string("The VPC. Changing it replaces the group.")
//!             .required()
//!             => .replace().valid(VpcId::check),
//!         /// A field named otherwise than its attribute (`type` is a Rust keyword).
//!         group_type as "type": Value<String> = Attr::string("The group type.").computed()
//!             => .default(|s| s.group_type = Value::Value("normal".into())),
//!         timeouts: Value<Vec<TimeoutsCud>> = TimeoutsBlock(&[("create", "10m")]),
//!     }
//! }
//! ```
//!
//! emits `pub struct State` (deriving `Debug, Clone, Default, Serialize, Deserialize`, with
//! `#[serde(default)]`, every field `pub`, `#[serde(rename = "type")]` where the terraform name
//! differs, field doc comments and other attributes kept) and `State::attributes()`, the
//! `Vec<AttrDecl<State>>` in field order: `AttrDecl::new(name, field!(f), <attr>)` (or
//! `AttrDecl::timeouts` for a [`TimeoutsBlock`]) followed by the calls after `=>`.
//!
//! `state!(@list State { ... })` declares a second attribute list over an existing struct (a data
//! source that shares a resource's state): the same entries without the types.

use tf_provider::schema::AttributeType;
use tf_provider::value::Value;

use super::attr::{AttrDecl, Getter, Setter};
use super::schema::Attr;

/// What an entry of `state!` declares: an attribute, or the `timeouts` block.
pub trait Declare<S> {
    fn declare(self, name: &'static str, field: (Getter<S>, Setter<S>)) -> AttrDecl<S>;
}

impl<S> Declare<S> for Attr {
    fn declare(self, name: &'static str, field: (Getter<S>, Setter<S>)) -> AttrDecl<S> {
        AttrDecl::new(name, field, self)
    }
}

/// The `timeouts` block: `(operation, default)` pairs.
pub struct TimeoutsBlock(pub &'static [(&'static str, &'static str)]);

impl<S> Declare<S> for TimeoutsBlock {
    fn declare(self, name: &'static str, field: (Getter<S>, Setter<S>)) -> AttrDecl<S> {
        assert_eq!(
            name, "timeouts",
            "the timeouts block is the field `timeouts`"
        );
        AttrDecl::timeouts(field, self.0)
    }
}

/// The terraform type of a field of an [`object!`] (an element of a list of objects).
pub trait TfType {
    fn tf_type() -> AttributeType;
}

impl TfType for Value<String> {
    fn tf_type() -> AttributeType {
        AttributeType::String
    }
}

impl TfType for Value<i64> {
    fn tf_type() -> AttributeType {
        AttributeType::Number
    }
}

impl TfType for Value<bool> {
    fn tf_type() -> AttributeType {
        AttributeType::Bool
    }
}

impl<T> TfType for Value<Vec<T>>
where
    T: TfType,
{
    fn tf_type() -> AttributeType {
        AttributeType::List(Box::new(T::tf_type()))
    }
}

/// An element of a list of objects (`Attr::object_list(doc, &Element::fields())`): the struct
/// (deriving `Debug, Clone, Default, PartialEq, Serialize, Deserialize`; other attributes kept)
/// and `Element::fields()`, each field's terraform name and type, from one list of fields.
///
/// ```ignore
/// object! {
///     /// One verdict.
///     pub struct Verdict {
///         target: Value<String>,
///         port: Value<i64>,
///     }
/// }
/// ```
#[macro_export]
macro_rules! object {
    (
        $(#[$smeta:meta])*
        $svis:vis struct $name:ident {
            $($f:ident : $ty:ty),* $(,)?
        }
    ) => {
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        $(#[$smeta])*
        $svis struct $name {
            $(pub $f: $ty,)*
        }

        impl $name {
            /// Each field's terraform name and type, in the order of the fields.
            pub fn fields() -> Vec<(&'static str, tf_provider::schema::AttributeType)> {
                vec![$((
                    stringify!($f),
                    <$ty as $crate::framework::declare::TfType>::tf_type(),
                )),*]
            }
        }
    };
}

/// The state struct and its attribute list; see the module documentation.
#[macro_export]
macro_rules! state {
    (
        $(#[$smeta:meta])*
        $svis:vis struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $f:ident $(as $tf:literal)? : $ty:ty = $attr:expr
                    $(=> $(. $m:ident $args:tt)+)?
            ),* $(,)?
        }
    ) => {
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        $(#[$smeta])*
        $svis struct $name {
            $(
                $(#[$fmeta])*
                $(#[serde(rename = $tf)])?
                pub $f: $ty,
            )*
        }

        impl $name {
            /// The attributes, in the order of the fields.
            pub fn attributes() -> Vec<$crate::framework::attr::AttrDecl<$name>> {
                $crate::state!(@list $name {
                    $( $f $(as $tf)? = $attr $(=> $(. $m $args)+)? ),*
                })
            }
        }
    };
    (@list $name:ty {
        $(
            $f:ident $(as $tf:literal)? = $attr:expr $(=> $(. $m:ident $args:tt)+)?
        ),* $(,)?
    }) => {
        vec![$(
            $crate::framework::declare::Declare::<$name>::declare(
                $attr,
                $crate::state!(@name $f $($tf)?),
                $crate::field!($f),
            )
            $($(. $m $args)+)?
        ),*]
    };
    (@name $f:ident) => {
        stringify!($f)
    };
    (@name $f:ident $tf:literal) => {
        $tf
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tf_provider::value::Value;

    use super::TimeoutsBlock;
    use crate::framework::attr::{Change, Kind};
    use crate::framework::schema::Attr;
    use crate::framework::timeouts::TimeoutsCud;

    crate::state! {
        /// A state for the test.
        pub struct S {
            id: Value<String> = Attr::string("The ID.").computed(),
            /// A field whose attribute is named otherwise.
            kind as "type": Value<String> = Attr::string("The type.").required()
                => .replace().valid(|t| if t == "x" { Err("not x".into()) } else { Ok(()) }),
            cidrs: Value<BTreeSet<Value<String>>> = Attr::string_set("CIDRs.").optional_computed()
                => .computed_when_unset()
                   .default(|s| s.cidrs = Value::Value(BTreeSet::new())),
            timeouts: Value<Vec<TimeoutsCud>> = TimeoutsBlock(&[("create", "1m")]),
        }
    }

    #[test]
    fn one_entry_gives_the_field_the_name_the_schema_and_the_chained_calls() {
        let decls = S::attributes();
        let names: Vec<&str> = decls.iter().map(|d| d.name).collect();
        assert_eq!(names, ["id", "type", "cidrs", "timeouts"]);
        assert_eq!(decls[0].change, Change::Computed);
        assert_eq!(decls[1].change, Change::Replace);
        assert_eq!(decls[1].valid.len(), 1);
        assert!(matches!(&decls[1].kind, Kind::Attribute(a) if !a.is_computed_only()));
        assert_eq!(decls[2].change, Change::Computed);
        assert!(matches!(decls[3].kind, Kind::Timeouts(&[("create", "1m")])));
        let mut s = S::default();
        (decls[2].default.expect("a default"))(&mut s);
        assert_eq!(s.cidrs, Value::Value(BTreeSet::new()));
        assert!(decls[1].is(&s, |s| &s.kind));
    }

    crate::object! {
        /// An element for the test.
        pub struct Element {
            name: Value<String>,
            port: Value<i64>,
            open: Value<bool>,
            tags: Value<Vec<Value<String>>>,
        }
    }

    #[test]
    fn an_object_declares_its_fields_and_their_terraform_types_once() {
        use tf_provider::schema::AttributeType as T;
        let fields = Element::fields();
        assert_eq!(
            fields,
            [
                ("name", T::String),
                ("port", T::Number),
                ("open", T::Bool),
                ("tags", T::List(Box::new(T::String))),
            ]
        );
        let e: Element = serde_json::from_str(r#"{"name":"a","port":1,"open":true,"tags":[]}"#)
            .expect("decodes");
        assert_eq!(e.port, Value::Value(1));
    }

    #[test]
    fn the_struct_reads_and_writes_terraform_names_with_missing_fields_null() {
        let s: S = serde_json::from_str(r#"{"id":"a","type":"t"}"#).expect("decodes");
        assert_eq!(s.kind, Value::Value("t".to_string()));
        assert!(s.cidrs.is_null());
        let json = serde_json::to_value(&s).expect("encodes");
        assert_eq!(json["type"], "t");
        assert!(json.get("kind").is_none());
    }
}
