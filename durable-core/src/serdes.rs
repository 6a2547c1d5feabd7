//! Serialization of operation results (PROTOCOL.md §4.14). The default is plain compact JSON;
//! any operation can take its own [`Serdes`].

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::marker::PhantomData;

/// Where a value is being (de)serialized.
#[derive(Clone, Copy, Debug)]
pub struct SerdesContext<'a> {
    /// Wire id of the operation.
    pub operation_id: &'a str,
    /// The execution.
    pub durable_execution_arn: &'a str,
}

/// Turns values into checkpoint payloads and back.
pub trait Serdes<T>: Send + Sync {
    /// Value → payload text.
    fn serialize(&self, value: &T, cx: SerdesContext<'_>) -> Result<String, String>;
    /// Payload text (absent when the service stored none) → value.
    fn deserialize(&self, data: Option<&str>, cx: SerdesContext<'_>) -> Result<T, String>;
}

/// Compact JSON via serde (the default). An absent payload reads as `null`.
pub struct JsonSerdes<T>(PhantomData<fn() -> T>);

impl<T> JsonSerdes<T> {
    /// The JSON serdes.
    pub fn new() -> Self {
        JsonSerdes(PhantomData)
    }
}

impl<T> Default for JsonSerdes<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Serialize + DeserializeOwned> Serdes<T> for JsonSerdes<T> {
    fn serialize(&self, value: &T, _: SerdesContext<'_>) -> Result<String, String> {
        serde_json::to_string(value).map_err(|e| e.to_string())
    }

    fn deserialize(&self, data: Option<&str>, _: SerdesContext<'_>) -> Result<T, String> {
        serde_json::from_str(data.unwrap_or("null")).map_err(|e| e.to_string())
    }
}

/// A serdes built from two closures.
pub struct FnSerdes<S, D> {
    ser: S,
    de: D,
}

/// Builds a [`Serdes`] from a serialize and a deserialize closure.
pub fn serdes_fn<T, S, D>(ser: S, de: D) -> FnSerdes<S, D>
where
    S: Fn(&T) -> Result<String, String> + Send + Sync,
    D: Fn(Option<&str>) -> Result<T, String> + Send + Sync,
{
    FnSerdes { ser, de }
}

impl<T, S, D> Serdes<T> for FnSerdes<S, D>
where
    S: Fn(&T) -> Result<String, String> + Send + Sync,
    D: Fn(Option<&str>) -> Result<T, String> + Send + Sync,
{
    fn serialize(&self, value: &T, _: SerdesContext<'_>) -> Result<String, String> {
        (self.ser)(value)
    }

    fn deserialize(&self, data: Option<&str>, _: SerdesContext<'_>) -> Result<T, String> {
        (self.de)(data)
    }
}

/// JSON in one direction only: values that are serialized by us but never read back (an
/// invoke's input).
pub(crate) struct JsonEncode<T>(PhantomData<fn(T)>);

impl<T> JsonEncode<T> {
    pub(crate) fn new() -> Self {
        JsonEncode(PhantomData)
    }
}

impl<T: Serialize> Serdes<T> for JsonEncode<T> {
    fn serialize(&self, value: &T, _: SerdesContext<'_>) -> Result<String, String> {
        serde_json::to_string(value).map_err(|e| e.to_string())
    }

    fn deserialize(&self, _: Option<&str>, _: SerdesContext<'_>) -> Result<T, String> {
        Err("this value is only ever serialized".into())
    }
}
