//! category: helper-fn
//! replay: diverges
//! input: {"doc": "handbook", "sections": ["intro", "benefits", "leave"]}
//! summary: a closure bound in the body, `let stamp = || chrono::Utc::now().timestamp_nanos_opt()`, is called to tag each section's step
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Handbook {
    pub doc: String,
    pub sections: Vec<String>,
}

#[durable_workflow]
pub async fn helper_translate_sections(ctx: DurableContext, h: Handbook) -> Result<usize, DurableError> {
    let stamp = || chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
    for section in &h.sections {
        let s = section.clone();
        ctx.step(format!("translate-{section}@{}", stamp()), move |_| async move { Ok::<_, String>(s) })
            .await?;
    }
    Ok(h.sections.len())
}

fn main() {}
