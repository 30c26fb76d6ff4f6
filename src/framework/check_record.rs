//! Which cloud checks passed in this terraform run's plan, so its apply need not repeat them.
//!
//! `terraform apply` plans every resource twice: once to show the plan, then again — in a new
//! provider process, with no trace of the first — right before applying it. A check that passed
//! in the first plan on the same values would cost its round trips again for nothing. Each pass
//! leaves an empty file under the working directory's data directory, named by the terraform
//! process (the run, shared by every provider process it starts) and a hash of the resource
//! type, the check and its inputs. Another run (`terraform plan -out` now, `terraform apply` of
//! that plan later) has another process: its checks run again against the cloud as it is then.
//!
//! The run is the terraform process: its PID with its start time and the machine's boot
//! (`journal::this_run`), so a fresh container's terraform, PID 1 again, is another run.
//!
//! Best effort: a record that cannot be written or read means the check runs again.

use std::path::PathBuf;

use crate::client::fnv1a;

/// A pass older than this is not trusted, even by its own run: the cloud may have changed since
/// (an apply waiting an hour for its approval is checked again). Older records, of any run, are
/// removed when a run first writes one.
pub const FRESH: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct CheckRecord {
    dir: Option<PathBuf>,
    run: String,
    swept: std::sync::Arc<std::sync::Once>,
}

impl CheckRecord {
    /// The record in `dir` for the terraform run `run`; `None`: nothing is recorded.
    pub fn new(dir: Option<PathBuf>, run: &str) -> Self {
        Self {
            dir: dir.filter(|_| !run.is_empty()),
            run: run.to_string(),
            swept: std::sync::Arc::new(std::sync::Once::new()),
        }
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(format!("{}-{:016x}", self.run, fnv1a(key))))
    }

    /// Whether the check `key` passed earlier in this run.
    pub fn passed(&self, key: &str) -> bool {
        self.path(key)
            .and_then(|p| age(&p))
            .is_some_and(|age| age < FRESH)
    }

    /// The check `key` passed.
    pub fn note(&self, key: &str) {
        let (Some(dir), Some(path)) = (&self.dir, self.path(key)) else {
            return;
        };
        self.swept.call_once(|| sweep(dir));
        let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, b""));
        if let Err(e) = written {
            tracing::debug!("could not record a passed check ({e}); the apply checks again");
        }
    }
}

/// How long ago a record was written.
fn age(path: &std::path::Path) -> Option<std::time::Duration> {
    std::fs::metadata(path)
        .ok()?
        .modified()
        .ok()?
        .elapsed()
        .ok()
}

/// Removes the records no run trusts any more.
fn sweep(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if age(&path).is_some_and(|age| age >= FRESH) {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_counts_in_its_own_run_only() {
        let dir = std::env::temp_dir().join(format!("check-record-{}", uuid::Uuid::new_v4()));
        let first = CheckRecord::new(Some(dir.clone()), "100");
        assert!(!first.passed("k"));
        first.note("k");
        assert!(first.passed("k"));
        assert!(!first.passed("other inputs"));
        assert!(
            CheckRecord::new(Some(dir.clone()), "100").passed("k"),
            "another process of the run"
        );
        assert!(
            !CheckRecord::new(Some(dir.clone()), "101").passed("k"),
            "another run"
        );
        assert!(!CheckRecord::new(None, "100").passed("k"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_pass_older_than_an_hour_is_not_trusted_even_by_its_run() {
        let dir = std::env::temp_dir().join(format!("check-record-{}", uuid::Uuid::new_v4()));
        let record = CheckRecord::new(Some(dir.clone()), "100");
        record.note("k");
        let path = record.path("k").unwrap();
        let old = std::time::SystemTime::now() - FRESH - std::time::Duration::from_secs(60);
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(old).unwrap();
        assert!(!record.passed("k"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
