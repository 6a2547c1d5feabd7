//! The order workflow as an AWS Lambda durable function: the whole `main`.
//!
//! ```text
//! cargo lambda build --release --arm64 --bin order-lambda --features lambda
//! sam deploy --guided --template-file examples/template.yaml
//! ```

use durable_examples::order::ProcessOrder;

#[tokio::main]
async fn main() -> Result<(), durable_runtime::lambda::Error> {
    durable_runtime::lambda::run(ProcessOrder).await
}
