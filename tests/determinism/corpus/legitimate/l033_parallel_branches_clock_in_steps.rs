//! category: map-parallel
//! input: {"order_id": 77}
//! summary: ctx.parallel with Branch::named branches whose steps read the clock and entropy inside their bodies
use durable_runtime::prelude::*;
use durable_runtime::Branch;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Fulfil {
    pub order_id: u64,
}

#[durable_workflow]
pub async fn legit_parallel_fulfilment(ctx: DurableContext, f: Fulfil) -> Result<Vec<String>, DurableError> {
    let id = f.order_id;
    let branches = vec![
        Branch::named("invoice", move |c: DurableContext| async move {
            c.step("render-invoice", move |_| async move {
                let at = std::time::SystemTime::now();
                Ok::<_, String>(format!("invoice-{id}-{:?}", at.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) > 0))
            })
            .await
        }),
        Branch::named("pick", move |c: DurableContext| async move {
            c.step("pick-items", move |_| async move { Ok::<_, String>(format!("picker-{}", fastrand::u8(..) % 4 + 1)) })
                .await
        }),
    ];
    let done = ctx.parallel("fulfil", branches).await?;
    done.throw_if_error()?;
    Ok(done.into_results().into_iter().map(|s| s.split('-').next().unwrap_or("").to_owned()).collect())
}

fn main() {}
