//! `cargo doc` shows each workflow's durable operations and their flowchart: this test runs
//! rustdoc on this crate and reads the generated page of the order workflow.

use durable_examples::order::ProcessOrder;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_manifest_lists_the_order_workflow() {
    let m = ProcessOrder::MANIFEST;
    assert_eq!(m.name, "process-order");
    let kinds: Vec<&str> = m.operations.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        ["step", "step", "callback", "step", "callback", "step", "step"]
    );
    assert!(
        m.operations[2].conditional,
        "the restock wait only happens when something is short"
    );
    assert!(m.operations[4].options.iter().any(|o| o.starts_with(".timeout(")));
    let json = serde_json::to_value(m).unwrap();
    assert_eq!(json["operations"][0]["label"], "validate_payment (a #[step] fn)");
}

#[test]
fn cargo_doc_renders_the_operations_and_the_diagram() {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // A target directory of its own: the one running this test is locked by cargo.
    let target = manifest_dir.join("../target/doc-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["doc", "--no-deps", "-p", "durable-examples", "--lib"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&manifest_dir)
        .status()
        .expect("cargo doc runs");
    assert!(status.success(), "cargo doc failed");
    let page = std::fs::read_to_string(target.join("doc/durable_examples/order/struct.ProcessOrder.html"))
        .expect("the workflow's page exists");
    assert!(page.contains("Durable operations"), "no operations section");
    assert!(
        page.contains("reserve_inventory"),
        "the table lists the operations"
    );
    assert!(page.contains("class=\"mermaid\""), "no diagram");
    assert!(page.contains("flowchart TD"), "no flowchart");
    assert!(page.contains("if / match"), "branches are drawn as decisions");
}
