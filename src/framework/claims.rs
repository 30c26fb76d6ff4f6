//! Which resource of this plan manages which object. Terraform runs one provider process for the
//! whole plan of a configuration (per provider block), so two resources of it claiming the same
//! object — an RDS whitelist group, an EMR cluster's rules from one source, a network link's
//! name — meet here. The second is refused at plan: each would overwrite or revoke what the
//! other writes, and "terraform import" is not the fix when both are the user's own.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Claims {
    planned: Mutex<HashMap<String, String>>,
    created: Mutex<HashSet<String>>,
    adds: Mutex<HashMap<String, i64>>,
}

impl Claims {
    /// Claims `key` for a planned resource instance whose configuration is `config` (serialized);
    /// `false` when an instance with another configuration already holds it. Terraform plans one
    /// instance more than once in a run (a replacement: first against the prior object, then as a
    /// create), always with the same configuration; two resources claiming one object differ in
    /// theirs, or write the same content.
    pub fn claim(&self, key: &str, config: &str) -> bool {
        let mut claims = self.planned.lock().unwrap_or_else(|e| e.into_inner());
        match claims.get(key) {
            Some(held) => held == config,
            None => {
                claims.insert(key.to_string(), config.to_string());
                true
            }
        }
    }

    /// What the planned instance `key` adds to a limit it shares with others (rules to one security
    /// group), net of what it removes; the last word of an instance planned twice counts.
    pub fn adds(&self, key: &str, n: i64) {
        let mut adds = self.adds.lock().unwrap_or_else(|e| e.into_inner());
        adds.insert(key.to_string(), n);
    }

    /// What the planned instances under `prefix` other than `mine` add, together.
    pub fn added_by_others(&self, prefix: &str, mine: &str) -> i64 {
        let adds = self.adds.lock().unwrap_or_else(|e| e.into_inner());
        adds.iter()
            .filter(|(k, _)| k.starts_with(prefix) && k.as_str() != mine)
            .map(|(_, n)| n)
            .sum()
    }

    /// The keys starting with `prefix` that planned resource instances of this run hold.
    pub fn planned_under(&self, prefix: &str) -> Vec<String> {
        let claims = self.planned.lock().unwrap_or_else(|e| e.into_inner());
        claims
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Claims `key` for a create; `false` when another create of this process claimed it. Each
    /// instance is created once per apply, so a second create of one key is a second resource
    /// with the same configuration (which [`Claims::claim`] cannot tell from a re-plan).
    pub fn create(&self, key: &str) -> bool {
        let mut created = self.created.lock().unwrap_or_else(|e| e.into_inner());
        created.insert(key.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_claimed_once() {
        let c = Claims::default();
        assert!(c.claim("rds:rm-1:maxcompute", "a"));
        assert!(c.claim("rds:rm-1:other", "b"));
        assert!(
            c.claim("rds:rm-1:maxcompute", "a"),
            "the same instance, planned again"
        );
        assert!(!c.claim("rds:rm-1:maxcompute", "c"));
        assert!(c.create("rds:rm-1:maxcompute"));
        assert!(
            !c.create("rds:rm-1:maxcompute"),
            "a second block, identical"
        );
    }
}
