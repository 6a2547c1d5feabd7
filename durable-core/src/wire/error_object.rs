//! `ErrorObject`: how errors travel on the wire.

use serde::{Deserialize, Serialize};

/// An error as the service stores it: `{ErrorType, ErrorMessage, ErrorData, StackTrace}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorObject {
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The error's type name (`StepError`, `my_crate::TransientError`, `Callback.Timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Machine-readable data (JSON text by convention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_data: Option<String>,
    /// Stack frames, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_trace: Option<Vec<String>>,
}

impl ErrorObject {
    /// An error with a type and a message.
    pub fn new(error_type: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorObject {
            error_message: Some(message.into()),
            error_type: Some(error_type.into()),
            error_data: None,
            stack_trace: None,
        }
    }

    /// Attaches machine-readable data.
    pub fn with_data(mut self, data: impl Into<String>) -> Self {
        self.error_data = Some(data.into());
        self
    }

    /// The type, or `""`.
    pub fn type_name(&self) -> &str {
        self.error_type.as_deref().unwrap_or("")
    }

    /// The message, or `""`.
    pub fn message(&self) -> &str {
        self.error_message.as_deref().unwrap_or("")
    }

    /// Serialized size in bytes, as the service measures error fields.
    pub fn encoded_len(&self) -> usize {
        serde_json::to_string(self).map(|s| s.len()).unwrap_or(usize::MAX)
    }
}

impl std::fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.error_type, &self.error_message) {
            (Some(t), Some(m)) => write!(f, "{t}: {m}"),
            (Some(t), None) => f.write_str(t),
            (None, Some(m)) => f.write_str(m),
            (None, None) => f.write_str("unknown error"),
        }
    }
}
