//! Cloud object IDs as types: parsed once, at the boundary, with a message that says what is wrong.

use std::fmt;

/// Why a string is not a valid ID of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind} ID: {reason} (expected something like `{example}`)")]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub reason: &'static str,
    pub example: &'static str,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $prefix:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn parse(value: &str) -> Result<Self, IdError> {
                parse_id(value, $kind, $prefix, $example).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The attribute validator: `Err` says what is wrong with `value`.
            pub fn check(value: &str) -> Result<(), String> {
                Self::parse(value).map(|_| ()).map_err(|e| e.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// `vpc-…`
    VpcId, "VPC", "vpc-", "vpc-bp1example0000000000"
);
id_type!(
    /// `vsw-…`
    VSwitchId, "vSwitch", "vsw-", "vsw-bp1example0000000000"
);
id_type!(
    /// `sg-…`
    SecurityGroupId, "security group", "sg-", "sg-bp1example0000000000"
);

fn parse_id(
    value: &str,
    kind: &'static str,
    prefix: &'static str,
    example: &'static str,
) -> Result<String, IdError> {
    let err = |reason| IdError {
        kind,
        value: value.to_string(),
        reason,
        example,
    };
    let rest = value.strip_prefix(prefix).ok_or_else(|| {
        err(match prefix {
            "vpc-" => "it must start with `vpc-`",
            "vsw-" => "it must start with `vsw-`",
            _ => "it must start with `sg-`",
        })
    })?;
    if rest.is_empty() {
        return Err(err("nothing follows the prefix"));
    }
    if rest.len() > 64 {
        return Err(err("it is longer than 64 characters"));
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(err(
            "only lower-case letters and digits may follow the prefix",
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert!(SecurityGroupId::parse("sg-bp1abc").is_ok());
        assert!(VpcId::parse("vpc-123").is_ok());
        for bad in [
            "",
            "sg-",
            "vpc-abc",
            "sg-ABC",
            "sg- a",
            "sg-测试",
            " sg-abc",
        ] {
            assert!(SecurityGroupId::parse(bad).is_err(), "{bad}");
        }
        let e = VSwitchId::parse("vpc-abc").unwrap_err();
        assert!(e.to_string().contains("must start with `vsw-`"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips(s in "\\PC*") {
            if let Ok(id) = SecurityGroupId::parse(&s) {
                proptest::prop_assert_eq!(id.as_str(), s.as_str());
            }
        }
    }
}
