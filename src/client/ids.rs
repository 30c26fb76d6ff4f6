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

/// Why a string is not a valid name (or an ID with no documented shape) of some kind: the rule's
/// own sentence is the whole message, the words users see on the attribute today.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct NameError {
    pub kind: &'static str,
    pub value: String,
    pub reason: String,
}

/// An ID type: `$rule` judges a text (`Err`: why it is not one). IDs say what is wrong in an
/// [`IdError`]; names (`name "kind"`, no example) say it in their rule's own sentence, a
/// [`NameError`].
macro_rules! id_type {
    (@type $(#[$doc:meta])* $name:ident, $err:ty, $rule:expr, $make:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, $err> {
                let rule: fn(&str) -> Result<(), String> = $rule;
                let make: fn(&str, String) -> $err = $make;
                rule(value)
                    .map(|()| Self(value.to_string()))
                    .map_err(|reason| make(value, reason))
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
            type Err = $err;
            fn from_str(value: &str) -> Result<Self, $err> {
                Self::parse(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, name $kind:literal, $rule:expr) => {
        id_type!(@type $(#[$doc])* $name, NameError, $rule, |value, reason| NameError {
            kind: $kind,
            value: value.to_string(),
            reason,
        });
    };
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal, $rule:expr) => {
        id_type!(@type $(#[$doc])* $name, IdError, $rule, |value, reason| IdError {
            kind: $kind,
            value: value.to_string(),
            reason,
            example: $example,
        });
    };
}

/// IDs that are a prefix, then 1 to 64 lower-case letters and digits ([`prefixed`]), one row each:
/// the type, the kind messages name, the prefix, an example.
macro_rules! prefixed_ids {
    ($($(#[$doc:meta])* $name:ident: $kind:literal, $prefix:literal, $example:literal;)+) => {
        $(
            id_type!(
                #[doc = concat!("`", $prefix, "…`")]
                $(#[$doc])*
                $name,
                $kind,
                $example,
                |v| prefixed(v, $prefix)
            );
        )+
    };
}

prefixed_ids! {
    VpcId: "VPC", "vpc-", "vpc-bp1example0000000000";
    VSwitchId: "vSwitch", "vsw-", "vsw-bp1example0000000000";
    SecurityGroupId: "security group", "sg-", "sg-bp1example0000000000";
    /// A PrivateLink endpoint.
    EndpointId: "PrivateLink endpoint", "ep-", "ep-bp1example0000000000";
    /// An EMR cluster.
    EmrClusterId: "EMR cluster", "c-", "c-b933c5aac8fe4a3e";
    /// An ECS prefix list.
    PrefixListId: "prefix list", "pl-", "pl-bp1example0000000000";
    /// An ECS port range list.
    PortRangeListId: "port range list", "prl-", "prl-bp1example0000000000";
}

id_type!(
    /// An RDS instance (`rm-…`, `pgm-…`, …).
    RdsInstanceId,
    "RDS instance",
    "rm-bp1example0000000000",
    shaped
);
id_type!(
    /// An HBase cluster (`ld-…`, `hb-…`).
    HbaseClusterId,
    "HBase cluster",
    "ld-bp1example0000000000",
    shaped
);

id_type!(
    /// `cn-hangzhou-h`, `ap-southeast-1a`: a zone, as the supported-zone table spells zone IDs
    /// (`validate::zones`). No API reference at hand documents a zone ID's shape
    /// (cloud-api.md, cloud-api-2.md only name the `ZoneId` fields).
    ZoneId,
    "zone",
    "cn-hangzhou-h",
    zone_shaped
);

id_type!(
    /// A MaxCompute network link's name (this provider's provisional contract, see
    /// `client::maxcompute`): the rule `validate::network_link::link_name`, whose text the
    /// attribute has always shown.
    LinkName,
    name "network link",
    |v| sentence(crate::validate::network_link::link_name(v))
);
id_type!(
    /// A MaxCompute project's name: the console's rule (`project_name` in
    /// `validate::project_whitelist`). The API reference documents none (cloud-api.md §6.1:
    /// `projectName`, in the path).
    ProjectName,
    name "MaxCompute project",
    |v| sentence(crate::validate::project_whitelist::project_name(v))
);
id_type!(
    /// A PrivateLink endpoint's name: the CreateVpcEndpoint docs' rule,
    /// `validate::privatelink::endpoint_name` (cloud-api-2.md §5 lists `EndpointName` only).
    EndpointName,
    name "PrivateLink endpoint",
    crate::validate::privatelink::endpoint_name
);
id_type!(
    /// A DataWorks resource group's ID (`Serverless_res_group_…` in the GetResourceGroup model's
    /// example). Neither the API (cloud-api-2.md §6) nor the SDK model documents a shape, so the
    /// rule is the weakest honest one: [`resource_group_id`].
    ResourceGroupId,
    name "DataWorks resource group",
    resource_group_id
);

/// A rule's clause as the sentence the attribute shows (with its full stop).
fn sentence(rule: Result<(), String>) -> Result<(), String> {
    rule.map_err(|e| format!("{e}."))
}

/// A zone ID: a region ID (`validate::name::region_id`), then the zone's letter — after a `-`, or
/// straight after a region ID ending in a digit (`validate::zones::zone_id` builds them so).
fn zone_shaped(id: &str) -> Result<(), String> {
    let Some(region) = id.strip_suffix(|c: char| c.is_ascii_lowercase()) else {
        return Err("it must end in the zone's letter (a-z)".into());
    };
    let region = match region.strip_suffix('-') {
        Some(r) => r,
        None if region.ends_with(|c: char| c.is_ascii_digit()) => region,
        None => return Err("a `-` must come before the zone's letter".into()),
    };
    crate::validate::name::region_id(region)
        .map_err(|_| format!("`{region}` before the zone's letter is not a region ID"))
}

/// 1 to 128 characters (the bound the data source has always had) of ASCII letters, digits, `_`
/// and `-`: the API documents no shape for the ID; every ID it shows (`Serverless_res_group_…`,
/// `S_res_group_…`, `rg-…`) is of those, and anything else (a path, a query, a space) is no ID.
pub fn resource_group_id(id: &str) -> Result<(), String> {
    let why = if id.is_empty() || id.len() > 128 {
        "it must be 1 to 128 characters long"
    } else if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
    {
        return Err(format!(
            "Not a DataWorks resource group ID: `{}` is not a letter, digit, `_` or `-`.",
            c.escape_default()
        ));
    } else {
        return Ok(());
    };
    Err(format!("Not a DataWorks resource group ID: {why}."))
}

/// IDs whose prefix tells the engine or edition (`rm-`, `pgm-`, `pgc-` for RDS; `ld-`, `hb-` for
/// HBase): a lower-case prefix, `-`, then lower-case letters, digits and `-`; or the older shape
/// without one (`rdsaiiabnaiiabn`, the RDS API reference's own example): lower-case letters and
/// digits, starting with a letter.
fn shaped(id: &str) -> Result<(), String> {
    let Some((prefix, rest)) = id.split_once('-') else {
        let legacy = (1..=64).contains(&id.len())
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        return match legacy {
            true => Ok(()),
            false => Err("it is neither `<kind>-…` nor lower-case letters and digits".into()),
        };
    };
    if !(1..=8).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err("its prefix must be 1 to 8 lower-case letters".into());
    }
    if rest.is_empty() || rest.len() > 64 {
        return Err("1 to 64 characters must follow the prefix".into());
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("only lower-case letters, digits and `-` may follow the prefix".into());
    }
    Ok(())
}

/// `prefix`, then 1 to 64 lower-case letters and digits.
fn prefixed(value: &str, prefix: &str) -> Result<(), String> {
    let Some(rest) = value.strip_prefix(prefix) else {
        return Err(format!("it must start with `{prefix}`"));
    };
    if rest.is_empty() {
        return Err("nothing follows the prefix".into());
    }
    if rest.len() > 64 {
        return Err("it is longer than 64 characters".into());
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err("only lower-case letters and digits may follow the prefix".into());
    }
    Ok(())
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
        assert!(
            RdsInstanceId::parse("rdsaiiabnaiiabn").is_ok(),
            "the API reference's example"
        );
        for bad in [
            "",
            "rm-",
            "RM-abc",
            "rm abc",
            "toolongprefix-abc",
            "rm-ABC",
            "No_Prefix",
            "1abc",
        ] {
            assert!(HbaseClusterId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prefixed_ids_name_their_kind_prefix_and_example() {
        let said = [
            VpcId::check("x"),
            VSwitchId::check("x"),
            SecurityGroupId::check("x"),
            EndpointId::check("x"),
            EmrClusterId::check("x"),
            PrefixListId::check("x"),
            PortRangeListId::check("x"),
        ];
        let expected = [
            ("VPC", "vpc-", "vpc-bp1example0000000000"),
            ("vSwitch", "vsw-", "vsw-bp1example0000000000"),
            ("security group", "sg-", "sg-bp1example0000000000"),
            ("PrivateLink endpoint", "ep-", "ep-bp1example0000000000"),
            ("EMR cluster", "c-", "c-b933c5aac8fe4a3e"),
            ("prefix list", "pl-", "pl-bp1example0000000000"),
            ("port range list", "prl-", "prl-bp1example0000000000"),
        ];
        for (said, (kind, prefix, example)) in said.into_iter().zip(expected) {
            assert_eq!(
                said,
                Err(format!(
                    "`x` is not a valid {kind} ID: it must start with `{prefix}` (expected \
                     something like `{example}`)"
                ))
            );
        }
    }

    #[test]
    fn zone_ids() {
        for ok in ["cn-hangzhou-h", "ap-southeast-1a", "cn-shanghai-finance-1f"] {
            assert_eq!(ZoneId::parse(ok).map(|z| z.to_string()), Ok(ok.to_string()));
        }
        for (bad, why) in [
            ("", "must end in the zone's letter"),
            ("cn-hangzhou-", "must end in the zone's letter"),
            ("cn-hangzhou-H", "must end in the zone's letter"),
            ("cn-hangzhouh", "a `-` must come before"),
            ("Hangzhou-h", "is not a region ID"),
            ("hangzhou-h", "is not a region ID"),
            ("cn-hangzhou--h", "is not a region ID"),
        ] {
            let e = ZoneId::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(e.contains("is not a valid zone ID"), "{e}");
        }
    }

    #[test]
    fn link_names_say_what_the_attribute_said() {
        assert_eq!(
            LinkName::parse("lakehouse_link1").unwrap().as_str(),
            "lakehouse_link1"
        );
        for (bad, said) in [
            (
                "ab",
                "the name must be 3 to 64 characters long, `ab` has 2.",
            ),
            (
                "1link",
                "the name must start with a letter (a-z, A-Z), `1link` does not.",
            ),
            (
                "my-link",
                "the name may contain letters, digits and `_` only; `-` is not allowed.",
            ),
        ] {
            assert_eq!(LinkName::check(bad), Err(said.to_string()));
        }
        assert!(LinkName::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn project_names_say_what_the_attribute_said() {
        assert!(ProjectName::parse("lakehouse_prod").is_ok());
        for bad in ["ab", "1abc", "has-dash", "has space", &"a".repeat(29)] {
            let e = ProjectName::parse(bad).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "`{bad}` is not a MaxCompute project name: 3 to 28 letters, digits and `_`, \
                     starting with a letter."
                )
            );
        }
    }

    #[test]
    fn endpoint_names_say_what_the_attribute_said() {
        assert!(EndpointName::parse("mc-endpoint_1").is_ok());
        assert!(EndpointName::parse("端点").is_ok());
        for bad in ["m", "1mc", "mc.endpoint", "", &"a".repeat(129)] {
            let e = EndpointName::parse(bad).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "`{bad}` is not a valid endpoint name: 2–128 characters, starting with a \
                     letter, then letters, digits, `-` and `_`."
                )
            );
        }
    }

    #[test]
    fn resource_group_ids_refuse_only_what_is_no_id() {
        for id in [
            "Serverless_res_group_524257424564736_6831777003XXXXX",
            "S_res_group_524257424564736_1718000000000",
            "rg-acfmzbn7pti3zfa",
        ] {
            assert_eq!(ResourceGroupId::parse(id).unwrap().as_str(), id);
        }
        for bad in [
            "",
            " ",
            "a b",
            "a\tb",
            "ab\n",
            "a\u{7}b",
            "../x?y=1",
            "x;y",
            "%2e%2e",
            "数据",
            &"a".repeat(129),
        ] {
            let e = ResourceGroupId::check(bad).unwrap_err();
            assert!(
                e.starts_with("Not a DataWorks resource group ID: "),
                "{bad:?}: {e}"
            );
        }
        assert!(ResourceGroupId::parse(&"a".repeat(128)).is_ok());
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
