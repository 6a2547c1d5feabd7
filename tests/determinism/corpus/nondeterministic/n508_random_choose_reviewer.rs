//! category: randomness
//! replay: diverges
//! input: {"pr_number": 481, "author": "ivy", "files_changed": 12}
//! callback: code-review = {"approved": true, "comments": 2}
//! summary: code-review workflow picks a reviewer with IndexedRandom::choose(&mut rand::rng()) in the body; the reviewer names the assignment step and is returned
use durable_runtime::prelude::*;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    pub pr_number: u64,
    pub author: String,
    pub files_changed: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewVerdict {
    pub approved: bool,
    #[serde(default)]
    pub comments: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewOutcome {
    pub reviewer: String,
    pub approved: bool,
}

const REVIEWERS: [&str; 6] = ["amara", "bjorn", "carmen", "deshawn", "emeka", "farah"];

#[durable_workflow]
pub async fn hx_assign_code_review(ctx: DurableContext, pr: PullRequest) -> Result<ReviewOutcome, DurableError> {
    let files = pr.files_changed;
    let needs_review: bool = ctx
        .step("lint-diff", move |_| async move { Ok::<_, String>(files > 0) })
        .await?;
    if !needs_review {
        return Ok(ReviewOutcome { reviewer: String::new(), approved: true });
    }
    let candidates: Vec<&str> = REVIEWERS.iter().copied().filter(|r| *r != pr.author).collect();
    let reviewer = candidates.choose(&mut rand::rng()).copied().unwrap_or("amara").to_owned();

    let (who, number) = (reviewer.clone(), pr.pr_number);
    ctx.step(format!("request-review-{reviewer}"), move |_| async move {
        Ok::<_, String>(format!("PR #{number} assigned to {who}"))
    })
    .await?;
    let verdict: ReviewVerdict = ctx
        .wait_for_callback("code-review", move |callback_id, s| async move {
            s.logger.info(format!("review callback {callback_id}"));
            Ok::<_, DurableError>(())
        })
        .timeout(Duration::from_secs(3 * 24 * 3600))
        .await?;
    Ok(ReviewOutcome { reviewer, approved: verdict.approved })
}

fn main() {}
