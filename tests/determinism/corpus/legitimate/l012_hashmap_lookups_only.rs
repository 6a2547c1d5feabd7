//! category: hashmap-lookup
//! input: {"items": [["pen", 3], ["ink", 1], ["pad", 2], ["pen", 1]], "coupon": "SPRING"}
//! summary: prices a cart with a HashMap used only for get/contains_key/insert/entry/len; the steps follow the input Vec order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Cart {
    pub items: Vec<(String, u32)>,
    pub coupon: String,
}

#[durable_workflow]
pub async fn legit_price_cart_lookup(ctx: DurableContext, c: Cart) -> Result<u64, DurableError> {
    let prices: HashMap<&str, u64> = HashMap::from([("pen", 150), ("ink", 900), ("pad", 320)]);
    let mut quantities: HashMap<String, u32> = HashMap::new();
    for (sku, qty) in &c.items {
        *quantities.entry(sku.clone()).or_insert(0) += qty;
    }
    let mut total = 0;
    for (sku, _) in &c.items {
        if !prices.contains_key(sku.as_str()) {
            continue;
        }
        if let Some(qty) = quantities.remove(sku) {
            let line = prices.get(sku.as_str()).copied().unwrap_or(0) * u64::from(qty);
            total += ctx
                .step(format!("price-{sku}"), move |_| async move { Ok::<_, String>(line) })
                .await?;
        }
    }
    let discounts: HashMap<String, u64> = HashMap::from([("SPRING".to_owned(), 10)]);
    if let Some(pct) = discounts.get(&c.coupon) {
        total -= total * pct / 100;
    }
    ctx.logger().info(format!("{} distinct skus left unpriced", quantities.len()));
    Ok(total)
}

fn main() {}
