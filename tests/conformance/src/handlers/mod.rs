//! Our handler for each requirement, written from the prose of its YAML file
//! (`handler:` / `invocations:`), one module per suite.

mod callback;
mod child;
pub mod examples;
mod invoke;
mod map;
mod parallel;
mod plugin;
mod step;
mod wait;
mod wait_for_callback;
mod wait_for_condition;

use crate::registry::Registry;
use durable_runtime::DurableError;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Mutex, Once};

/// Every handler we have, plus the declared gaps.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    step::register(&mut r);
    wait::register(&mut r);
    child::register(&mut r);
    callback::register(&mut r);
    invoke::register(&mut r);
    map::register(&mut r);
    parallel::register(&mut r);
    plugin::register(&mut r);
    wait_for_callback::register(&mut r);
    wait_for_condition::register(&mut r);
    examples::register(&mut r);
    r
}

/// The input as a string (`"World"`), or its JSON text for other values.
pub(crate) fn text(input: &Value) -> String {
    match input {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Wraps a serializable value as the handler's JSON result.
pub(crate) fn json<T: serde::Serialize>(value: T) -> Result<Value, DurableError> {
    serde_json::to_value(value).map_err(DurableError::from_error)
}

/// The marker in the panic message of a simulated Lambda runtime crash ("process.exit" in
/// the requirements' prose).
pub(crate) const CRASH: &str = "simulated runtime crash";

static CRASHED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Crashes the invocation (a panic, which the local engine records as `Runtime.ExitError`)
/// the first time it is called for `execution_arn`; later calls return normally.
pub(crate) fn crash_once(execution_arn: &str) {
    let first = CRASHED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashSet::new)
        .insert(execution_arn.to_owned());
    if first {
        panic!("{CRASH}");
    }
}

/// Keeps the intentional crashes out of the harness output; other panics still print.
pub(crate) fn quiet_simulated_crashes() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !msg.contains(CRASH) {
                default(info);
            }
        }));
    });
}
