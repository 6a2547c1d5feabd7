//! category: dead-code
//! input: {"batch": "b-1", "rows": [1, 2, 3]}
//! summary: the body declares nested fn items that read the clock and entropy (a debugging aid) but never calls them
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Rows {
    pub batch: String,
    pub rows: Vec<u32>,
}

#[durable_workflow]
pub async fn legit_sum_rows(ctx: DurableContext, r: Rows) -> Result<u32, DurableError> {
    #[allow(dead_code)]
    fn debug_stamp() -> String {
        format!("{:?}-{}", std::time::SystemTime::now(), fastrand::u32(..))
    }

    #[allow(dead_code)]
    fn debug_env() -> Option<String> {
        std::env::var("DEBUG_BATCH").ok()
    }

    let rows = r.rows.clone();
    ctx.step(format!("sum-{}", r.batch), move |_| async move { Ok::<_, String>(rows.iter().sum()) })
        .await
}

fn main() {}
