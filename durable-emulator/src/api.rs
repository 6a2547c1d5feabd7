//! The emulator's HTTP API, over plain HTTP/1.1 on loopback (it checks no signatures).
//!
//! Every execution ARN and callback id goes into a path percent-encoded (G4: the ARN holds
//! `/`, callback ids are base64).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// What [`encode`] escapes: everything but RFC 3986's unreserved characters.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path segment (everything but unreserved characters, G4).
pub fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// One HTTP/1.1 request to `127.0.0.1:port`; returns the status and the body.
pub fn request(port: u16, method: &str, path: &str, body: Option<&[u8]>) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("malformed HTTP response")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("malformed HTTP status line")?;
    let mut payload = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    Ok((status, payload))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

/// A request with a JSON body (if any) whose 2xx answer is JSON (`null` when empty).
pub fn json_call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let bytes = body.map(Value::to_string);
    let (status, out) = request(port, method, path, bytes.as_deref().map(str::as_bytes))?;
    if !(200..300).contains(&status) {
        return Err(format!(
            "{method} {path}: HTTP {status}: {}",
            String::from_utf8_lossy(&out)
        ));
    }
    if out.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&out).map_err(|e| format!("{method} {path}: {e}"))
}

/// How a callback answer was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answered {
    /// The callback took it.
    Accepted,
    /// 404: the callback is unknown or no longer waits (answered, timed out; G15).
    Gone,
}

/// The emulator's API on `127.0.0.1:port`.
#[derive(Clone, Copy, Debug)]
pub struct Dex {
    /// Its port.
    pub port: u16,
}

impl Dex {
    /// `http://127.0.0.1:PORT`: what `AWS_ENDPOINT_URL_LAMBDA` points a function at.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Whether `GET /health` answers 200.
    pub fn healthy(&self) -> bool {
        request(self.port, "GET", "/health", None).is_ok_and(|(s, _)| s == 200)
    }

    /// `POST /start-durable-execution` (the emulator's own route) with `body`; returns the
    /// execution's ARN.
    pub fn start_execution(&self, body: &Value) -> Result<String, String> {
        let started = json_call(self.port, "POST", "/start-durable-execution", Some(body))?;
        started
            .get("ExecutionArn")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("start-durable-execution returned no ExecutionArn: {started}"))
    }

    /// `GetDurableExecution`: `Status`, `Result`, `Error`, timestamps.
    pub fn execution(&self, arn: &str) -> Result<Value, String> {
        json_call(self.port, "GET", &execution_path(arn), None)
    }

    /// Every event of `GetDurableExecutionHistory(IncludeExecutionData=true)`, all pages.
    pub fn history(&self, arn: &str) -> Result<Vec<Value>, String> {
        let path = format!("{}/history?IncludeExecutionData=true", execution_path(arn));
        let mut events = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page_path = match &marker {
                Some(m) => format!("{path}&Marker={}", encode(m)),
                None => path.clone(),
            };
            let page = json_call(self.port, "GET", &page_path, None)?;
            if let Some(list) = page.get("Events").and_then(Value::as_array) {
                events.extend(list.iter().cloned());
            }
            match page.get("NextMarker") {
                Some(Value::String(m)) if !m.is_empty() => marker = Some(m.clone()),
                Some(Value::Number(n)) => marker = Some(n.to_string()),
                _ => return Ok(events),
            }
            if events.len() > 1_000_000 {
                return Err("the history does not end".into());
            }
        }
    }

    /// `SendDurableExecutionCallbackSuccess` with the raw result bytes (JSON for the SDK's
    /// default serdes).
    pub fn succeed_callback(&self, callback_id: &str, result: &[u8]) -> Result<Answered, String> {
        self.answer(callback_id, "succeed", result)
    }

    /// `SendDurableExecutionCallbackFailure` with `{"ErrorType", "ErrorMessage", ..}`.
    pub fn fail_callback(&self, callback_id: &str, error: &Value) -> Result<Answered, String> {
        self.answer(callback_id, "fail", error.to_string().as_bytes())
    }

    /// `SendDurableExecutionCallbackHeartbeat`.
    pub fn heartbeat_callback(&self, callback_id: &str) -> Result<Answered, String> {
        self.answer(callback_id, "heartbeat", b"")
    }

    /// The path a callback answer goes to (`.../{id}/succeed`).
    pub fn callback_path(callback_id: &str, action: &str) -> String {
        format!(
            "/2025-12-01/durable-execution-callbacks/{}/{action}",
            encode(callback_id)
        )
    }

    fn answer(&self, callback_id: &str, action: &str, body: &[u8]) -> Result<Answered, String> {
        let path = Self::callback_path(callback_id, action);
        let (status, out) = request(self.port, "POST", &path, Some(body))?;
        match status {
            200..=299 => Ok(Answered::Accepted),
            404 => Ok(Answered::Gone),
            _ => Err(format!(
                "POST {path}: HTTP {status}: {}",
                String::from_utf8_lossy(&out)
            )),
        }
    }
}

fn execution_path(arn: &str) -> String {
    format!("/2025-12-01/durable-executions/{}", encode(arn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_path_segments() {
        assert_eq!(encode("a/b+c=d"), "a%2Fb%2Bc%3Dd");
        assert_eq!(encode("x-1_2.3~"), "x-1_2.3~");
        assert_eq!(encode("é $"), "%C3%A9%20%24");
    }

    #[test]
    fn dechunks() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }
}
