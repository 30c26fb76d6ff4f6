//! Logs in go-plugin's JSON line format on stderr, so terraform keeps each line's level under
//! `TF_LOG`. Nothing is logged unless `TF_LOG` or `TF_LOG_PROVIDER` asks for it.

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Installs the JSON logger at the level terraform was asked for.
pub fn init() {
    let level = std::env::var("TF_LOG_PROVIDER")
        .or_else(|_| std::env::var("TF_LOG"))
        .ok()
        .and_then(|v| parse_level(&v));
    if let Some(level) = level {
        // Our crates and the plugin server at the asked level; dependencies (TLS, HTTP/2
        // internals) only when they warn, so TF_LOG=DEBUG shows the provider, not rustls.
        let filter = tracing_subscriber::filter::Targets::new()
            .with_target("terraform_provider_maxcompute", level)
            .with_target("tf_provider", level)
            .with_default(Level::WARN);
        let _ = tracing_subscriber::registry()
            .with(HclogJson.with_filter(filter))
            .try_init();
    }
}

fn parse_level(v: &str) -> Option<Level> {
    match v.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" | "1" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        _ => None,
    }
}

/// A layer writing one `{"@level":…,"@message":…,"@module":…}` object per event.
pub struct HclogJson;

impl<S: Subscriber> Layer<S> for HclogJson {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let line = format_event(event);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
    }
}

/// Formats one event as an hclog JSON line (with the trailing newline).
pub fn format_event(event: &Event<'_>) -> String {
    let meta = event.metadata();
    let mut v = Fields::default();
    event.record(&mut v);
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), level_name(*meta.level()).into());
    obj.insert("@timestamp".into(), timestamp().into());
    obj.insert("@message".into(), v.message.into());
    obj.insert(
        "@module".into(),
        format!("provider.maxcompute.{}", meta.target().replace("::", ".")).into(),
    );
    for (k, val) in v.fields {
        obj.insert(k, val.into());
    }
    let mut line = serde_json::Value::Object(obj).to_string();
    line.push('\n');
    line
}

/// `2026-01-02T15:04:05.000000Z`: go-plugin parses `@timestamp` with the layout
/// `2006-01-02T15:04:05.000000Z07:00` (exactly six fractional digits) and, when that fails, logs
/// the whole line as raw text at DEBUG — the line's own level is lost and `TF_LOG=INFO` shows
/// nothing of the provider.
fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = acs_sign::time::iso8601(now.as_secs() as i64);
    format!("{}.{:06}Z", secs.trim_end_matches('Z'), now.subsec_micros())
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    fields: Vec<(String, String)>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.fields
                .push((field.name().to_string(), value.to_string()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut s = String::new();
        let _ = write!(s, "{value:?}");
        if field.name() == "message" {
            self.message.push_str(&s);
        } else {
            self.fields.push((field.name().to_string(), s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Capture(Arc<Mutex<Vec<String>>>);

    impl<S: Subscriber> Layer<S> for Capture {
        fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
            self.0.lock().unwrap().push(format_event(event));
        }
    }

    #[test]
    fn lines_are_hclog_json() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sub = tracing_subscriber::registry().with(Capture(lines.clone()));
        tracing::subscriber::with_default(sub, || {
            tracing::info!(
                action = "CreateSecurityGroup",
                "waiting for {} ({} s)",
                "x",
                40
            );
        });
        let line = lines.lock().unwrap()[0].clone();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@message"], "waiting for x (40 s)");
        assert_eq!(v["action"], "CreateSecurityGroup");
        assert!(v["@module"]
            .as_str()
            .unwrap()
            .starts_with("provider.maxcompute"));
        // go-plugin's layout: six fractional digits, then the zone.
        let ts = v["@timestamp"].as_str().unwrap();
        let (_, frac) = ts.split_once('.').unwrap();
        assert_eq!(frac.len(), 7, "{ts}");
        assert!(
            frac[..6].bytes().all(|b| b.is_ascii_digit()) && frac.ends_with('Z'),
            "{ts}"
        );
    }
}
