//! The operation records of one invocation, by wire id.
//!
//! Every replay hands this map the whole history and looks up every operation the code
//! creates, mostly in the order the history holds them. So records are taken from the
//! history in order: a lookup first tries the next record not yet taken (a comparison, no
//! hashing, no probe into a table that no longer fits in cache once histories are long), and
//! records enter the hash index as they are taken, while they are in cache. The rest of the
//! history is indexed all at once only when a lookup finds neither (code that asks out of
//! order, or an operation history does not hold while records remain untaken).
//!
//! The index is keyed by the record itself: an entry is one pointer (no key string is
//! allocated per record).

use crate::wire::Operation;
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// How many untaken records a lookup compares before it indexes the rest.
const LOOK_AHEAD: usize = 8;

/// Records by their `id`.
#[derive(Clone)]
pub(crate) struct OpMap {
    /// Records taken so far (and every record inserted since).
    index: HashSet<ById, BuildHasherDefault<IdHasher>>,
    /// The history's records not yet taken, in history order. None shares an id with a
    /// record of `index` (insertions index the rest first).
    untaken: std::vec::IntoIter<Arc<Operation>>,
}

impl Default for OpMap {
    fn default() -> Self {
        OpMap {
            index: HashSet::default(),
            untaken: Vec::new().into_iter(),
        }
    }
}

impl OpMap {
    /// The records of a history, in its order.
    ///
    /// Ids are unique within an execution (PROTOCOL.md §3.4). Should a history repeat one
    /// anyway, the later record replaces the earlier once both are indexed; checking for
    /// that up front would cost the pass over the whole history that taking records in
    /// order saves.
    pub fn from_history(records: Vec<Arc<Operation>>) -> Self {
        let mut index = HashSet::default();
        // Room for the whole history, so taking records never rehashes.
        index.reserve(records.len());
        let mut untaken = records.into_iter();
        // The `EXECUTION` record leads the history, and the code never asks for it in turn.
        while untaken
            .as_slice()
            .first()
            .is_some_and(|op| op.operation_type == crate::wire::OperationType::Execution)
        {
            if let Some(op) = untaken.next() {
                index.replace(ById(op));
            }
        }
        OpMap { index, untaken }
    }

    /// The record `id`. Takes `&mut self`: a lookup may move records into the index.
    pub fn get(&mut self, id: &str) -> Option<&Arc<Operation>> {
        let untaken = self.untaken.as_slice();
        // Replaying in history order: the next record. Otherwise one taken before (a future
        // polling its record), or one of the next few (concurrent branches interleave
        // differently from the run that wrote the history): taken with those before it.
        let skip = if untaken.first().is_some_and(|next| &*next.id == id) {
            Some(0)
        } else if untaken.is_empty() || self.index.contains(id) {
            None
        } else {
            let ahead = untaken.iter().take(LOOK_AHEAD).position(|op| &*op.id == id);
            if ahead.is_none() {
                self.take_all();
            }
            ahead
        };
        if let Some(skip) = skip {
            for op in self.untaken.by_ref().take(skip + 1) {
                self.index.replace(ById(op));
            }
        }
        self.index.get(id).map(|e| &e.0)
    }

    /// The records of `ids` that exist, each once, in the order of `ids`, without moving any
    /// into the index: the untaken history is searched from its end, where the operations an
    /// invocation is told were updated usually are, and only as far as needed.
    pub fn find_many<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<Arc<Operation>> {
        let mut order = Vec::new();
        let mut found: HashMap<&str, Option<Arc<Operation>>> = HashMap::new();
        for id in ids {
            if !found.contains_key(id) {
                order.push(id);
                found.insert(id, self.index.get(id).map(|e| e.0.clone()));
            }
        }
        let mut missing = found.values().filter(|op| op.is_none()).count();
        for op in self.untaken.as_slice().iter().rev() {
            if missing == 0 {
                break;
            }
            if let Some(slot @ None) = found.get_mut(&*op.id) {
                *slot = Some(op.clone());
                missing -= 1;
            }
        }
        order
            .into_iter()
            .filter_map(|id| found.remove(id).flatten())
            .collect()
    }

    pub fn contains_key(&mut self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Inserts `op`, replacing the record with the same id.
    pub fn insert(&mut self, op: Arc<Operation>) {
        self.take_all();
        self.index.replace(ById(op));
    }

    pub fn remove(&mut self, id: &str) -> Option<Arc<Operation>> {
        self.take_all();
        self.index.take(id).map(|e| e.0)
    }

    /// Changes the record `id` in place (copied first if shared). `change` must keep its id.
    pub fn modify(&mut self, id: &str, change: impl FnOnce(&mut Operation)) {
        self.take_all();
        if let Some(ById(mut op)) = self.index.take(id) {
            change(Arc::make_mut(&mut op));
            debug_assert_eq!(&*op.id, id, "a record's id is its key");
            self.index.insert(ById(op));
        }
    }

    pub fn values(&self) -> impl Iterator<Item = &Arc<Operation>> + Clone {
        self.index.iter().map(|e| &e.0).chain(self.untaken.as_slice())
    }

    pub fn into_values(self) -> impl Iterator<Item = Arc<Operation>> {
        self.index.into_iter().map(|e| e.0).chain(self.untaken)
    }

    pub fn len(&self) -> usize {
        self.index.len() + self.untaken.len()
    }

    /// Indexes every record not yet taken.
    fn take_all(&mut self) {
        for op in self.untaken.by_ref() {
            self.index.replace(ById(op));
        }
    }
}

impl FromIterator<Arc<Operation>> for OpMap {
    fn from_iter<I: IntoIterator<Item = Arc<Operation>>>(iter: I) -> Self {
        OpMap::from_history(iter.into_iter().collect())
    }
}

impl std::fmt::Debug for OpMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.values().map(|op| &op.id)).finish()
    }
}

