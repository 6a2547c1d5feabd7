//! The `conformance` Lambda function.
#[tokio::main]
async fn main() -> Result<(), durable_runtime::lambda::Error> {
    durable_conformance_lambda::serve("conformance").await
}
