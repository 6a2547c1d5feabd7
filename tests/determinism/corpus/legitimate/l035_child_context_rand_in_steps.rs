//! category: child-context
//! input: {"draw": "raffle-12", "entrants": ["ana", "bo", "chen", "dee"]}
//! summary: a raffle in run_in_child_context: the random draw happens with rand inside a step; the child only uses the recorded index
use durable_runtime::prelude::*;
use rand::Rng;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Raffle {
    pub draw: String,
    pub entrants: Vec<String>,
}

#[durable_workflow]
pub async fn legit_run_raffle(ctx: DurableContext, r: Raffle) -> Result<String, DurableError> {
    let entrants = r.entrants.clone();
    let winner: String = ctx
        .run_in_child_context(r.draw.clone(), move |child| async move {
            let n = entrants.len();
            let index: usize = child
                .step("draw-index", move |_| async move { Ok::<_, String>(rand::rng().random_range(0..n)) })
                .await?;
            let name = entrants[index].clone();
            let w = name.clone();
            child.step("notify-winner", move |_| async move { Ok::<_, String>(w) }).await?;
            Ok(name)
        })
        .await?;
    Ok(winner.len().to_string())
}

fn main() {}
