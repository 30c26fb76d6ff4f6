//! The attachment's state: its fields, and the macro that declares one service's state struct.

use std::collections::BTreeSet;
use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::value::Value;

use crate::framework::attr::{AttrDecl, Getter, Setter};

/// The fields of an attachment's state, for declarations and findings.
#[derive(Debug, Clone, Copy)]
pub enum F {
    Id,
    Target,
    GroupName,
    Cidrs,
    AllowPublic,
    Timeouts,
}

/// The attributes every whitelist attachment has; the target ID's name differs per service.
pub trait WhitelistState:
    Serialize + DeserializeOwned + Clone + Default + Debug + Send + Sync + 'static
{
    /// `instance_id` / `cluster_id`: the one place the target attribute is named.
    const TARGET_ATTR: &'static str;
    /// The attributes, declared with the struct.
    fn attributes() -> Vec<AttrDecl<Self>>;
    fn field(f: F) -> (Getter<Self>, Setter<Self>);
    fn target(&self) -> &Value<String>;
    fn target_mut(&mut self) -> &mut Value<String>;
    fn id_mut(&mut self) -> &mut Value<String>;
    fn group_name(&self) -> &Value<String>;
    fn group_name_mut(&mut self) -> &mut Value<String>;
    fn cidrs(&self) -> &Value<BTreeSet<Value<String>>>;
    fn cidrs_mut(&mut self) -> &mut Value<BTreeSet<Value<String>>>;
    fn allow_public(&self) -> bool;
    fn allow_public_mut(&mut self) -> &mut Value<bool>;
}

/// Declares the state struct of one attachment and its attributes, with its target attribute's
/// name and the service (`Target`) it is for.
macro_rules! whitelist_state {
    ($name:ident, $target:ident, $service:ty) => {
        $crate::state! {
            /// The attachment's state, attribute for attribute.
            pub struct $name {
                id: tf_provider::value::Value<String> = $crate::framework::schema::Attr::string(
                    concat!("`<", stringify!($target), ">:<group_name>`."),
                )
                .computed(),
                $target: tf_provider::value::Value<String> =
                    $crate::framework::schema::Attr::string(&format!(
                        concat!(
                            "The {} to open to MaxCompute (e.g. `{}`). ",
                            "Changing it replaces the attachment.",
                        ),
                        <$service as $crate::resources::whitelist_attachment::Target>::TARGET_KIND,
                        <$service as $crate::resources::whitelist_attachment::Target>::EXAMPLE_ID,
                    ))
                    .required()
                    => .replace()
                       .valid($crate::resources::whitelist_attachment::WhitelistAttachment::<
                           $service,
                       >::target_id),
                group_name: tf_provider::value::Value<String> =
                    $crate::framework::schema::Attr::string(&format!(
                        concat!(
                            "The whitelist group this attachment owns (default `{}`): 2–32 ",
                            "characters, lower-case letters, digits and `_`, starting with a ",
                            "letter and ending with a letter or digit. `default` and the groups ",
                            "other cloud services own are refused. Changing it replaces the ",
                            "attachment.",
                        ),
                        $crate::resources::whitelist_attachment::DEFAULT_GROUP,
                    ))
                    .optional_computed()
                    => .replace()
                       .default(|s| {
                           s.group_name = tf_provider::value::Value::Value(
                               $crate::resources::whitelist_attachment::DEFAULT_GROUP.into(),
                           )
                       })
                       .rule($crate::resources::whitelist_attachment::WhitelistAttachment::<
                           $service,
                       >::group_name_rule),
                cidrs: tf_provider::value::Value<
                    std::collections::BTreeSet<tf_provider::value::Value<String>>,
                > = $crate::framework::schema::Attr::string_set(
                    concat!(
                        "The entries of the group: private IPs or CIDR blocks — the network ",
                        "link's `vswitch_cidr`, never its ENI IPs. At most 1,000 across all ",
                        "groups of the target. Updated in place.",
                    ),
                )
                .required()
                    => .rule($crate::resources::whitelist_attachment::WhitelistAttachment::<
                           $service,
                       >::cidrs_rule),
                allow_public: tf_provider::value::Value<bool> =
                    $crate::framework::schema::Attr::bool(
                        "Allow public (non-RFC 1918) entries such as `0.0.0.0/0`. Default `false`.",
                    )
                    .optional_computed()
                    => .default(|s| s.allow_public = tf_provider::value::Value::Value(false)),
                timeouts: tf_provider::value::Value<Vec<$crate::framework::timeouts::TimeoutsCud>> =
                    $crate::framework::declare::TimeoutsBlock(&[
                        ("create", "10m"),
                        ("update", "10m"),
                        ("delete", "10m"),
                    ]),
            }
        }

        impl $crate::resources::whitelist_attachment::WhitelistState for $name {
            const TARGET_ATTR: &'static str = stringify!($target);
            fn attributes() -> Vec<$crate::framework::attr::AttrDecl<Self>> {
                $name::attributes()
            }
            fn field(
                f: $crate::resources::whitelist_attachment::F,
            ) -> (
                $crate::framework::attr::Getter<Self>,
                $crate::framework::attr::Setter<Self>,
            ) {
                use $crate::resources::whitelist_attachment::F;
                match f {
                    F::Id => $crate::field!(id),
                    F::Target => $crate::field!($target),
                    F::GroupName => $crate::field!(group_name),
                    F::Cidrs => $crate::field!(cidrs),
                    F::AllowPublic => $crate::field!(allow_public),
                    F::Timeouts => $crate::field!(timeouts),
                }
            }
            fn target(&self) -> &tf_provider::value::Value<String> {
                &self.$target
            }
            fn target_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.$target
            }
            fn id_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.id
            }
            fn group_name(&self) -> &tf_provider::value::Value<String> {
                &self.group_name
            }
            fn group_name_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.group_name
            }
            fn cidrs(
                &self,
            ) -> &tf_provider::value::Value<
                std::collections::BTreeSet<tf_provider::value::Value<String>>,
            > {
                &self.cidrs
            }
            fn cidrs_mut(
                &mut self,
            ) -> &mut tf_provider::value::Value<
                std::collections::BTreeSet<tf_provider::value::Value<String>>,
            > {
                &mut self.cidrs
            }
            fn allow_public(&self) -> bool {
                matches!(self.allow_public, tf_provider::value::Value::Value(true))
            }
            fn allow_public_mut(&mut self) -> &mut tf_provider::value::Value<bool> {
                &mut self.allow_public
            }
        }
    };
}
pub(crate) use whitelist_state;
