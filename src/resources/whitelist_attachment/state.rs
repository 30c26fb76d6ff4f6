//! The attachment's state: its fields, and the macro that declares one service's state struct.

use std::collections::BTreeSet;
use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::value::Value;

use crate::framework::attr::{Getter, Setter};

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

/// Declares the state struct of one attachment, with its target attribute's name.
macro_rules! whitelist_state {
    ($name:ident, $target:ident) => {
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            #[serde(default)]
            pub id: tf_provider::value::Value<String>,
            #[serde(default)]
            pub $target: tf_provider::value::Value<String>,
            #[serde(default)]
            pub group_name: tf_provider::value::Value<String>,
            #[serde(default)]
            pub cidrs: tf_provider::value::Value<
                std::collections::BTreeSet<tf_provider::value::Value<String>>,
            >,
            #[serde(default)]
            pub allow_public: tf_provider::value::Value<bool>,
            #[serde(default)]
            pub timeouts: tf_provider::value::Value<Vec<$crate::framework::timeouts::TimeoutsCud>>,
        }

        impl $crate::resources::whitelist_attachment::WhitelistState for $name {
            const TARGET_ATTR: &'static str = stringify!($target);
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
