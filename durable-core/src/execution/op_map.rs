//! The operation records of one invocation, by wire id.
//!
//! Every replay builds this map from the whole history and looks up every operation the code
//! creates, so it is keyed by the record itself: an entry is one pointer (no key string is
//! allocated per record, and the table stays a quarter of the size of a `String`-keyed one,
//! which matters once a history no longer fits in cache).

use crate::wire::Operation;
use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// Records by their `id`.
#[derive(Clone, Default)]
pub(crate) struct OpMap(HashSet<ById, BuildHasherDefault<IdHasher>>);

impl OpMap {
    pub fn get(&self, id: &str) -> Option<&Arc<Operation>> {
        self.0.get(id).map(|e| &e.0)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.0.contains(id)
    }

    /// Inserts `op`, replacing the record with the same id.
    pub fn insert(&mut self, op: Arc<Operation>) {
        self.0.replace(ById(op));
    }

    pub fn remove(&mut self, id: &str) -> Option<Arc<Operation>> {
        self.0.take(id).map(|e| e.0)
    }

    /// Changes the record `id` in place (copied first if shared). `change` must keep its id.
    pub fn modify(&mut self, id: &str, change: impl FnOnce(&mut Operation)) {
        if let Some(ById(mut op)) = self.0.take(id) {
            change(Arc::make_mut(&mut op));
            debug_assert_eq!(&*op.id, id, "a record's id is its key");
            self.0.insert(ById(op));
        }
    }

    pub fn values(&self) -> impl Iterator<Item = &Arc<Operation>> + Clone {
        self.0.iter().map(|e| &e.0)
    }

    pub fn into_values(self) -> impl Iterator<Item = Arc<Operation>> {
        self.0.into_iter().map(|e| e.0)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl FromIterator<Arc<Operation>> for OpMap {
    fn from_iter<I: IntoIterator<Item = Arc<Operation>>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut set = HashSet::with_capacity_and_hasher(iter.size_hint().0, Default::default());
        for op in iter {
            set.replace(ById(op));
        }
        OpMap(set)
    }
}

impl std::fmt::Debug for OpMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.iter().map(|e| &e.0.id)).finish()
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
        assert_eq!(ids, [std::sync::Arc::<str>::from("b")]);
    }
}
