//! The create journal: how the provider tells an object *this configuration* was making from
//! somebody else's object of the same name.
//!
//! Before a create sends anything, an entry naming the object (`network_link:mylink`,
//! `rds:rm-1:maxcompute` …) is written under the working directory's data directory
//! (`.terraform/`, or `TF_DATA_DIR`), per terraform workspace. A create that fails removes it.
//! A create that succeeds keeps it: handing the object to terraform is not the same as
//! terraform having recorded it (the process can be killed in between), so the entry goes only
//! when a later run sees the object in terraform's state (refresh, plan or delete of it). An
//! entry still there at the next create was left by a run whose object terraform never
//! recorded (killed, crashed, machine lost): only then may an existing object with the same
//! identity be adopted.
//! A second working directory, or another workspace, has no entry, so it gets "already exists
//! … import" and never takes over (or later deletes) an object another state owns.
//!
//! An entry is locked (an advisory file lock) by the process that writes it, for as long as that
//! process lives: a second provider process of the same working directory (a block under another
//! provider alias, planned and applied by its own process) sees the lock and never takes a live
//! create for an earlier run's. The lock goes with the process, however it ends.
//!
//! The journal is best effort: if it cannot be written, nothing is ever adopted.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The journal of one provider process (one working directory and workspace).
#[derive(Debug, Clone)]
pub struct Journal {
    dir: Option<PathBuf>,
    /// Where this run's passed plan checks are recorded (`check_record`); beside the entries.
    checks: Option<PathBuf>,
    /// The cloud the provider configuration speaks to (`Client::scope`), set when it is
    /// configured: two aliases to two clouds keep their entries apart, so objects of the same
    /// name in each are never taken for one another's.
    scope: Arc<std::sync::OnceLock<String>>,
    /// This terraform run: the process ID of the terraform process that started this provider.
    /// Every provider process of one run (one per provider configuration and walk) shares it;
    /// entries a run wrote are never an earlier run's to adopt.
    run: String,
    /// The working directory terraform runs in. An entry another working directory wrote (a
    /// copied data directory, a `TF_DATA_DIR` shared by two configurations) is never this
    /// configuration's to adopt.
    place: String,
    /// Keys this process has begun, with their entry files, locked while this process lives: two
    /// resources of one apply with the same identity must not take each other's entry for an
    /// earlier run's, nor may another process.
    in_flight: Arc<Mutex<HashMap<String, Option<File>>>>,
    /// Keys of objects this run saw in terraform's state (refresh, plan, destroy): a tainted object
    /// being replaced is this configuration's own, not somebody else's of the same name.
    held: Arc<Mutex<HashSet<String>>>,
}

impl Journal {
    /// The journal of the working directory terraform runs the provider in.
    pub fn from_environment() -> Self {
        let data_dir = std::env::var_os("TF_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(".terraform"));
        let workspace = std::env::var("TF_WORKSPACE")
            .ok()
            .filter(|w| !w.is_empty())
            .or_else(|| {
                std::fs::read_to_string(data_dir.join("environment"))
                    .ok()
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
            })
            .unwrap_or_else(|| "default".into());
        let data = std::env::current_dir().ok().map(|cwd| cwd.join(&data_dir));
        let dir = data
            .as_ref()
            .map(|d| d.join("maxcompute-creates").join(file_name(&workspace)));
        let place = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        Self {
            dir,
            checks: data.map(|d| d.join("maxcompute-checks").join(file_name(&workspace))),
            run: this_run(),
            place,
            in_flight: Default::default(),
            held: Default::default(),
            scope: Default::default(),
        }
    }

    /// A journal in `dir`, for the terraform run `run` (tests).
    pub fn at(dir: PathBuf, run: &str) -> Self {
        Self {
            checks: Some(dir.with_extension("checks")),
            dir: Some(dir),
            run: run.to_string(),
            place: String::new(),
            in_flight: Default::default(),
            held: Default::default(),
            scope: Default::default(),
        }
    }

    /// This journal as the working directory `place` keeps it (tests).
    pub fn in_place(mut self, place: &str) -> Self {
        self.place = place.to_string();
        self
    }

    /// A journal that records nothing and never allows adoption.
    pub fn disabled() -> Self {
        Self {
            dir: None,
            checks: None,
            run: String::new(),
            place: String::new(),
            in_flight: Default::default(),
            held: Default::default(),
            scope: Default::default(),
        }
    }

    /// The record of this run's passed plan checks, in the same working directory and workspace.
    /// Nothing is recorded where the run cannot be told from the next one (no /proc: only a
    /// PID, which a sandbox gives terraform again every time).
    pub fn check_record(&self) -> super::check_record::CheckRecord {
        // A distinct run is `<parent>-<start>-<boot>` (`this_run`); a PID alone has no `-`.
        let distinct = cfg!(unix) && self.run.contains('-');
        let run = if distinct { self.run.as_str() } else { "" };
        super::check_record::CheckRecord::new(self.checks.clone(), run)
    }

    /// The provider configuration's cloud (a second call keeps the first).
    pub fn scope_to(&self, scope: &str) {
        let _ = self.scope.set(scope.to_string());
    }

    /// The entries of this provider configuration's cloud.
    fn entries(&self) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(match self.scope.get() {
            Some(scope) => dir.join(scope),
            None => dir.clone(),
        })
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        self.entries().map(|d| d.join(file_name(key)))
    }

