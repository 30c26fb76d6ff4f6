//! docs/ against the provider's real schema (`terraform providers schema -json`): every attribute
//! is documented, with the description the schema carries, and nothing documented is missing from
//! the schema.

use std::collections::BTreeSet;

use acceptance_tests::{repo_root, Workspace};
use serde_json::Value;

/// `- `name` (…) description` bullets of a doc page: name → the bullet's text.
fn bullets(doc: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in doc.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("- `") {
            if let Some((name, tail)) = rest.split_once("` (") {
                out.push((name.to_string(), tail.to_string()));
                continue;
            }
        }
        // Continuation lines of a bullet belong to it.
        if let Some(last) = out.last_mut() {
            if line.starts_with("  ") && !t.starts_with("- ") && !t.is_empty() {
                last.1.push(' ');
                last.1.push_str(t);
            }
        }
    }
    out
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compares one block of the schema with one doc page; returns the problems.
fn compare(
    page: &str,
    block: &Value,
    prefix: &str,
    doc: &[(String, String)],
    problems: &mut Vec<String>,
) {
    let mut names = BTreeSet::new();
    for (name, attr) in block["attributes"].as_object().into_iter().flatten() {
        let full = format!("{prefix}{name}");
        names.insert(name.clone());
        match doc.iter().find(|(n, _)| n == name) {
            None => problems.push(format!("{page}: `{full}` is not documented")),
            Some((_, text)) => {
                let desc = attr["description"].as_str().unwrap_or_default();
                if !flat(text).contains(&flat(desc)) {
                    problems.push(format!("{page}: `{full}`: the doc does not carry the schema's description {desc:?}"));
                }
            }
        }
    }
    for (name, nested) in block["block_types"].as_object().into_iter().flatten() {
        names.insert(name.clone());
        if !doc.iter().any(|(n, _)| n == name) {
            problems.push(format!("{page}: block `{prefix}{name}` is not documented"));
        }
        compare(
            page,
            &nested["block"],
            &format!("{prefix}{name}."),
            doc,
            problems,
        );
    }
    if prefix.is_empty() {
        let all: BTreeSet<String> = all_names(block);
        for (name, _) in doc {
            if !all.contains(name) {
                problems.push(format!(
                    "{page}: documents `{name}`, which the schema does not have"
                ));
            }
        }
    }
}

