//! category: macro-rules
//! replay: diverges
//! input: {"query": "SELECT 1", "rows": [1, 2, 3, 4]}
//! summary: a `timed!(expr)` macro wraps an expression with Instant::now()/elapsed(); the measured nanoseconds go into the result
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! timed {
    ($e:expr) => {{
        let started = std::time::Instant::now();
        let value = $e;
        (value, started.elapsed())
    }};
}

#[derive(Debug, Clone, Deserialize)]
pub struct Query {
    pub query: String,
    pub rows: Vec<u32>,
}

#[derive(Debug, Serialize)]
pub struct QueryStats {
    pub sum: u32,
    pub planning_ns: u128,
}

#[durable_workflow]
pub async fn macro_profile_query(ctx: DurableContext, q: Query) -> Result<QueryStats, DurableError> {
    let (plan, took) = timed!(q.rows.iter().map(|r| r * 2).collect::<Vec<u32>>());
    let sum: u32 = ctx
        .step("execute", move |_| async move { Ok::<_, String>(plan.iter().sum()) })
        .await?;
    Ok(QueryStats {
        sum,
        planning_ns: took.as_nanos(),
    })
}

fn main() {}
