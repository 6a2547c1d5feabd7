//! category: hashmap-iteration
//! replay: diverges
//! input: {"carriers": [["dhl", 12], ["ups", 15], ["fedex", 11], ["usps", 18], ["gls", 14]], "max_days": 20}
//! summary: collects quotes into a HashMap and books the first carrier .iter().find() returns among several that qualify
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Quotes {
    pub carriers: Vec<(String, u32)>,
    pub max_days: u32,
}

#[durable_workflow]
pub async fn hashmap_book_carrier(ctx: DurableContext, q: Quotes) -> Result<String, DurableError> {
    let by_carrier: HashMap<String, u32> = q.carriers.into_iter().collect();
    let Some((carrier, days)) = by_carrier.iter().find(|(_, d)| **d <= q.max_days) else {
        return Ok("no carrier".into());
    };
    let (carrier, days) = (carrier.clone(), *days);
    ctx.step(format!("book-{carrier}"), move |_| async move { Ok::<_, String>(days) })
        .await?;
    Ok(carrier)
}

fn main() {}
