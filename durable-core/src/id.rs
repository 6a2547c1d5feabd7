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
    ///
    /// Memoized per thread: every replay asks again for the ids of the paths it has seen
    /// (and every execution uses the paths `1`, `2`, ...), and MD5 costs about a thousand
    /// instructions where a lookup costs a few dozen. Bounded: a direct-mapped table.
    pub fn wire_id(&self) -> String {
        self.with_wire_id(hex_string)
    }

    /// [`wire_id`](Self::wire_id) as shared text, the form operations carry it in.
    pub(crate) fn shared_wire_id(&self) -> crate::wire::SharedStr {
        self.with_wire_id(|id| match std::str::from_utf8(id) {
            Ok(hex) => hex.into(),
            Err(_) => hex_string(id).into(),
        })
    }

    fn with_wire_id<R>(&self, out: impl FnOnce(&[u8; 16]) -> R) -> R {
        thread_local! {
            static IDS: std::cell::RefCell<Vec<Option<CachedId>>> =
                std::cell::RefCell::new(vec![None; ID_CACHE_SLOTS]);
        }
        let slot = fnv1a(self.0.as_bytes()) as usize % ID_CACHE_SLOTS;
        IDS.with(|ids| {
            let mut ids = ids.borrow_mut();
            if let Some((path, id)) = &ids[slot] {
                if **path == *self.0 {
                    return out(id);
                }
            }
            let id = wire_id_bytes(&self.0);
            ids[slot] = Some((self.0.clone(), id));
            out(&id)
        })
    }
}

/// A path and the hex digits of its wire id.
type CachedId = (Arc<str>, [u8; 16]);

/// Entries of the per-thread wire id cache (a few tens of KiB per thread).
const ID_CACHE_SLOTS: usize = 1024;

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn hex_string(id: &[u8; 16]) -> String {
    // The bytes are ASCII hex digits: one copy, no per-char pushes.
    std::str::from_utf8(id).map_or_else(|_| id.iter().map(|b| char::from(*b)).collect(), str::to_owned)
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
    hex_string(&wire_id_bytes(path))
}

/// The 16 ASCII hex digits of [`wire_id`].
fn wire_id_bytes(path: &str) -> [u8; 16] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = md5::compute(path.as_bytes());
    let mut out = [0u8; 16];
    for (i, byte) in digest.0[..8].iter().enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memoized_id_of_a_path_is_its_wire_id_also_after_collisions() {
        // More paths than slots: every slot is evicted at least once, and ids stay right.
        for round in 0..2 {
            for n in 1..=3000u64 {
                let path = OperationPath::child(Some(&OperationPath::child(None, 7)), n);
                assert_eq!(path.wire_id(), wire_id(path.as_str()), "round {round}, {path}");
            }
        }
        assert_eq!(OperationPath::child(None, 1).wire_id(), "c4ca4238a0b92382");
    }

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
