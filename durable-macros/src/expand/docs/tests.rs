//! The generated docs of small workflows: the table says what history shows and nests
//! children; the SVG is well-formed, self-contained and names every operation.

use crate::ctxt::Ctxt;
use crate::lint::{FileContext, Operation};
use std::rc::Rc;

/// The operations of the workflow fn `name` in a file's text.
fn ops_of(file: &str, name: &str) -> Vec<Operation> {
    let parsed = syn::parse_file(file).unwrap();
    let mut f = parsed
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident == name => Some(f.clone()),
            _ => None,
        })
        .unwrap();
    let context = FileContext::from_text(file, name).map(Rc::new);
    let cx = Ctxt::default();
    let sig = f.sig.clone();
    let ops = crate::lint::lint_workflow(&cx, &sig, &mut f.block, context);
    let errors = cx.finish().map(|e| e.to_string());
    assert!(errors.is_none(), "{errors:?}");
    ops
}

/// The section, without the `<wbr>` break hints of its table.
fn doc_of(file: &str, name: &str) -> String {
    plain(&super::operations_doc(&ops_of(file, name), name).section)
}

fn plain(section: &str) -> String {
    let mut out = section.replace("<wbr>", "");
    for c in [
        '"', '\'', '`', '*', '_', '[', ']', '\\', '~', '|', '!', '#', '-', '.',
    ] {
        out = out.replace(&format!("&#{};", u32::from(c)), &c.to_string());
    }
    out
}

/// The SVG element of a section.
fn svg_of(doc: &str) -> &str {
    let start = doc.find("<svg").expect("an inline svg");
    let end = doc.find("</svg>").expect("a closed svg") + "</svg>".len();
    &doc[start..end]
}

/// Checks that every tag is closed in order (a tiny XML well-formedness check), that there
/// is no script, link or external reference, and returns the text content.
fn check_svg(svg: &str) -> String {
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("href"), "{svg}");
    assert!(
        !svg.contains("http") || svg.matches("http").count() == 1,
        "only the xmlns URL: {svg}"
    );
    assert!(
        !svg.contains('\n'),
        "no line breaks (markdown would end the HTML block on a blank line)"
    );
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').expect("a tag ends") + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "closing {name} in {svg}");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap();
            stack.push(name.to_owned());
        }
        // Attribute values are quoted and have no raw `<` or `>`.
        assert_eq!(tag.matches('"').count() % 2, 0, "{tag}");
        rest = &rest[close + 1..];
        text.push(' ');
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    text.push_str(rest);
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

const ORDER: &str = r#"
use durable_runtime::prelude::*;

/// The callback's name.
pub const WAREHOUSE: &str = "warehouse";

/// Checks the card.
#[step(name = "validate-payment", retry(max_attempts = 5, initial = "1s", max = "60s", backoff = 2.0))]
pub async fn validate_payment(card: String) -> Result<bool, String> {
    Ok(true)
}

#[step(semantics = "at_most_once", retry = "none")]
async fn reserve(id: u32) -> Result<bool, String> {
    Ok(true)
}

pub fn restock(id: u32) -> String {
    format!("restock-{id}")
}

pub async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
    let paid = ctx.run(validate_payment("card".into())).await?;
    if !paid {
        ctx.wait_for_callback(restock(id), |_, _| async { Ok::<_, DurableError>(()) }).await?;
    }
    ctx.run(reserve(id)).await?;
    let _: String = ctx.wait_for_callback(WAREHOUSE, |_, _| async { Ok::<_, DurableError>(()) })
        .timeout(Duration::from_secs(48 * 3600))
        .await?;
    for i in 0..3 {
        ctx.step(format!("item-{}", i), |_| async { Ok::<_, String>(()) }).await?;
    }
    Ok(id)
}
"#;

