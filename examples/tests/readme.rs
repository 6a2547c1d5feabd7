//! The README's workflow example compiles and runs as written.

use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;

#[step(
    name = "validate-payment",
    retry(max_attempts = 5, initial = "1s", max = "60s", backoff = 2.0)
)]
async fn validate_payment(card_token: String) -> Result<bool, String> {
    Ok(card_token.starts_with("valid")) // any I/O: clocks, randomness, HTTP…
}

#[durable_workflow]
async fn process_order(ctx: DurableContext, card_token: String) -> Result<String, DurableError> {
    let paid = ctx.run(validate_payment(card_token)).await?; // replayed after the first run
    ctx.wait("cool-off", Duration::from_secs(24 * 3600)).await?; // suspends: no compute for a day
    let answer: serde_json::Value = ctx
        .wait_for_callback("warehouse", |callback_id, _| async move {
            // a human or another system
            println!("tell the warehouse to answer {callback_id}");
            Ok::<_, DurableError>(())
        })
        .timeout(Duration::from_secs(48 * 3600))
        .await?;
    Ok(format!("paid={paid}, warehouse={answer}"))
}

#[tokio::test]
async fn the_readme_workflow_runs() {
    let runner = TestRunner::new(ProcessOrder);
    runner.answer_callback("warehouse", serde_json::json!("shipped"));
    let result = runner.run("valid-card").await.unwrap();
    assert_eq!(
        result.output::<String>().unwrap(),
        "paid=true, warehouse=\"shipped\""
    );
    assert_eq!(result.invocations(), 3);
}
