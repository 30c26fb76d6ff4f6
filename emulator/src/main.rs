//! `maxcompute-emulator [--port N] [--fixtures FILE] [--state-file FILE]`
//!
//! Serves the emulated cloud on 127.0.0.1 and prints the address it listens on.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use maxcompute_emulator::state::CloudState;
use maxcompute_emulator::{app, Emulator};

const USAGE: &str = "usage: maxcompute-emulator [--port N] [--fixtures FILE] [--state-file FILE]

  --port N           port on 127.0.0.1 (default 0: any free port; the chosen one is printed)
  --fixtures FILE    initial state (JSON, see emulator/fixtures/default.json); default: built-in
  --state-file FILE  keep the state in FILE: loaded at start if it exists, written after each change";

struct Args {
    port: u16,
    fixtures: Option<PathBuf>,
    state_file: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        fixtures: None,
        state_file: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--port" => {
                args.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port must be a number from 0 to 65535")?
            }
            "--fixtures" => args.fixtures = Some(value("--fixtures")?.into()),
            "--state-file" => args.state_file = Some(value("--state-file")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

fn load(path: &PathBuf) -> Result<CloudState, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a valid state file: {e}", path.display()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("maxcompute-emulator: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let state = match (&args.state_file, &args.fixtures) {
        (Some(sf), _) if sf.exists() => load(sf),
        (_, Some(f)) => load(f),
        _ => Ok(CloudState::default_fixture()),
    };
    let state = match state {
        Ok(s) => s,
        Err(e) => {
            eprintln!("maxcompute-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "maxcompute-emulator: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::from(1);
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("maxcompute-emulator listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let emulator = Emulator::new(state, args.state_file);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app(emulator))
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maxcompute-emulator: {e}");
            ExitCode::from(1)
        }
    }
}
