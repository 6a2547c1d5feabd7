//! category: look-alike-names
//! input: {"paths": ["/Media//Photos/./cat.JPG", "/media/photos/dog.png"]}
//! summary: the user's own `mod fs` with a pure `normalize` fn (and a variable named `fs`) is used in the body
use durable_runtime::prelude::*;
use serde::Deserialize;

mod fs {
    /// Lower-cases and collapses `//` and `/./` in a storage key.
    pub fn normalize(path: &str) -> String {
        path.split('/')
            .filter(|seg| !seg.is_empty() && *seg != ".")
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join("/")
    }

    pub fn read_only(path: &str) -> bool {
        path.starts_with("archive/")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cleanup {
    pub paths: Vec<String>,
}

#[durable_workflow]
pub async fn legit_cleanup_media(ctx: DurableContext, c: Cleanup) -> Result<usize, DurableError> {
    let mut deleted = 0;
    for raw in &c.paths {
        let key = fs::normalize(raw);
        if fs::read_only(&key) {
            continue;
        }
        let fs = key.clone();
        ctx.step(format!("delete-{key}"), move |_| async move { Ok::<_, String>(fs) }).await?;
        deleted += 1;
    }
    Ok(deleted)
}

fn main() {}
