//! What a cloud check says: findings about *what it looked at* (the VPC, the vSwitch, a security
//! group …), never about attributes. The resource core maps each subject onto the attribute
//! that names it (`framework::check`), so one check serves every resource that reads the same
//! objects, and a finding always lands on the attribute the user has to change.

use crate::client::{Client, Error};

use super::cloud::Facts;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The provider's region, the account, the service as a whole: the resource, not an attribute.
    Whole,
    Vpc,
    VSwitch,
    SecurityGroup,
    /// A fixed address asked for in one zone (with [`Finding::entry`]: which vSwitch's).
    FixedAddress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The plan cannot be applied as it stands.
    Error,
    /// It can, but the result will not work as the user expects (or not reliably).
    Warning,
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub about: Subject,
    /// Which entry of the subject's map the finding is about (a vSwitch's fixed address).
    pub entry: Option<String>,
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
}

impl Finding {
    pub fn error(about: Subject, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            about,
            entry: None,
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    pub fn warning(about: Subject, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(about, summary, detail)
        }
    }

    /// About the entry `key` of the subject's map.
    pub fn entry(mut self, key: impl Into<String>) -> Self {
        self.entry = Some(key.into());
        self
    }
}

/// A check's answer: its findings (none: all is well), or why it could not look.
pub type Checked = Result<Vec<Finding>, Error>;

/// What a check may use: the client, and the run's shared lookups (every read goes through them,
/// so checks of many resources on one object cost one request).
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub client: &'a Client,
    pub facts: &'a Facts,
}