#[test]
fn the_table_shows_history_names_retry_policies_and_constants() {
    let doc = doc_of(ORDER, "order");
    for row in [
        "| 1 | step | `validate-payment` ([`validate_payment()`]) |  | retry: 5 attempts, 1 s ×2 up to 1 min, full jitter<br>at least once per attempt |",
        "| 2 | callback | computed at run time: `restock(id)` (see [`restock()`]) | if <code>!paid</code> |  |",
        "| 3 | step | `reserve` (`reserve()`) |  | retry: preset `none` (1 attempt, no retries)<br>at most once per attempt |",
        "| 4 | callback | `warehouse` (the constant [`WAREHOUSE`]) |  | <code>.timeout(Duration::from_secs(48 * 3600))</code> |",
        "| 5 | step | `item-{i}` (`format!`) | repeated: <code>for i in 0..3</code> |  |",
    ] {
        let row = row.split("...").next().unwrap();
        assert!(doc.contains(row), "missing {row:?} in\n{doc}");
    }
    assert!(!doc.contains("(computed)"), "{doc}");
    assert!(!doc.contains("as in its"), "{doc}");
}

#[test]
fn the_svg_is_well_formed_and_names_every_operation() {
    let ops = ops_of(ORDER, "order");
    let doc = super::operations_doc(&ops, "order").section;
    let text = check_svg(svg_of(&doc));
    for (i, op) in ops.iter().enumerate() {
        assert!(
            text.contains(&format!("{} · {}", i + 1, op.kind)),
            "#{} in {text}",
            i + 1
        );
        assert!(text.contains(&op.label), "{} in {text}", op.label);
    }
    for part in ["start", "end", "if !paid", "repeats: for i in 0..3", "no"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    // No text twice outside the collapsed Mermaid source.
    let outside_mermaid = doc.split("<details>").next().unwrap();
    assert!(!outside_mermaid.contains("flowchart TD"), "{doc}");
    assert!(doc.contains("<details><summary>Mermaid source"), "{doc}");
    assert!(!doc.contains("<script"), "{doc}");
    // Deterministic.
    assert_eq!(
        doc,
        super::operations_doc(&ops_of(ORDER, "order"), "order").section
    );
}

#[test]
fn the_flowchart_shows_branches_loops_and_child_contexts() {
    let ops = ops_of(
        r#"
        async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
            let a: u32 = ctx.step("load", |_| async move { Ok::<_, String>(id) }).retry(RetryPresets::none()).await?;
            if a > 1 {
                ctx.wait("cool-off", Duration::from_secs(5)).await?;
            } else {
                ctx.wait("short", Duration::from_secs(1)).await?;
            }
            for i in 0..3 {
                ctx.step(format!("item-{i}"), |_| async { Ok::<_, String>(()) }).await?;
            }
            ctx.run_in_child_context("group", |child| async move {
                child.wait("inner", Duration::from_secs(1)).await
            })
            .await?;
            Ok(a)
        }
        "#,
        "order",
    );
    let mut doc = super::operations_doc(&ops, "order");
    doc.section = plain(&doc.section);
    for part in [
        "flowchart TD",
        "op1 --> d1",
        "d1 -->|\"yes\"| op2",
        "d1 -->|\"no\"| op3",
        "op2 --> op4",
        "op3 --> op4",
        "op4 -.->|repeats| op4",
        "subgraph ctx",
        "op5 --> op6",
        "op6 --> done",
    ] {
        assert!(doc.mermaid.contains(part), "missing {part:?} in {}", doc.mermaid);
    }
    assert!(
        doc.section.contains("<code>.retry(RetryPresets::none())</code>"),
        "{}",
        doc.section
    );
    assert!(
        doc.section.contains("| 6 | ↳ wait | `inner` | in #5 |"),
        "{}",
        doc.section
    );
    check_svg(svg_of(&doc.section));
}

