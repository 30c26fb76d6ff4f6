//! Every example in examples/ applies against the emulator and plans empty afterwards, so the
//! docs (which show these snippets) cannot show HCL that does not work.

use acceptance_tests::{provider_block, repo_root, Emulator, Workspace};

#[test]
fn security_group_example_applies_and_plans_empty() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let hcl = std::fs::read_to_string(repo_root().join("examples/security_group/main.tf")).unwrap();
    ws.write_config(&hcl);
    let var = format!("endpoint={}", emulator.url());
    ws.terraform(&["apply", "-auto-approve", "-input=false", "-var", &var])
        .ok();
    assert_eq!(
        ws.show()["values"]["outputs"]["security_group_type"]["value"],
        "normal"
    );
    let plan = ws.terraform(&["plan", "-detailed-exitcode", "-input=false", "-var", &var]);
    assert_eq!(plan.code, 0, "{}", plan.output());
    ws.terraform(&["destroy", "-auto-approve", "-input=false", "-var", &var])
        .ok();
    assert!(ws.state_is_empty());
}

#[test]
fn resource_and_data_source_snippets_apply_and_plan_empty() {
    let emulator = Emulator::start();
    let mut checked = 0;
    for (kind, file) in [
        ("resources", "resource.tf"),
        ("data-sources", "data-source.tf"),
    ] {
        let dir = repo_root().join("examples").join(kind);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path().join(file);
            let snippet = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let ws = Workspace::new();
            ws.write_config(&format!("{}\n{snippet}", provider_block(&emulator)));
            let run = ws.apply();
            assert_eq!(
                run.code,
                0,
                "{} does not apply:\n{}",
                path.display(),
                run.output()
            );
            let plan = ws.plan();
            assert_eq!(
                plan.code,
                0,
                "{} does not plan empty:\n{}",
                path.display(),
                plan.output()
            );
            ws.destroy().ok();
            checked += 1;
        }
    }
    assert!(checked >= 2, "no examples found");
}
