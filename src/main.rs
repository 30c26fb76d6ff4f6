//! Serves the provider over the go-plugin protocol; nothing else.

const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

// One thread: terraform sends a handful of concurrent RPCs, all I/O-bound; a single-threaded
// runtime serves them as well and keeps memory (thread stacks, allocator arenas) small.
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!(
            "terraform-provider-maxcompute {}",
            env!("CARGO_PKG_VERSION")
        );
        return std::process::ExitCode::SUCCESS;
    }
    if std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!(
            "This binary is a plugin for Terraform. It is not meant to be run directly:\nreference \
                it from a Terraform configuration (provider \"maxcompute\") and run terraform."
        );
        return std::process::ExitCode::from(1);
    }
    terraform_provider_maxcompute::logging::init();
    exit_when_terraform_is_gone();
    let provider = terraform_provider_maxcompute::provider::MaxComputeProvider::new();
    match tf_provider::serve("maxcompute", provider).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("provider server stopped: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// The plugin ignores Ctrl-C (terraform handles it), so a terraform that is killed outright
/// (SIGKILL, an out-of-memory kill, a CI runner's timeout) would leave it running forever. It
/// watches its parent instead: once terraform is gone, there is no one left to answer.
fn exit_when_terraform_is_gone() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                if std::os::unix::process::parent_id() != parent {
                    tracing::warn!("terraform (process {parent}) is gone; the provider exits");
                    std::process::exit(1);
                }
            }
        });
    }
}
