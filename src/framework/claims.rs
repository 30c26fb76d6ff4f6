//! Which resource of this plan manages which object. Terraform runs one provider process for the
//! whole plan of a configuration (per provider block), so two resources of it claiming the same
//! object — an RDS whitelist group, an EMR cluster's rules from one source, a network link's
//! name — meet here. The second is refused at plan: each would overwrite or revoke what the
//! other writes, and "terraform import" is not the fix when both are the user's own.

use std::collections::HashSet;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Claims(Mutex<HashSet<String>>);

impl Claims {
    /// Claims `key` for one planned resource instance; `false` when another instance of this
    /// plan already holds it.
    pub fn claim(&self, key: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_claimed_once() {
        let c = Claims::default();
        assert!(c.claim("rds:rm-1:maxcompute"));
        assert!(c.claim("rds:rm-1:other"));
        assert!(!c.claim("rds:rm-1:maxcompute"));
    }
}
