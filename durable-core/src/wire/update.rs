//! `OperationUpdate`: one entry of a `CheckpointDurableExecution` call (PROTOCOL.md §2.2).

use super::{ErrorObject, OperationType};
use serde::{Deserialize, Serialize};

/// What an update does to its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationAction {
    /// Create (or restart a `READY` step).
    Start,
    /// Finish with a result.
    Succeed,
    /// Finish with an error.
    Fail,
    /// Schedule another step attempt.
    Retry,
    /// Cancel a wait.
    Cancel,
}

impl OperationAction {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "START",
            Self::Succeed => "SUCCEED",
            Self::Fail => "FAIL",
            Self::Retry => "RETRY",
            Self::Cancel => "CANCEL",
        }
    }
}

/// `ContextOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextOptions {
    /// The result is not stored; children are replayed to rebuild it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_children: Option<bool>,
}

/// `StepOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepOptions {
    /// Delay before the next attempt (≥ 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_delay_seconds: Option<u32>,
}

/// `WaitOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WaitOptions {
    /// Duration of the wait (1 … 31 622 400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_seconds: Option<u32>,
}

/// `CallbackOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallbackOptions {
    /// Overall timeout; 0 or absent = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// Heartbeat timeout; 0 or absent = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_timeout_seconds: Option<u32>,
}

/// `ChainedInvokeOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChainedInvokeOptions {
    /// Target function name or ARN.
    pub function_name: String,
    /// Tenant of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// One checkpointed change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OperationUpdate {
    /// Wire id.
    pub id: super::SharedStr,
    /// Enclosing context's wire id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<super::SharedStr>,
    /// User name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<super::SharedStr>,
    /// Operation kind.
    #[serde(rename = "Type")]
    pub operation_type: OperationType,
    /// SDK sub-type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<super::Label>,
    /// The change.
    pub action: OperationAction,
    /// Result, chained-invoke input, or polled state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Error for FAIL / RETRY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
    /// For CONTEXT SUCCEED/FAIL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_options: Option<ContextOptions>,
    /// For STEP RETRY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_options: Option<StepOptions>,
    /// For WAIT START.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_options: Option<WaitOptions>,
    /// For CALLBACK START.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_options: Option<CallbackOptions>,
    /// For CHAINED_INVOKE START.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chained_invoke_options: Option<ChainedInvokeOptions>,
}

impl OperationUpdate {
    /// An update with identity fields and an action; everything else empty.
    pub fn new(
        id: impl Into<super::SharedStr>,
        operation_type: OperationType,
        action: OperationAction,
    ) -> Self {
        OperationUpdate {
            id: id.into(),
            parent_id: None,
            name: None,
            operation_type,
            sub_type: None,
            action,
            payload: None,
            error: None,
            context_options: None,
            step_options: None,
            wait_options: None,
            callback_options: None,
            chained_invoke_options: None,
        }
    }

    /// The size of this update as JSON, closely estimated without serializing it: field
    /// names and punctuation are bounded by a constant, strings are measured with their JSON
    /// escaping. Used to keep batches under the service limit.
    pub fn encoded_len(&self) -> usize {
        self.measure(json_escaped_len)
    }

    /// An upper bound of [`encoded_len`](Self::encoded_len) that reads no string: escaping
    /// makes a string at most six times longer (`\u00XX`). Every update is measured on every
    /// checkpoint; only one near a limit needs the exact count.
    pub fn encoded_len_bound(&self) -> usize {
        self.measure(|s| 6 * s.len())
    }

    fn measure(&self, json_escaped_len: impl Fn(&str) -> usize) -> usize {
        const FIXED: usize = 320;
        let text = |s: Option<&str>| s.map_or(0, &json_escaped_len);
        let error = self.error.as_ref().map_or(0, |e| {
            80 + text(e.error_message.as_deref())
                + text(e.error_type.as_deref())
                + text(e.error_data.as_deref())
                + e.stack_trace
                    .as_ref()
                    .map_or(0, |t| t.iter().map(|l| json_escaped_len(l) + 3).sum())
        });
        let invoke = self.chained_invoke_options.as_ref().map_or(0, |o| {
            json_escaped_len(&o.function_name) + o.tenant_id.as_deref().map_or(0, &json_escaped_len)
        });
        FIXED
            + self.id.len()
            + text(self.parent_id.as_deref())
            + text(self.name.as_deref())
            + self.sub_type.as_deref().map_or(0, &json_escaped_len)
            + text(self.payload.as_deref())
            + error
            + invoke
    }
}

/// Length of `s` once written as a JSON string body (without the quotes).
pub(crate) fn json_escaped_len(s: &str) -> usize {
    // Every update is measured on every checkpoint (by the SDK and by the local service):
    // branch-free counts the compiler vectorizes.
    // Quotes and backslashes (in every JSON payload) take one more byte each; control
    // characters (rare) are handled by the general loop below.
    let control = s.bytes().fold(0u8, |acc, b| acc | u8::from(b < 0x20));
    if control == 0 {
        return s.len() + s.bytes().filter(|&b| b == b'"' || b == b'\\').count();
    }
    s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
                0x00..=0x1f => 5,
                _ => 0,
            })
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_escaped_length_is_what_serde_json_writes() {
        for s in [
            "",
            "plain",
            r#"{"i":7,"s":"v7"}"#,
            "back\\slash \"quoted\"",
            "tab\tnew\nline\u{1}bell\u{8}\u{c}\u{1f}",
            "ünïcödé ✓",
        ] {
            let written = serde_json::to_string(s).unwrap().len() - 2;
            assert_eq!(json_escaped_len(s), written, "{s:?}");
        }
    }

    #[test]
    fn estimate_bounds_the_real_size() {
        let mut u = OperationUpdate::new("c4ca4238a0b92382", OperationType::Step, OperationAction::Succeed);
        u.parent_id = Some("8fbdbf5573b18fae".into());
        u.name = Some("name with \"quotes\"".into());
        u.sub_type = Some("Step".into());
        u.payload = Some("{\"a\":\"line\\nbreak\u{1}\"}".repeat(100));
        u.error = Some(ErrorObject::new("TransientError", "tab\there"));
        let real = serde_json::to_string(&u).unwrap().len();
        let est = u.encoded_len();
        assert!(est >= real && est < real + 400, "estimate {est} vs real {real}");
    }
}