    /// Whether a create of `key` was begun and never finished, by an earlier terraform run.
    pub fn unfinished(&self, key: &str) -> bool {
        !self.is_mine(key) && self.entry(key) == Entry::Earlier
    }

    /// Who wrote the entry of `key`, if there is one.
    fn entry(&self, key: &str) -> Entry {
        let Some(mut file) = self.path(key).and_then(|p| File::open(p).ok()) else {
            return Entry::None;
        };
        match file.try_lock() {
            Ok(()) => {}
            // Locked: another provider process, alive, is creating it right now.
            Err(TryLockError::WouldBlock) => return Entry::ThisRun,
            Err(TryLockError::Error(e)) => {
                tracing::debug!("create journal: cannot tell whether {key} is in flight: {e}");
                return Entry::ThisRun;
            }
        }
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        // A provider process of this run that has exited already (terraform closes a provider
        // once its last resource is done) made it: not an earlier run's.
        let lines: Vec<&str> = text.split('\n').collect();
        // Written from another working directory: that configuration's, never ours.
        if lines
            .get(3)
            .is_some_and(|p| !p.is_empty() && *p != self.place)
        {
            return Entry::None;
        }
        match lines.get(1) {
            Some(run) if *run == self.run => Entry::ThisRun,
            _ => Entry::Earlier,
        }
    }

    /// The idempotency token the unfinished create of `key` ([`Journal::unfinished`]) recorded
    /// (entries of older releases have none): what it wrote may carry it.
    pub fn earlier_token(&self, key: &str) -> Option<String> {
        if !self.unfinished(key) {
            return None;
        }
        let text = std::fs::read_to_string(self.path(key)?).ok()?;
        text.split('\n')
            .nth(2)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    }

    /// Whether another provider process of this terraform run (a block under another provider
    /// alias) is creating `key` or has created it: the object found is not someone else's to
    /// import, it is a second claim inside this configuration.
    pub fn claimed_elsewhere(&self, key: &str) -> bool {
        !self.is_mine(key) && self.entry(key) == Entry::ThisRun
    }

