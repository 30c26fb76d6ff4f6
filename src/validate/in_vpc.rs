//! "The object exists, in this VPC": one rule for every resource that names a vSwitch or a
//! security group beside a VPC (the network link, the PrivateLink endpoint, …).

use super::finding::{Finding, Subject};

/// The kinds of object the rule is about, with the words the user knows them by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vpc,
    VSwitch,
    SecurityGroup,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Vpc => "VPC",
            Kind::VSwitch => "vSwitch",
            Kind::SecurityGroup => "Security group",
        }
    }

    /// The noun inside a sentence.
    fn word(self) -> &'static str {
        match self {
            Kind::SecurityGroup => "security group",
            other => other.noun(),
        }
    }

    fn subject(self) -> Subject {
        match self {
            Kind::Vpc => Subject::Vpc,
            Kind::VSwitch => Subject::VSwitch,
            Kind::SecurityGroup => Subject::SecurityGroup,
        }
    }
}

/// The object named is not there.
pub fn not_found(kind: Kind, id: &str, region: &str) -> Finding {
    let noun = kind.noun();
    Finding::error(
        kind.subject(),
        format!("{noun} not found"),
        format!(
            "{noun} `{id}` does not exist in region {region}. Check the ID and the provider's \
             region."
        ),
    )
}

/// The object is there, in `actual` rather than `vpc`: an error naming both.
pub fn in_vpc(kind: Kind, id: &str, actual: &str, vpc: &str) -> Option<Finding> {
    (actual != vpc).then(|| {
        Finding::error(
            kind.subject(),
            format!("{} {id} is in another VPC", kind.noun()),
            format!(
                "It belongs to {actual}, so it is not in {vpc} (`vpc_id`). Use a {} of {vpc}.",
                kind.word()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_vpc_names_both_and_the_fix() {
        let f = in_vpc(Kind::VSwitch, "vsw-1", "vpc-2", "vpc-1").unwrap();
        assert_eq!(f.about, Subject::VSwitch);
        assert!(f.summary.contains("vsw-1 is in another VPC"), "{f:?}");
        assert!(
            f.detail.contains("vpc-2") && f.detail.contains("is not in vpc-1"),
            "{f:?}"
        );
        assert!(f.detail.contains("Use a vSwitch of vpc-1"), "{f:?}");
        assert_eq!(in_vpc(Kind::SecurityGroup, "sg-1", "vpc-1", "vpc-1"), None);
    }

    #[test]
    fn missing_names_the_region() {
        let f = not_found(Kind::SecurityGroup, "sg-9", "cn-hangzhou");
        assert_eq!(f.about, Subject::SecurityGroup);
        assert_eq!(f.summary, "Security group not found");
        assert!(f
            .detail
            .contains("`sg-9` does not exist in region cn-hangzhou"));
    }
}