/// A record, equal to and hashed as its id (so the set can be searched by `&str`).
#[derive(Clone)]
struct ById(Arc<Operation>);

impl PartialEq for ById {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for ById {}

impl Hash for ById {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes: `Borrow<str>` requires the same hash for the borrowed form.
        (*self.0.id).hash(state);
    }
}

impl Borrow<str> for ById {
    fn borrow(&self) -> &str {
        &self.0.id
    }
}

/// Hashes operation ids: short strings the SDK derived from MD5 or the service assigned,
/// looked up on every operation of every replay. SipHash's resistance to chosen keys buys
/// nothing here (whoever controls the ids controls the execution) and costs several times
/// more than this multiply-rotate hash.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(26) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(26) ^ u64::from(*b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(26) ^ u64::from(b)).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }

    fn finish(&self) -> u64 {
        // Fold the high bits down: hashbrown takes its bucket index from the low bits and
        // its control byte from the top 7.
        self.0 ^ (self.0 >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{OperationStatus, OperationType};

    fn op(id: &str, status: OperationStatus) -> Arc<Operation> {
        Arc::new(Operation::new(id.to_owned(), OperationType::Step, status))
    }

    #[test]
    fn records_are_found_replaced_changed_and_removed_by_id() {
        let mut map: OpMap = [
            op("a", OperationStatus::Started),
            op("b", OperationStatus::Started),
        ]
        .into_iter()
        .collect();
        assert_eq!(map.len(), 2);
        assert!(map.contains_key("a") && !map.contains_key("c"));
        map.insert(op("a", OperationStatus::Succeeded));
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("a").unwrap().status, OperationStatus::Succeeded);
        let shared = map.get("b").unwrap().clone();
        map.modify("b", |o| o.status = OperationStatus::Failed);
        assert_eq!(map.get("b").unwrap().status, OperationStatus::Failed);
        assert_eq!(
            shared.status,
            OperationStatus::Started,
            "a shared record is copied first"
        );
        map.modify("missing", |_| panic!("no record, no change"));
        assert!(map.remove("a").is_some() && map.get("a").is_none());
        let mut ids: Vec<_> = map.into_values().map(|o| o.id.clone()).collect();
        ids.sort();
        assert_eq!(ids, ["b"]);
    }

    fn history(n: usize) -> OpMap {
        let mut records = vec![Arc::new(Operation::new(
            "exec",
            OperationType::Execution,
            OperationStatus::Started,
        ))];
        records.extend((0..n).map(|i| op(&format!("op{i}"), OperationStatus::Succeeded)));
        OpMap::from_history(records)
    }

    #[test]
    fn records_asked_in_history_order_are_taken_without_indexing_the_rest() {
        let mut map = history(100);
        assert_eq!(map.index.len(), 1, "the EXECUTION record is indexed up front");
        for i in 0..50 {
            assert_eq!(&*map.get(&format!("op{i}")).unwrap().id, format!("op{i}"));
            // Asked again (a future polling its record): found in the index.
            assert!(map.contains_key(&format!("op{i}")));
        }
        assert_eq!((map.index.len(), map.untaken.len()), (51, 50));
        assert_eq!(map.len(), 101);
        assert_eq!(map.values().count(), 101);
        // A little ahead (concurrent branches interleave): taken with those before it.
        assert!(map.get("op53").is_some());
        assert_eq!(map.untaken.len(), 46);
        assert!(map.get("op50").is_some() && map.get("op52").is_some());
        // Far ahead, or not in the history at all: the rest is indexed, nothing is lost.
        assert!(map.get("op90").is_some());
        assert!(map.untaken.as_slice().is_empty());
        assert!(map.get("new").is_none());
        assert_eq!(map.len(), 101);
        assert!((0..100).all(|i| map.contains_key(&format!("op{i}"))));
    }

    #[test]
    fn an_insertion_replaces_an_untaken_record() {
        let mut map = history(10);
        map.insert(op("op7", OperationStatus::Failed));
        assert_eq!(map.len(), 11);
        assert_eq!(map.get("op7").unwrap().status, OperationStatus::Failed);
        map.modify("op8", |o| o.status = OperationStatus::Pending);
        assert_eq!(map.get("op8").unwrap().status, OperationStatus::Pending);
        assert!(map.remove("op9").is_some() && map.get("op9").is_none());
        assert_eq!(map.len(), 10);
    }

    #[test]
    fn a_repeated_id_ends_as_the_later_record() {
        let records = vec![
            op("a", OperationStatus::Started),
            op("b", OperationStatus::Started),
            op("a", OperationStatus::Succeeded),
        ];
        let map = OpMap::from_history(records.clone());
        assert_eq!(map.find_many(["a"])[0].status, OperationStatus::Succeeded);
        let mut map = OpMap::from_history(records);
        assert!(map.get("zzz").is_none(), "indexes everything");
        assert_eq!(map.get("a").unwrap().status, OperationStatus::Succeeded);
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn find_many_looks_up_without_taking() {
        let mut map = history(20);
        assert!(map.get("op0").is_some());
        let found = map.find_many(["op19", "op0", "nope", "op19", "exec"]);
        let ids: Vec<&str> = found.iter().map(|o| &*o.id).collect();
        assert_eq!(ids, ["op19", "op0", "exec"], "each once, in the order asked");
        assert_eq!(map.untaken.len(), 19, "nothing taken");
    }
}
