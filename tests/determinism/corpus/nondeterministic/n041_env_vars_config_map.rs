//! category: env
//! replay: diverges
//! input: {"service": "billing"}
//! summary: loads `std::env::vars()` into a HashMap config (with defaults for the APP_ keys) and registers one step per entry in map order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Boot {
    pub service: String,
}

fn load_config() -> HashMap<String, String> {
    let mut config: HashMap<String, String> = [
        ("APP_DB_POOL", "8"),
        ("APP_CACHE_TTL", "60"),
        ("APP_RETRIES", "3"),
        ("APP_LOG_LEVEL", "info"),
        ("APP_REGION", "eu-west-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    config.extend(std::env::vars().filter(|(k, _)| k.starts_with("APP_")));
    config
}

#[durable_workflow]
pub async fn env_register_settings(ctx: DurableContext, b: Boot) -> Result<usize, DurableError> {
    let config = load_config();
    for (key, value) in &config {
        let v = value.clone();
        ctx.step(format!("{}-set-{}", b.service, key.to_lowercase()), move |_| async move { Ok::<_, String>(v) })
            .await?;
    }
    Ok(config.len())
}

fn main() {}
