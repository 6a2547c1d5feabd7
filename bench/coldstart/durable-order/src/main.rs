//! The order workflow as a lean Lambda function: the example's workflow source
//! (`examples/src/order.rs`, included as is) over `durable-runtime` with
//! `default-features = false, features = ["lambda"]`, as the guide (§11) documents. Its `main`
//! is `examples/src/bin/order_lambda.rs`'s. Compared with AWS's official SDK's equivalent in
//! `bench/coldstart` (`../official-order`).

#[path = "../../../../examples/src/order.rs"]
#[allow(dead_code)]
mod order;

#[tokio::main]
async fn main() -> Result<(), durable_runtime::lambda::Error> {
    durable_runtime::lambda::run(order::ProcessOrder).await
}
