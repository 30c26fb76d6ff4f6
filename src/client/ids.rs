//! Cloud object IDs as types: parsed once, at the boundary, with a message that says what is wrong.

use std::fmt;

/// Why a string is not a valid ID of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind} ID: {reason} (expected something like `{example}`)")]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub reason: String,
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

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(value: &str) -> Result<Self, IdError> {
                Self::parse(value)
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

id_type!(
    /// `ep-…`: a PrivateLink endpoint.
    EndpointId, "PrivateLink endpoint", "ep-", "ep-bp1example0000000000"
);
id_type!(
    /// `c-…`: an EMR cluster.
    EmrClusterId, "EMR cluster", "c-", "c-b933c5aac8fe4a3e"
);
id_type!(
    /// `pl-…`: an ECS prefix list.
    PrefixListId, "prefix list", "pl-", "pl-bp1example0000000000"
);
id_type!(
    /// `prl-…`: an ECS port range list.
    PortRangeListId, "port range list", "prl-", "prl-bp1example0000000000"
);

/// IDs whose prefix tells the engine or edition (`rm-`, `pgm-`, `pgc-` for RDS; `ld-`, `hb-` for
/// HBase): a lower-case prefix, `-`, then lower-case letters, digits and `-`.
macro_rules! shaped_id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, IdError> {
                match shaped(value) {
                    Ok(()) => Ok(Self(value.to_string())),
                    Err(reason) => Err(IdError {
                        kind: $kind,
                        value: value.to_string(),
                        reason: reason.to_string(),
                        example: $example,
                    }),
                }
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
    };
}

shaped_id_type!(
    /// An RDS instance (`rm-…`, `pgm-…`, …).
    RdsInstanceId, "RDS instance", "rm-bp1example0000000000"
);
shaped_id_type!(
    /// An HBase cluster (`ld-…`, `hb-…`).
    HbaseClusterId, "HBase cluster", "ld-bp1example0000000000"
);

/// The shape of an ID with an engine prefix.
fn shaped(id: &str) -> Result<(), &'static str> {
    let Some((prefix, rest)) = id.split_once('-') else {
        return Err("it has no `<kind>-` prefix");
    };
    if !(1..=8).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err("its prefix must be 1 to 8 lower-case letters");
    }
    if rest.is_empty() || rest.len() > 64 {
        return Err("1 to 64 characters must follow the prefix");
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("only lower-case letters, digits and `-` may follow the prefix");
    }
    Ok(())
}

fn parse_id(
    value: &str,
    kind: &'static str,
    prefix: &'static str,
    example: &'static str,
) -> Result<String, IdError> {
    let err = |reason: &str| IdError {
        kind,
        value: value.to_string(),
        reason: reason.to_string(),
        example,
    };
    let rest = value
        .strip_prefix(prefix)
        .ok_or_else(|| err(&format!("it must start with `{prefix}`")))?;
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
        let e = EndpointId::parse("sg-1").unwrap_err();
        assert!(e.to_string().contains("must start with `ep-`"), "{e}");
        for ok in ["rm-bp1abc", "pgm-bp1abc", "ld-bp1abc", "hb-bp-1"] {
            assert!(RdsInstanceId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "rm-",
            "RM-abc",
            "rm abc",
            "toolongprefix-abc",
            "rm-ABC",
            "noprefix",
        ] {
            assert!(HbaseClusterId::parse(bad).is_err(), "{bad}");
        }
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
