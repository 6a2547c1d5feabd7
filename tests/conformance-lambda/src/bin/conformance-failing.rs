//! The `conformance-failing` Lambda function.
#[tokio::main]
async fn main() -> Result<(), durable_runtime::lambda::Error> {
    durable_conformance_lambda::serve("conformance-failing").await
}
