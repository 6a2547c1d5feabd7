//! `cargo doc` documents each workflow's durable operations: a table with the names history
//! shows, nested under their map or child context, and a flowchart drawn as inline SVG (no
//! script, no network). This test runs rustdoc on this crate and reads every workflow's page;
//! `MANIFEST` carries the same facts.

use durable_examples::{
    approval, batching, booking, dataset, external_api, order, parallel, pipeline, reminder, step_functions,
};
use durable_runtime::WorkflowManifest;
use std::path::PathBuf;
use std::process::Command;

/// Every example workflow: its page under `doc/durable_examples/` and its manifest.
const WORKFLOWS: &[(&str, WorkflowManifest)] = &[
    ("order/struct.ProcessOrder.html", order::ProcessOrder::MANIFEST),
    (
        "reminder/struct.OrderReminder.html",
        reminder::OrderReminder::MANIFEST,
    ),
    (
        "dataset/struct.ProcessLargeDataset.html",
        dataset::ProcessLargeDataset::MANIFEST,
    ),
    (
        "external_api/struct.ReliableApiCall.html",
        external_api::ReliableApiCall::MANIFEST,
    ),
    ("approval/struct.Approval.html", approval::Approval::MANIFEST),
    (
        "parallel/struct.ParallelProcessing.html",
        parallel::ParallelProcessing::MANIFEST,
    ),
    (
        "pipeline/struct.DataPipeline.html",
        pipeline::DataPipeline::MANIFEST,
    ),
    ("booking/struct.BookingSaga.html", booking::BookingSaga::MANIFEST),
    (
        "batching/struct.CostOptimizedBatching.html",
        batching::CostOptimizedBatching::MANIFEST,
    ),
    (
        "step_functions/struct.OrderWorkflow.html",
        step_functions::OrderWorkflow::MANIFEST,
    ),
];

#[test]
fn the_manifest_lists_the_order_workflow() {
    let m = order::ProcessOrder::MANIFEST;
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
    let names: Vec<Option<&str>> = m.operations.iter().map(|o| o.name).collect();
    assert_eq!(
        names,
        [
            Some("validate-payment"),
            Some("check-inventory"),
            None, // restock_callback(&order)
            Some("reserve-inventory"),
            None,
            Some("process-shipping"),
            Some("send-confirmation"),
        ]
    );
    let json = serde_json::to_value(m).unwrap();
    assert_eq!(json["operations"][0]["label"], "validate-payment");
    assert_eq!(json["operations"][2]["label"], "restock_callback(&order)");
    assert!(m.mermaid.starts_with("flowchart TD\n"), "{}", m.mermaid);
}

#[test]
fn manifests_nest_map_items_and_list_saga_steps_in_helpers() {
    let m = parallel::ParallelProcessing::MANIFEST;
    let step = &m.operations[1];
    assert_eq!(
        (step.kind, step.label, step.within),
        ("step", "process-item-{index}", Some(0))
    );

    let m = booking::BookingSaga::MANIFEST;
    let rows: Vec<(&str, Option<&str>, Option<&str>)> =
        m.operations.iter().map(|o| (o.kind, o.name, o.helper)).collect();
    assert_eq!(
        rows,
        [
            ("saga step", Some("book-flight"), Some("book_all")),
            ("saga step", Some("book-hotel"), Some("book_all")),
            ("saga step", Some("book-car"), Some("book_all")),
            ("step", Some("process-payment"), Some("book_all")),
            ("step", Some("uuid"), Some("book_all")),
            ("saga compensation", None, None),
        ]
    );
    assert_eq!(
        m.operations[5].label,
        "compensate-book-car, compensate-book-hotel, compensate-book-flight"
    );

    // A name given by a constant of the file shows its value.
    let m = approval::Approval::MANIFEST;
    assert_eq!(m.operations[1].name, Some(approval::APPROVAL_CALLBACK));
}

/// The rustdoc section of a page: from its "Durable operations" heading to the page's
/// implementations.
fn section(page: &str) -> &str {
    let start = page
        .find("id=\"durable-operations\"")
        .expect("a Durable operations section");
    let end = page[start..]
        .find("id=\"implementations\"")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn cargo_doc_renders_the_operations_and_the_diagram() {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // A target directory of its own: the one running this test is locked by cargo.
    let target = manifest_dir.join("../target/doc-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["doc", "--no-deps", "-p", "durable-examples", "--lib"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&manifest_dir)
        .output()
        .expect("cargo doc runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo doc failed:\n{stderr}");
    // The generated docs link only what resolves, and their HTML is well-formed for rustdoc.
    for lint in [
        "unresolved link",
        "unclosed HTML tag",
        "unopened HTML tag",
        "private item",
    ] {
        assert!(!stderr.contains(lint), "rustdoc warned ({lint}):\n{stderr}");
    }
    let doc = target.join("doc/durable_examples");

    for (path, manifest) in WORKFLOWS {
        let page = std::fs::read_to_string(doc.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!page.contains("cdn."), "{path} loads something from a CDN");
        assert!(
            !page.contains("class=\"mermaid\""),
            "{path}: a diagram left for a script to draw"
        );
        let section = section(&page);
        assert!(
            !section.contains("<script"),
            "{path}: a script in the generated docs"
        );
        assert!(section.contains("<svg"), "{path}: no inline SVG");
        assert!(
            section.contains("Mermaid source"),
            "{path}: the Mermaid source is kept, collapsed"
        );
        let svg = &section[section.find("<svg").unwrap()..section.find("</svg>").unwrap()];
        for (i, op) in manifest.operations.iter().enumerate() {
            let node = format!("{} · {}", i + 1, op.kind);
            assert!(svg.contains(&node), "{path}: no box {node:?} in the diagram");
            if let Some(name) = op.name {
                assert!(
                    section.contains(&escaped(name)),
                    "{path}: the table lacks {name:?}"
                );
            }
        }
        assert!(!section.contains("(computed)"), "{path}");
        assert!(!section.contains("as in its"), "{path}");
        assert!(!section.contains("no durable operation"), "{path}");
    }

    let page = std::fs::read_to_string(doc.join("order/struct.ProcessOrder.html")).unwrap();
    let order = section(&page);
    for shown in [
        "<code>validate-payment</code>",
        "href=\"fn.validate_payment.html\"",
        "retry: 5 attempts, 1 s ×2 up to 1 min, full jitter",
        "at most once per attempt",
        "if !inventory.available",
    ] {
        assert!(
            order.contains(&escaped(shown)) || order.contains(shown),
            "order page lacks {shown:?}"
        );
    }

    let page = std::fs::read_to_string(doc.join("parallel/struct.ParallelProcessing.html")).unwrap();
    let parallel = section(&page);
    assert!(parallel.contains("↳ step"), "the map's step is nested under it");
    assert!(
        parallel.contains("each item of #1"),
        "the map's step runs in each item"
    );

    let page = std::fs::read_to_string(doc.join("booking/struct.BookingSaga.html")).unwrap();
    let booking = section(&page);
    for step in [
        "book-flight",
        "book-hotel",
        "book-car",
        "compensate-book-car",
        "book_all()",
    ] {
        assert!(booking.contains(step), "the booking saga page lacks {step}");
    }

    // `#[step]` documents the step: the name history shows, its retry policy and semantics.
    let page = std::fs::read_to_string(doc.join("order/fn.validate_payment.html")).unwrap();
    for shown in [
        "Durable step",
        "validate-payment",
        "5 attempts",
        "at least once per attempt",
    ] {
        assert!(page.contains(shown), "validate_payment's page lacks {shown:?}");
    }
}
