//! category: randomness
//! replay: diverges
//! input: {"pull_request": 4411, "team": ["ana", "bo", "chen", "dee", "eli", "fay", "gus"]}
//! summary: samples two reviewers with rand::seq::index::sample and requests each review in a step named after the reviewer
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewRequest {
    pub pull_request: u64,
    pub team: Vec<String>,
}

#[durable_workflow]
pub async fn rand_assign_reviewers(ctx: DurableContext, req: ReviewRequest) -> Result<Vec<String>, DurableError> {
    let picked: Vec<String> = {
        let mut rng = rand::rng();
        rand::seq::index::sample(&mut rng, req.team.len(), 2)
            .iter()
            .map(|i| req.team[i].clone())
            .collect()
    };
    for reviewer in &picked {
        let pr = req.pull_request;
        ctx.step(format!("request-review-{reviewer}"), move |_| async move { Ok::<_, String>(pr) })
            .await?;
    }
    Ok(picked)
}

fn main() {}
