//! Deterministic operation ids in the JS SDK's scheme (PROTOCOL.md §3.1).
//!
//! The n-th operation created in a context whose path is `P` has the path `P-n` (`n` at the
//! root); its wire id is the first 16 hex digits of md5 of that path. The counter is taken when
//! the operation is *created*, not when it is polled, so joining several durable futures stays
//! deterministic whatever order the executor polls them in.

use std::fmt;
use std::sync::Arc;

/// The unhashed position of an operation: `"1"`, `"2-1"`, `"2-1-3"`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationPath(Arc<str>);

impl OperationPath {
    /// The path of the `n`-th (1-based) operation under `parent` (`None` = root).
    pub fn child(parent: Option<&OperationPath>, n: u64) -> Self {
        match parent {
            None => OperationPath(n.to_string().into()),
            Some(p) => OperationPath(format!("{}-{n}", p.0).into()),
        }
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The wire id of this path.
    pub fn wire_id(&self) -> String {
        wire_id(&self.0)
    }
}

impl fmt::Debug for OperationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OperationPath({})", self.0)
    }
}

impl fmt::Display for OperationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `lowercase_hex(md5(path))[0..16]`.
pub fn wire_id(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = md5::compute(path.as_bytes());
    let mut out = String::with_capacity(16);
    for byte in &digest.0[..8] {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors from PROTOCOL.md §3.3, confirmed end to end against the JS runner.
    #[test]
    fn js_vectors() {
        assert_eq!(wire_id("1"), "c4ca4238a0b92382");
        assert_eq!(wire_id("2"), "c81e728d9d4c2f63");
        assert_eq!(wire_id("3"), "eccbc87e4b5ce2fe");
        assert_eq!(wire_id("4"), "a87ff679a2f3e71d");
        assert_eq!(wire_id("2-1"), "8fbdbf5573b18fae");
        assert_eq!(wire_id("2-2"), "3c46a0407be60a1f");
        assert_eq!(wire_id("2-1-1"), "de9160b4a2cf6c27");
    }

    #[test]
    fn paths_nest() {
        let two = OperationPath::child(None, 2);
        let two_one = OperationPath::child(Some(&two), 1);
        assert_eq!(two_one.as_str(), "2-1");
        assert_eq!(
            OperationPath::child(Some(&two_one), 1).wire_id(),
            "de9160b4a2cf6c27"
        );
    }
}
