//! Deterministic operation ids in the JS SDK's scheme (PROTOCOL.md §3.1).
//!
//! The n-th operation created in a context whose path is `P` has the path `P-n` (`n` at the
//! root); its wire id is the first 16 hex digits of md5 of that path. The counter is taken when
//! the operation is *created*, not when it is polled, so joining several durable futures stays
//! deterministic whatever order the executor polls them in.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// The unhashed position of an operation: `"1"`, `"2-1"`, `"2-1-3"`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationPath(smol_str::SmolStr);

impl OperationPath {
    /// The path of the `n`-th (1-based) operation under `parent` (`None` = root).
    pub fn child(parent: Option<&OperationPath>, n: u64) -> Self {
        // Paths are short: built in place, they allocate only past 23 bytes (deep nesting).
        let mut path = smol_str::SmolStrBuilder::new();
        if let Some(p) = parent {
            path.push_str(&p.0);
            path.push('-');
        }
        std::fmt::Write::write_fmt(&mut path, format_args!("{n}")).expect("writing to a string");
        OperationPath(path.finish())
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

/// The wire ids of the operations created in one context, by position, memoized for the whole
/// process.
///
/// Paths do not depend on the execution (every execution's root creates `1`, `2`, ...), and
/// every replay asks again for the ids it asked for before, in the same order: a dense table per
/// context path, read in order, answers in a few nanoseconds where MD5 costs about 150, and
/// stays fast however long the history is. Shared across threads, since the invocation that
/// replays may run on another worker thread than the one that first ran. Bounded: once
/// [`MEMO_CAPACITY`] ids are held, further ids are computed each time.
pub(crate) struct ChildIds {
    /// The context's path (`None` = root): its `n`-th operation has the path `path-n`.
    parent: Option<OperationPath>,
    /// Position `n` at index `n - 1`; `UNKNOWN` where not yet computed.
    ids: RwLock<Vec<[u8; 16]>>,
}

/// An entry not yet computed (hex digits are never NUL).
const UNKNOWN: [u8; 16] = [0; 16];

/// How many ids the process memoizes at most (16 bytes each: 4 MiB).
const MEMO_CAPACITY: usize = 1 << 18;

/// Ids memoized so far, all tables together; a table counts as 8 (its registry entry).
static MEMOIZED: AtomicUsize = AtomicUsize::new(0);

fn memo_has_room(n: usize) -> bool {
    MEMOIZED
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
            (held + n <= MEMO_CAPACITY).then_some(held + n)
        })
        .is_ok()
}

impl ChildIds {
    /// The table of the context at `parent` (`None` = root).
    pub fn of(parent: Option<&OperationPath>) -> Arc<ChildIds> {
        static TABLES: OnceLock<Mutex<HashMap<Option<OperationPath>, Arc<ChildIds>>>> = OnceLock::new();
        let tables = TABLES.get_or_init(Default::default);
        let mut tables = tables.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(table) = tables.get(&parent.cloned()) {
            return table.clone();
        }
        let table = Arc::new(ChildIds {
            parent: parent.cloned(),
            ids: RwLock::new(Vec::new()),
        });
        if memo_has_room(8) {
            tables.insert(table.parent.clone(), table.clone());
        }
        table
    }

    /// The path of the context these are the operations of (`None` = root).
    pub fn parent(&self) -> Option<&OperationPath> {
        self.parent.as_ref()
    }

    /// The path of this context's `n`-th operation (1-based).
    pub fn path(&self, n: u64) -> OperationPath {
        OperationPath::child(self.parent.as_ref(), n)
    }

    /// The wire id of this context's `n`-th operation (1-based), whose path is `path`.
    pub fn wire_id(&self, n: u64, path: &OperationPath) -> crate::wire::SharedStr {
        let slot = usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(1);
        let known = self
            .ids
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(slot)
            .copied()
            .filter(|id| *id != UNKNOWN);
        let id = known.unwrap_or_else(|| {
            let id = wire_id_bytes(path.as_str());
            self.remember(slot, id);
            id
        });
        std::str::from_utf8(&id).map_or_else(|_| hex_string(&id).into(), Into::into)
    }

    fn remember(&self, slot: usize, id: [u8; 16]) {
        let mut ids = self.ids.write().unwrap_or_else(|p| p.into_inner());
        if slot < ids.len() {
            ids[slot] = id;
        } else if memo_has_room(slot + 1 - ids.len()) {
            ids.resize(slot + 1, UNKNOWN);
            ids[slot] = id;
        }
    }
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
    fn memoized_ids_are_wire_ids_in_any_order_and_from_any_thread() {
        let seven = OperationPath::child(None, 7);
        let table = ChildIds::of(Some(&seven));
        assert!(
            Arc::ptr_eq(&table, &ChildIds::of(Some(&seven))),
            "one table per path"
        );
        // Out of order (a gap), then in order, twice: computed, then remembered.
        for round in 0..2 {
            for n in [3000u64, 1, 2, 2999, 17] {
                let path = table.path(n);
                assert_eq!(path.as_str(), format!("7-{n}"));
                assert_eq!(&*table.wire_id(n, &path), wire_id(path.as_str()), "round {round}");
            }
        }
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    let root = ChildIds::of(None);
                    (1..=500u64).all(|n| *root.wire_id(n, &root.path(n)) == *wire_id(&n.to_string()))
                })
            })
            .collect();
        assert!(threads.into_iter().all(|t| t.join().unwrap()));
        assert_eq!(
            &*ChildIds::of(None).wire_id(1, &OperationPath::child(None, 1)),
            "c4ca4238a0b92382"
        );
    }

    #[test]
    fn the_memo_is_bounded() {
        // Far past the capacity: answered right, not stored.
        let table = ChildIds::of(Some(&OperationPath::child(None, 99)));
        let n = MEMO_CAPACITY as u64 * 4;
        let path = table.path(n);
        assert_eq!(&*table.wire_id(n, &path), wire_id(path.as_str()));
        assert!(table.ids.read().unwrap().len() < MEMO_CAPACITY);
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
