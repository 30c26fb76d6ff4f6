//! Terraform runs a test interrupts: started in their own process group, as a terminal runs a
//! foreground job, so Ctrl-C reaches terraform and the provider together.

use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::{Emulator, Workspace};

/// A terraform run in its own process group; the whole group is killed if a test fails first.
pub struct Job(Option<std::process::Child>);

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(child) = &self.0 {
            // SAFETY: kill(2) on the job's own process group; no memory is involved.
            unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
        }
    }
}

impl Job {
    /// The process ID of terraform (and of its process group).
    pub fn id(&self) -> u32 {
        self.0.as_ref().map(|c| c.id()).unwrap_or_default()
    }

    /// Waits for terraform to exit (its output is dropped).
    pub fn wait(mut self) -> ExitStatus {
        self.0.take().unwrap().wait().unwrap()
    }
}

/// Starts `terraform apply` in its own process group.
pub fn apply_in_own_group(ws: &Workspace) -> Job {
    run_in_own_group(ws, &["apply", "-auto-approve", "-input=false", "-no-color"])
}

/// Starts a terraform command in its own process group.
pub fn run_in_own_group(ws: &Workspace, args: &[&str]) -> Job {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(crate::terraform_binary());
    cmd.current_dir(ws.path()).args(args).process_group(0);
    for (k, v) in ws.env() {
        cmd.env(k, v);
    }
    Job(Some(
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ))
}

/// Ctrl-C: SIGINT to every process of the job's group (terraform, its panicwrap child and the
/// provider), then terraform's exit status and output.
pub fn ctrl_c(job: Job) -> (ExitStatus, String) {
    let pgid = job.id() as libc::pid_t;
    // SAFETY: kill(2) with a negative pid signals that process group; no memory is involved.
    let sent = unsafe { libc::kill(-pgid, libc::SIGINT) };
    assert_eq!(sent, 0, "kill(-{pgid}, SIGINT)");
    ctrl_c_wait(job)
}

/// Waits for an interrupted job: its exit status and output.
pub fn ctrl_c_wait(mut job: Job) -> (ExitStatus, String) {
    let child = job.0.take().unwrap();
    let out = child.wait_with_output().unwrap();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status, output)
}

/// Polls `ready` until it holds; the bound (2 minutes) is far above any run here, so only a hang
/// fails — never a slow machine.
pub fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Applies with the first `action` held in the emulator (received, not yet run) and interrupts
/// the apply while it is in flight; the emulator then drops it, as if it were still to land.
/// Returns terraform's output, after asserting it failed.
pub fn interrupt_in_flight(emulator: &Emulator, ws: &Workspace, action: &str) -> String {
    emulator.set_faults(serde_json::json!({"hold": true, "actions": [action]}));
    let job = apply_in_own_group(ws);
    wait_until("the write to reach the cloud", || {
        emulator.calls_of(action) >= 1
    });
    let (status, output) = ctrl_c(job);
    emulator.set_faults(serde_json::json!({}));
    assert!(!status.success(), "{output}");
    output
}
