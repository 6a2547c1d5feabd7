//! The local backend (written by the engine author; temporary placeholder so the crate builds).
use crate::backend::Backend;

/// Returns the backend named `name` (`local`), or `None` for an unknown name.
pub fn backend_for(name: &str) -> Option<Box<dyn Backend>> {
    let _ = name;
    None
}
