//! category: ordered-collections
//! input: {"steps": ["extract", "clean", "enrich", "load"], "skip": ["clean"]}
//! summary: Vec iteration with enumerate, filter, rev and windows; a VecDeque work queue; all in input order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::VecDeque;

#[derive(Debug, Clone, Deserialize)]
pub struct Pipeline {
    pub steps: Vec<String>,
    pub skip: Vec<String>,
}

#[durable_workflow]
pub async fn legit_ordered_pipeline(ctx: DurableContext, p: Pipeline) -> Result<Vec<String>, DurableError> {
    let mut queue: VecDeque<(usize, String)> = p
        .steps
        .iter()
        .cloned()
        .enumerate()
        .filter(|(_, s)| !p.skip.contains(s))
        .collect();
    let mut ran = Vec::new();
    while let Some((i, stage)) = queue.pop_front() {
        let s = stage.clone();
        ctx.step(format!("{i}-{stage}"), move |_| async move { Ok::<_, String>(s) }).await?;
        ran.push(stage);
    }
    for pair in p.steps.windows(2).rev() {
        ctx.logger().debug(format!("{} <- {}", pair[1], pair[0]));
    }
    Ok(ran)
}

fn main() {}