    /// Whether another provider process of this terraform run claims an object whose key
    /// `overlaps` says overlaps ours (EMR rules: another source set sharing a source).
    pub fn claimed_elsewhere_overlapping(&self, overlaps: impl Fn(&str) -> bool) -> bool {
        let Some(entries) = self.entries().and_then(|d| std::fs::read_dir(d).ok()) else {
            return false;
        };
        entries.flatten().any(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let key = text.split('\n').next().unwrap_or_default();
            !key.is_empty() && overlaps(key) && self.claimed_elsewhere(key)
        })
    }

    /// Whether an existing object of `key` is this configuration's own: an interrupted create of
    /// it ([`Journal::unfinished`]), or terraform's state holds it (a tainted object being
    /// replaced). Anything else of the same identity belongs to somebody else.
    pub fn ours(&self, key: &str) -> bool {
        self.unfinished(key)
            || self
                .held
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(key)
    }

    /// Records that a create of `key` begins; `false` when another provider process of this
    /// terraform run (another provider alias) creates it or has created it, and this create
    /// must not go on.
    pub fn begin(&self, key: &str, token: &str) -> bool {
        if self.claimed_elsewhere(key) {
            return false;
        }
        let file = match self.path(key).map(|p| self.lock(&p, key, token)) {
            Some(Err(Busy)) => return false,
            Some(Ok(file)) => file,
            None => None,
        };
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), file);
        true
    }

    /// Opens and locks the entry at `path` and writes `key`, the run and the create's `token` in
    /// it; `Ok(None)` when the journal cannot be written (best effort: nothing will be adopted).
    fn lock(&self, path: &std::path::Path, key: &str, token: &str) -> Result<Option<File>, Busy> {
        let opened = path
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| {
                OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(path)
            });
        let mut file = match opened {
            Ok(f) => f,
            Err(e) => {
                tracing::debug!("create journal: could not record {key}: {e}");
                return Ok(None);
            }
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Busy),
            Err(TryLockError::Error(e)) => {
                tracing::debug!("create journal: could not lock {key}: {e}");
            }
        }
        let written = file
            .set_len(0)
            .and_then(|()| write!(file, "{key}\n{}\n{token}\n{}", self.run, self.place));
        if let Err(e) = written {
            tracing::debug!("create journal: could not record {key}: {e}");
        }
        Ok(Some(file))
    }

    /// Records that the create of `key` returned the object to terraform. The entry stays until
    /// terraform is seen holding it ([`Journal::settle`]); this process, which made the object,
    /// never takes it for an earlier run's.
    pub fn handed(&self, key: &str) {
        tracing::trace!("create journal: {key} handed to terraform");
    }

    /// Records that terraform holds the object of `key` (it is in the state), or that nothing
    /// was left behind: it is never adopted again.
    pub fn settle(&self, key: &str) {
        if self.path(key).is_some_and(|p| p.exists()) && !self.is_mine(key) {
            tracing::debug!("create journal: {key} is in terraform's state");
        }
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
        self.finish(key);
    }

    fn is_mine(&self, key: &str) -> bool {
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(key)
    }

    /// Records that the create of `key` failed with nothing left behind.
    pub fn finish(&self, key: &str) {
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        if let Some(path) = self.path(key) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Another live process holds the entry.
struct Busy;

/// Who wrote a journal entry.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    None,
    /// A provider process of this terraform run (alive, or exited after its last resource).
    ThisRun,
    /// A run that has ended: what it began and never saw recorded may be adopted.
    Earlier,
}

/// The terraform process that started this provider (see [`Journal::run`]).
fn this_run() -> String {
    #[cfg(unix)]
    {
        let ppid = std::os::unix::process::parent_id();
        // A PID alone is not a run: a container starts terraform as PID 1 every time, and PIDs
        // are reused. With the parent's start time (clock ticks since boot, field 22 of
        // /proc/<pid>/stat) and the boot's ID it is one terraform process, ever. The parent is
        // taken from /proc itself (field 4 of /proc/self/stat): in a PID namespace whose /proc
        // is the host's, processes are numbered as the host numbers them, not as getppid() says.
        let field = |pid: &str, n: usize| -> Option<String> {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let after_name = stat.rsplit_once(')')?.1;
            Some(after_name.split_whitespace().nth(n - 3)?.to_string())
        };
        let parent = field("self", 4);
        let started = parent.as_deref().and_then(|p| field(p, 22));
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok();
        match (parent, started, boot) {
            (Some(parent), Some(started), Some(boot)) => {
                format!("{parent}-{started}-{}", boot.trim())
            }
            // No /proc (macOS, a sandbox): the PID alone, good enough for the create journal's
            // "this run" (no object is taken over on it); no check is skipped on it.
            _ => ppid.to_string(),
        }
    }
    #[cfg(not(unix))]
    return uuid::Uuid::new_v4().to_string();
}

/// A file name for any key: safe characters kept, the rest escaped, so keys never collide.
fn file_name(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' => c.to_string(),
            _ => format!("_{:x}_", c as u32),
        })
        .collect()
}

