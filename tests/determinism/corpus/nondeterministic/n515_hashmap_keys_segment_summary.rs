//! category: hashmap-iteration
//! replay: diverges
//! input: {"campaign": "spring-sale", "customers": [{"id": "c1", "ltv": 90}, {"id": "c2", "ltv": 1500}, {"id": "c3", "ltv": 420}, {"id": "c4", "ltv": 8000}, {"id": "c5", "ltv": 30}, {"id": "c6", "ltv": 700}]}
//! summary: marketing campaign groups customers into a HashMap of segments and joins .keys() into the summary it returns (and the final step's name)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub ltv: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Campaign {
    pub campaign: String,
    pub customers: Vec<Customer>,
}

fn segment_of(ltv: u64) -> &'static str {
    match ltv {
        0..=99 => "dormant",
        100..=499 => "casual",
        500..=1999 => "loyal",
        _ => "vip",
    }
}

#[durable_workflow]
pub async fn hx_segment_campaign(ctx: DurableContext, input: Campaign) -> Result<String, DurableError> {
    let customers = input.customers.clone();
    let scored: Vec<Customer> = ctx
        .step("refresh-ltv", move |_| async move { Ok::<_, String>(customers) })
        .await?;

    let mut segments: HashMap<&'static str, Vec<String>> = HashMap::new();
    for c in &scored {
        segments.entry(segment_of(c.ltv)).or_default().push(c.id.clone());
    }
    let total: usize = segments.values().map(Vec::len).sum();
    let names: Vec<&str> = segments.keys().copied().collect();
    let summary = format!("{}: {} customers in {}", input.campaign, total, names.join(","));

    let body = summary.clone();
    ctx.step(format!("publish-{}", names.join("+")), move |_| async move { Ok::<_, String>(body) })
        .await?;
    Ok(summary)
}

fn main() {}
