//! Workflows of `examples/` under ids of their own (no requirement file names them), so the
//! emulator backend can run them as Lambda functions and record their histories for the
//! replay tests (`tests/emulator_histories.rs`).

use crate::registry::Registry;
use durable_runtime::{DurableError, Workflow};

/// The id the quickstart's `onboarding` workflow runs under.
pub const ONBOARDING: &str = "example-onboarding";

pub(super) fn register(r: &mut Registry) {
    r.register(ONBOARDING, |ctx, input| async move {
        let name: String =
            serde_json::from_value(input).map_err(|e| DurableError::Validation(e.to_string()))?;
        let welcome = durable_examples::workflows::onboarding().run(ctx, name).await?;
        serde_json::to_value(welcome).map_err(|e| DurableError::Validation(e.to_string()))
    });
}
