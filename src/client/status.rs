//! Statuses as types: each a closed list of the values its API documents, plus `Other` for one
//! it does not (kept as said, so messages show it). Callers match on variants, never on strings.

/// `status! { /// doc  pub enum Name { Variant, Other = "OTHER", … } }`: the enum, `as_str`,
/// `Display`, `From<&str>`, and `Deserialize` from the wire string (an empty or missing one is
/// `Other("")`).
/// A variant's wire string is its name unless `= "…"` gives another, so each value is said once.
#[macro_export]
macro_rules! status {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident $(= $wire:literal)?,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the API documents not (or no value).
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $crate::status!(@wire $variant $($wire)?),)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($crate::status!(@wire $variant $($wire)?) => Self::$variant,)+
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::Other(String::new())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(s.as_str()))
            }
        }
    };
    (@wire $variant:ident $wire:literal) => {
        $wire
    };
    (@wire $variant:ident) => {
        stringify!($variant)
    };
}

#[cfg(test)]
mod tests {
    crate::status! {
        /// A test status.
        pub enum Light { Green = "GREEN", Red = "RED", Amber, }
    }

    #[test]
    fn wire_values_round_trip_and_unknown_ones_are_kept() {
        assert_eq!(Light::from("GREEN"), Light::Green);
        assert_eq!(Light::Red.as_str(), "RED");
        assert_eq!(
            Light::from("Amber"),
            Light::Amber,
            "a variant without `= …` is its name"
        );
        assert_eq!(Light::Amber.to_string(), "Amber");
        let other: Light = serde_json::from_str("\"BLUE\"").unwrap();
        assert_eq!(other, Light::Other("BLUE".into()));
        assert_eq!(other.to_string(), "BLUE");
        assert_eq!(Light::default().as_str(), "");
    }
}
