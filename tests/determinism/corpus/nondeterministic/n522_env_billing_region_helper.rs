//! category: env
//! replay: same
//! input: {"customer_id": "cus-118", "amount_cents": 12900}
//! summary: tax calculation reads the billing region with std::env::var in a config helper called from the body; the region names the tax step (same within one process, differs between deployments)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Charge {
    pub customer_id: String,
    pub amount_cents: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaxedCharge {
    pub region: String,
    pub tax_cents: u64,
    pub total_cents: u64,
}

struct BillingConfig {
    region: String,
    vat_basis_points: u64,
}

impl BillingConfig {
    fn from_env() -> Self {
        let region = std::env::var("HX_BILLING_REGION").unwrap_or_else(|_| "eu-west-1".to_owned());
        let vat_basis_points = std::env::var("HX_VAT_BPS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
        BillingConfig { region, vat_basis_points }
    }
}

#[durable_workflow]
pub async fn hx_tax_and_charge(ctx: DurableContext, charge: Charge) -> Result<TaxedCharge, DurableError> {
    let config = BillingConfig::from_env();
    let (amount, bps) = (charge.amount_cents, config.vat_basis_points);
    let tax_cents: u64 = ctx
        .step(format!("compute-tax-{}", config.region), move |_| async move { Ok::<_, String>(amount * bps / 10_000) })
        .await?;
    let customer = charge.customer_id.clone();
    let total_cents = amount + tax_cents;
    ctx.step("capture-payment", move |_| async move { Ok::<_, String>(format!("{customer}:{total_cents}")) })
        .await?;
    Ok(TaxedCharge { region: config.region, tax_cents, total_cents })
}

fn main() {}
