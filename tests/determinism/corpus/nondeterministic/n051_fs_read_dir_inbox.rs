//! category: fs
//! replay: diverges
//! input: {"mailbox": "support", "message": "printer on fire"}
//! summary: drops the message into a local inbox directory and processes every file std::fs::read_dir lists there; the inbox fills up run after run
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Incoming {
    pub mailbox: String,
    pub message: String,
}

#[durable_workflow]
pub async fn fs_process_inbox(ctx: DurableContext, m: Incoming) -> Result<usize, DurableError> {
    let inbox = std::env::temp_dir().join(format!("durable-determinism-n051-{}", m.mailbox));
    let _ = std::fs::create_dir_all(&inbox);
    let list = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&inbox)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    let next = list().last().and_then(|n| n.get(..6)?.parse::<u64>().ok()).map_or(0, |n| n + 1);
    let _ = std::fs::write(inbox.join(format!("{next:06}.msg")), &m.message);
    let names = list();
    // Only the newest few; older messages are archived.
    for name in names.iter().rev().take(3) {
        let n = name.clone();
        ctx.step(format!("handle-{name}"), move |_| async move { Ok::<_, String>(n) })
            .await?;
    }
    for old in names.iter().rev().skip(20) {
        let _ = std::fs::remove_file(inbox.join(old));
    }
    Ok(names.len())
}

fn main() {}