#[test]
fn map_and_parallel_children_are_nested() {
    let file = r#"
        async fn batch(ctx: DurableContext, items: Vec<u32>) -> Result<u32, DurableError> {
            let done = ctx
                .map("process-items", items, |item_ctx: DurableContext, item: u32, index: usize| async move {
                    item_ctx.step(format!("process-item-{index}"), move |_| async move { Ok::<_, String>(item) }).await
                })
                .await?;
            let checks = ctx
                .parallel(
                    "checks",
                    vec![
                        Branch::named("fraud", |c: DurableContext| async move {
                            c.step("score", |_| async { Ok::<_, String>(1u32) }).await
                        }),
                        Branch::named("stock", |c: DurableContext| async move {
                            c.wait("settle", Duration::from_secs(5)).await?;
                            Ok(2u32)
                        }),
                    ],
                )
                .await?;
            ctx.step("sum", |_| async { Ok::<_, String>(0u32) }).await
        }
    "#;
    let ops = ops_of(file, "batch");
    let kinds: Vec<&str> = ops.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, ["map", "step", "parallel", "step", "wait", "step"]);
    assert_eq!(ops[1].within(), Some(0));
    assert_eq!(ops[3].within(), Some(2));
    assert_eq!(ops[5].within(), None);
    let mut doc = super::operations_doc(&ops, "batch");
    doc.section = plain(&doc.section);
    for row in [
        "| 2 | ↳ step | `process-item-{index}` (`format!`) | each item of #1 |",
        "| 4 | ↳ step | `score` | branch `fraud` |",
        "| 5 | ↳ wait | `settle` | branch `stock` |",
        "| 6 | step | `sum` |  |",
    ] {
        assert!(doc.section.contains(row), "missing {row:?} in {}", doc.section);
    }
    let text = check_svg(svg_of(&doc.section));
    for part in [
        "each item in a child context of its own",
        "branch fraud",
        "branch stock",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(doc.mermaid.contains("subgraph branch"), "{}", doc.mermaid);
}

#[test]
fn saga_steps_in_a_helper_are_listed_with_their_compensations() {
    let file = r#"
        use durable_runtime::prelude::*;
        use durable_runtime::Saga;

        #[step(name = "process-payment", retry = "none", semantics = "at_most_once")]
        pub async fn process_payment(card: String) -> Result<u32, String> { Ok(1) }

        pub async fn booking_saga(ctx: DurableContext, card: String) -> Result<u32, DurableError> {
            let mut saga = ctx.saga();
            match book_all(&ctx, &mut saga, card).await {
                Ok(v) => Ok(v),
                Err(e) if e.is_fatal() => Err(e),
                Err(e) => {
                    saga.compensate().await?;
                    Err(e)
                }
            }
        }

        async fn book_all(ctx: &DurableContext, saga: &mut Saga, card: String) -> Result<u32, DurableError> {
            let f = saga.step("book-flight", |_| async { Ok::<_, String>(1u32) }, |_: u32, _| async { Ok::<_, String>(()) }).await?;
            let h = saga.step("book-hotel", |_| async { Ok::<_, String>(1u32) }, |_: u32, _| async { Ok::<_, String>(()) }).await?;
            let p = ctx.run(process_payment(card)).await?;
            let id = ctx.uuid().await?;
            Ok(f + h + p)
        }
    "#;
    let doc = doc_of(file, "booking_saga");
    for row in [
        "| 1 | saga step | `book-flight` | in `book_all()` | undone by `compensate-book-flight` when the saga compensates |",
        "| 2 | saga step | `book-hotel` | in `book_all()` |",
        "| 3 | step | `process-payment` ([`process_payment()`]) | in `book_all()` | retry: preset `none`",
        "| 4 | step | `uuid` (`ctx.uuid()`) | in `book_all()` |",
        "| 5 | saga compensation | `compensate-book-hotel`, `compensate-book-flight`: those of the saga steps done, last first | when <code>book_all(&amp;ctx, &amp;mut saga, card).await</code> matches <code>Err(e)</code> |",
    ] {
        assert!(doc.contains(row), "missing {row:?} in\n{doc}");
    }
    assert!(
        doc.contains("from the fns of this file it passes its context to (`book_all()`)"),
        "{doc}"
    );
    assert!(!doc.contains("no durable operation"), "{doc}");
    let text = check_svg(svg_of(&doc));
    assert!(text.contains("in book_all()"), "{text}");
}