fn all_names(block: &Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = block["attributes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .collect();
    for (name, nested) in block["block_types"].as_object().into_iter().flatten() {
        out.insert(name.clone());
        out.extend(all_names(&nested["block"]));
    }
    out
}

#[test]
fn docs_match_the_schema() {
    let ws = Workspace::new();
    ws.write_config("terraform {\n  required_providers {\n    maxcompute = { source = \"lakehouse/maxcompute\" }\n  }\n}\n");
    let run = ws.terraform(&["providers", "schema", "-json"]).ok();
    let schema: Value = serde_json::from_str(&run.stdout).expect("schema JSON");
    let provider = &schema["provider_schemas"]["registry.terraform.io/lakehouse/maxcompute"];
    let docs = repo_root().join("docs");
    let mut problems = Vec::new();
    let read = |rel: &str| {
        std::fs::read_to_string(docs.join(rel)).unwrap_or_else(|e| panic!("docs/{rel}: {e}"))
    };

    let index = read("index.md");
    compare(
        "docs/index.md",
        &provider["provider"]["block"],
        "",
        &bullets(&index),
        &mut problems,
    );

    let mut pages = BTreeSet::new();
    for (kind, dir) in [
        ("resource_schemas", "resources"),
        ("data_source_schemas", "data-sources"),
    ] {
        for (name, s) in provider[kind].as_object().unwrap() {
            let short = name.strip_prefix("maxcompute_").unwrap();
            let rel = format!("{dir}/{short}.md");
            let page = read(&rel);
            assert!(
                page.starts_with(&format!("# {name} (")),
                "docs/{rel} must start with `# {name} (...)`"
            );
            compare(
                &format!("docs/{rel}"),
                &s["block"],
                "",
                &bullets(&page),
                &mut problems,
            );
            pages.insert(format!("{dir}/{short}.md"));
        }
    }
    // No page for something that does not exist.
    for dir in ["resources", "data-sources"] {
        for entry in std::fs::read_dir(docs.join(dir)).unwrap() {
            let rel = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            if !pages.contains(&rel) {
                problems.push(format!(
                    "docs/{rel} documents something the provider does not have"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "docs and schema disagree:\n{}",
        problems.join("\n")
    );
}

/// Every ```hcl block of the README, docs/ and the emulator's README is valid HCL as written
/// (`terraform fmt -` parses it): a block that cannot be pasted is a bug in the docs.
#[test]
fn every_hcl_block_in_the_docs_parses() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let root = repo_root();
    let mut pages = vec![root.join("README.md"), root.join("emulator/README.md")];
    for dir in ["docs", "docs/resources", "docs/data-sources"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                pages.push(entry.path());
            }
        }
    }
    let mut failures = Vec::new();
    let mut blocks = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, block) in text.split("```hcl\n").skip(1).enumerate() {
            let hcl = block.split("\n```").next().unwrap();
            // CLI configuration (dev_overrides quotes its keys), not the configuration language.
            if hcl.starts_with("provider_installation") {
                continue;
            }
            blocks += 1;
            let mut child = Command::new(acceptance_tests::terraform_binary())
                .args(["fmt", "-no-color", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(hcl.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            if !out.status.success() {
                failures.push(format!(
                    "{} block {}:\n{hcl}\n{}",
                    page.display(),
                    i + 1,
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(blocks > 10, "only {blocks} blocks found");
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

/// Users read the product's words, not the names of this project's internal documents ("seed 004"):
/// docs, README, examples and every string in the provider's source (schema descriptions and
/// diagnostics), comments aside.
#[test]
fn user_facing_text_never_names_internal_documents() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                files(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let root = repo_root();
    let mut paths = vec![root.join("README.md"), root.join("emulator/README.md")];
    for dir in ["docs", "examples", "src"] {
        files(&root.join(dir), &mut paths);
    }
    let mut found = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let is_rust = path.extension().is_some_and(|e| e == "rs");
        for (n, line) in text.lines().enumerate() {
            let t = line.trim_start();
            // In Rust only string literals reach users: skip comments.
            if is_rust && (t.starts_with("//") || !t.contains('"')) {
                continue;
            }
            let lower = t.to_ascii_lowercase();
            if (0..=9).any(|d| {
                lower.contains(&format!("seed 00{d}")) || lower.contains(&format!("seeds 00{d}"))
            }) {
                found.push(format!(
                    "{}:{}: {t}",
                    path.strip_prefix(&root).unwrap().display(),
                    n + 1
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "internal document names in user-facing text:\n{}",
        found.join("\n")
    );
}

/// Every ```hcl block of the README and docs that configures the provider stands alone: pasted
/// into an empty directory, `terraform init` installs lakehouse/maxcompute (from a filesystem
/// mirror, as `make install` makes one), instead of looking for `hashicorp/maxcompute`.
#[test]
fn every_snippet_with_a_provider_block_inits_pasted_alone() {
    let root = repo_root();
    let mirror = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(root.join("scripts/install.sh"))
        .args([
            "--binary",
            acceptance_tests::provider_binary().to_str().unwrap(),
        ])
        .args(["--dir", mirror.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // HashiCorp's null provider, for the snippet that shows another provider beside this one.
    let null_dir = mirror.path().join(format!(
        "registry.terraform.io/hashicorp/null/2.1.2/{}",
        acceptance_tests::platform()
    ));
    std::fs::create_dir_all(&null_dir).unwrap();
    std::fs::copy(
        root.join(".tools/null/terraform-provider-null"),
        null_dir.join("terraform-provider-null_v2.1.2_x4"),
    )
    .expect("the null provider in .tools/ (make tools)");
    let mut pages = vec![root.join("README.md"), root.join("emulator/README.md")];
    for dir in ["docs", "docs/resources", "docs/data-sources"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                pages.push(entry.path());
            }
        }
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, block) in text.split("```hcl\n").skip(1).enumerate() {
            let hcl = block.split("\n```").next().unwrap();
            if !hcl.contains("provider \"maxcompute\"") {
                continue;
            }
            checked += 1;
            let mut ws = Workspace::new();
            let cli = ws.path().join("mirror.tfrc");
            std::fs::write(
                &cli,
                format!(
                    "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n  }}\n}}\n",
                    mirror.path().display().to_string()
                ),
            )
            .unwrap();
            ws.set_env("TF_CLI_CONFIG_FILE", cli.to_str().unwrap());
            ws.write_config(hcl);
            // A snippet that calls the lakehouse module next to it (`./lakehouse`).
            if hcl.contains("\"./lakehouse\"") {
                let module = ws.path().join("lakehouse");
                std::fs::create_dir_all(&module).unwrap();
                for f in std::fs::read_dir(root.join("examples/lakehouse"))
                    .unwrap()
                    .flatten()
                {
                    if f.path().extension().is_some_and(|e| e == "tf") {
                        std::fs::copy(f.path(), module.join(f.file_name())).unwrap();
                    }
                }
            }
            let run = ws.terraform(&["init", "-input=false", "-backend=false"]);
            if run.code != 0 {
                failures.push(format!(
                    "{} block {}:\n{hcl}\n{}",
                    page.display(),
                    i + 1,
                    run.output()
                ));
            }
        }
    }
    assert!(
        checked >= 3,
        "only {checked} snippets with a provider block"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

/// The README's list of the emulator's built-in fixture names every object in it, so a module
/// author can find them all without reading the JSON.
#[test]
fn the_readme_lists_every_built_in_fixture() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("emulator/fixtures/default.json")).unwrap(),
    )
    .unwrap();
    let mut missing = Vec::new();
    for (kind, objects) in fixture.as_object().unwrap() {
        let names: Vec<String> = match objects {
            Value::Object(m) => m.keys().cloned().collect(),
            Value::Array(a) => a
                .iter()
                .filter_map(|o| o["access_key_id"].as_str().map(String::from))
                .collect(),
            _ => continue,
        };
        for name in names {
            if !readme.contains(&format!("`{name}`")) {
                missing.push(format!("{kind}: {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in the README's fixture list: {missing:?}"
    );
}
