//! category: constants
//! input: {"currency": "EUR", "amount_minor": 1999}
//! summary: currency metadata in a OnceLock/once_cell Lazy initialised from constant data only, read (never written) by the workflow
use durable_runtime::prelude::*;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

static MINOR_UNITS: Lazy<BTreeMap<&'static str, u32>> =
    Lazy::new(|| BTreeMap::from([("EUR", 2), ("JPY", 0), ("KWD", 3), ("USD", 2)]));

fn symbols() -> &'static BTreeMap<&'static str, &'static str> {
    static SYMBOLS: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    SYMBOLS.get_or_init(|| BTreeMap::from([("EUR", "€"), ("JPY", "¥"), ("USD", "$")]))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Money {
    pub currency: String,
    pub amount_minor: u64,
}

#[durable_workflow]
pub async fn legit_format_money(ctx: DurableContext, m: Money) -> Result<String, DurableError> {
    let digits = MINOR_UNITS.get(m.currency.as_str()).copied().unwrap_or(2);
    let symbol = symbols().get(m.currency.as_str()).copied().unwrap_or("¤");
    let scale = 10u64.pow(digits);
    let text = format!("{symbol}{}.{:0width$}", m.amount_minor / scale, m.amount_minor % scale, width = digits as usize);
    let t = text.clone();
    ctx.step("render-price-tag", move |_| async move { Ok::<_, String>(t) }).await?;
    Ok(text)
}

fn main() {}