#[test]
fn a_helper_the_macro_cannot_read_is_named() {
    let file = r#"
        async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
            helpers::run_all(&ctx).await?;
            let _ = std::sync::Arc::new(ctx.clone());
            Ok(())
        }
    "#;
    let doc = doc_of(file, "wf");
    assert!(!doc.contains("no durable operation the macro can see"), "{doc}");
    assert!(
        doc.contains("**Not listed:** the operations of `helpers::run_all()`"),
        "{doc}"
    );
    assert!(
        doc.contains("| 1 | helper | `helpers::run_all()`: a helper given the context |"),
        "{doc}"
    );
    assert!(!doc.contains("Arc::new"), "{doc}");
}

#[test]
fn a_workflow_without_operations_says_so() {
    let doc = doc_of(
        "async fn wf(ctx: DurableContext) -> Result<(), DurableError> { Ok(()) }",
        "wf",
    );
    assert!(
        doc.contains("performs no durable operation the macro can see"),
        "{doc}"
    );
    assert!(!doc.contains("<svg"), "{doc}");
}

#[test]
fn nested_branches_loops_maps_and_lanes_draw_and_chart() {
    let file = r#"
        async fn checks(ctx: DurableContext, items: Vec<u32>) -> Result<u32, DurableError> {
            let batch = ctx
                .parallel(
                    "checks",
                    vec![
                        Branch::named("fraud", |c: DurableContext| async move {
                            c.step("score", |_| async { Ok::<_, String>(1u32) }).await?;
                            c.step("review", |_| async { Ok::<_, String>(1u32) }).await
                        }),
                        Branch::named("stock", |c: DurableContext| async move {
                            c.wait("settle", Duration::from_secs(5)).await?;
                            Ok(2u32)
                        }),
                        Branch::new(|c: DurableContext| async move {
                            c.invoke("charge-card", "payments", 5).await
                        }),
                    ],
                )
                .await?;
            match batch.kind() {
                Kind::A => { ctx.wait("a", Duration::from_secs(1)).await?; }
                Kind::B(x) if x > 3 => {
                    for i in 0..3 {
                        ctx.map("process-items", items.clone(), |ic: DurableContext, item: u32, index: usize| async move {
                            if item > 2 {
                                ic.step(format!("process-item-{index}"), move |_| async move { Ok::<_, String>(item) }).await?;
                            }
                            ic.wait("cool", Duration::from_secs(1)).await
                        }).await?;
                    }
                }
                _ => {}
            }
            ctx.run_in_child_context("verify", |child: DurableContext| async move {
                child.step("verify-email", |_| async { Ok::<_, String>(1u32) }).await
            }).await?;
            Ok(1)
        }
    "#;
    let ops = ops_of(file, "checks");
    let doc = super::operations_doc(&ops, "checks");
    let text = check_svg(svg_of(&doc.section));
    for (i, op) in ops.iter().enumerate() {
        assert!(
            text.contains(&format!("{} · {}", i + 1, op.kind)),
            "#{} in {text}",
            i + 1
        );
    }
    for part in [
        "subgraph branch1[\"branch fraud\"]",
        "op1 --> op4",
        "op3 --> d4",
        "op5 --> d4",
        "d4 -->|\"Kind::A\"| op6",
        "d4 -->|\"Kind::B(x) if x #gt; 3\"| op7",
        "op9 -.->|repeats| op7",
        "d4 -->|\"other arms\"| op10",
        "op11 --> done",
    ] {
        assert!(doc.mermaid.contains(part), "missing {part:?} in {}", doc.mermaid);
    }
    let section = plain(&doc.section);
    for row in [
        "| 7 | map | `process-items` | when <code>batch.kind()</code> matches <code>Kind::B(x) if x &gt; 3</code><br>repeated: <code>for i in 0..3</code> |",
        "| 8 | ↳ step | `process-item-{index}` (`format!`) | each item of #7<br>if <code>item &gt; 2</code> |  |",
        "| 9 | ↳ wait | `cool` | each item of #7 |  |",
        "| 5 | ↳ invoke | `charge-card` | a branch |",
    ] {
        assert!(section.contains(row), "missing {row:?} in {section}");
    }
}