/// The summary and detail of "another provider process of this run claims `what`", for the
/// create that is refused and for a plan that finds the object the other process made.
pub fn claimed_elsewhere_text(what: &str) -> (String, String) {
    let mut c = what.chars();
    let summary: String = c
        .next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default();
    (
        format!("{summary} is claimed by another provider process"),
        format!(
            "Another provider configuration of this working directory (a block under another \
             provider alias) is creating {what}, or has just created it, in this run. Each object \
             may be managed by one resource: remove one of the two blocks. (Until then, \
             `terraform destroy -refresh=false` destroys what was made: a destroy's refresh plan \
             plans this block again and is refused the same way.)"
        ),
    )
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn a_run_is_one_terraform_process_not_a_pid() {
        // The parent's PID, its start time and the boot: another process with the same PID (a
        // container's PID 1, a reused PID) is another run.
        let run = super::this_run();
        let parts: Vec<&str> = run.splitn(3, '-').collect();
        assert_eq!(
            parts[0],
            std::os::unix::process::parent_id().to_string(),
            "{run}"
        );
        assert!(parts[1].parse::<u64>().is_ok(), "the start time: {run}");
        assert_eq!(parts[2].len(), 36, "the boot ID: {run}");
        assert_eq!(run, super::this_run(), "stable within the run");
    }

    use super::*;

    /// L1 (adversary): a working directory copied with its data directory, or two
    /// configurations sharing one `TF_DATA_DIR`, never adopt each other's creates.
    #[test]
    fn an_entry_of_another_working_directory_is_never_adopted() {
        let dir = tempfile_dir();
        let here = Journal::at(dir.clone(), "run-1").in_place("/work/here");
        assert!(here.begin("emr:c-1:10.0.0.0/24", "t"));
        here.handed("emr:c-1:10.0.0.0/24");
        drop(here);
        let again = Journal::at(dir.clone(), "run-2").in_place("/work/here");
        assert!(again.unfinished("emr:c-1:10.0.0.0/24"));
        let elsewhere = Journal::at(dir.clone(), "run-2").in_place("/work/copy");
        assert!(!elsewhere.unfinished("emr:c-1:10.0.0.0/24"));
        assert_eq!(elsewhere.earlier_token("emr:c-1:10.0.0.0/24"), None);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_unfinished_create_is_remembered_until_finished() {
        let dir = tempfile_dir();
        let j = Journal::at(dir.clone(), "run-1");
        assert!(!j.unfinished("network_link:a"));
        assert!(j.begin("network_link:a", "t"));
        // Not for this process, which is making it right now …
        assert!(!j.unfinished("network_link:a"));
        assert!(!j.unfinished("network_link:b"));
        // … nor for another provider process of this run (another provider alias), alive or
        // exited, which may not create it either …
        let sibling = Journal::at(dir.clone(), "run-1");
        assert!(!sibling.unfinished("network_link:a"));
        assert!(!sibling.begin("network_link:a", "t"));
        drop(j);
        assert!(!sibling.unfinished("network_link:a"));
        assert!(!sibling.begin("network_link:a", "t"));
        // … but for the next run, with the token the create recorded.
        let next = Journal::at(dir.clone(), "run-2");
        assert!(next.unfinished("network_link:a"));
        assert_eq!(next.earlier_token("network_link:a").as_deref(), Some("t"));
        assert_eq!(sibling.earlier_token("network_link:a"), None);
        next.finish("network_link:a");
        assert!(!Journal::at(dir.clone(), "run-3").unfinished("network_link:a"));
        // A create that succeeded keeps its entry until terraform is seen holding the object.
        let j = Journal::at(dir.clone(), "run-3");
        assert!(j.begin("network_link:a", "t"));
        j.handed("network_link:a");
        assert!(
            !j.unfinished("network_link:a"),
            "never for the process that made it"
        );
        drop(j);
        let next = Journal::at(dir.clone(), "run-4");
        assert!(
            next.unfinished("network_link:a"),
            "terraform may never have heard"
        );
        next.settle("network_link:a");
        assert!(!Journal::at(dir.clone(), "run-5").unfinished("network_link:a"));
        assert!(!Journal::disabled().unfinished("network_link:a"));
        assert!(Journal::disabled().begin("network_link:a", "t"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn keys_never_collide() {
        assert_ne!(file_name("rds:rm-1:a_b"), file_name("rds:rm-1:a:b"));
        assert_ne!(file_name("a/b"), file_name("a_b"));
        assert!(!file_name("../x").contains('/'));
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("journal-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
