//! category: helper-fn
//! replay: diverges
//! input: {"order_id": 808, "customer": "wayne"}
//! summary: an inherent method `Order::download_token(&self)` mixes rand::random::<u64>() into the token sent through ctx.invoke
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub order_id: u64,
    pub customer: String,
}

impl Order {
    fn download_token(&self) -> String {
        format!("{}-{}-{:x}", self.customer, self.order_id, rand::random::<u64>())
    }
}

#[derive(Debug, Serialize)]
pub struct DownloadMail {
    pub customer: String,
    pub link: String,
}

#[durable_workflow]
pub async fn helper_mail_download(ctx: DurableContext, o: Order) -> Result<String, DurableError> {
    let link = format!("https://downloads.example.invalid/{}", o.download_token());
    let mail = DownloadMail {
        customer: o.customer.clone(),
        link: link.clone(),
    };
    let _ = ctx.invoke::<_, serde_json::Value>("mail-link", "mailer", mail).await;
    Ok(link)
}

fn main() {}
