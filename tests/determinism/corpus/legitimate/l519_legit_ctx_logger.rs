//! category: legit-logging
//! input: {"shipment_id": "shp-300", "temperature_c": [4.1, 4.3, 9.8, 4.0], "max_c": 8.0}
//! summary: cold-chain monitor logs progress with ctx.logger() (replay-aware) and step loggers, never with the clock; an excursion triggers an alert step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColdChain {
    pub shipment_id: String,
    pub temperature_c: Vec<f64>,
    pub max_c: f64,
}

#[durable_workflow]
pub async fn hx_legit_cold_chain_monitor(ctx: DurableContext, input: ColdChain) -> Result<usize, DurableError> {
    let log = ctx.logger();
    log.info(format!("checking {} readings for {}", input.temperature_c.len(), input.shipment_id));
    let excursions: Vec<usize> = input
        .temperature_c
        .iter()
        .enumerate()
        .filter(|(_, t)| **t > input.max_c)
        .map(|(i, _)| i)
        .collect();
    for i in &excursions {
        let (id, at) = (input.shipment_id.clone(), *i);
        ctx.step(format!("alert-excursion-{i}"), move |s| async move {
            s.logger.warn(format!("{id}: excursion at reading {at}"));
            Ok::<_, String>(at)
        })
        .await?;
    }
    if excursions.is_empty() {
        log.debug("no excursion");
    } else {
        ctx.wait("quality-hold", Duration::from_secs(24 * 3600)).await?;
    }
    log.info(format!("{} excursions", excursions.len()));
    Ok(excursions.len())
}

fn main() {}
