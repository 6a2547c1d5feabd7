//! category: pointer-address
//! replay: diverges
//! input: {"tasks": [["backup", 2], ["reindex", 1], ["vacuum", 2], ["rotate", 1], ["report", 2]]}
//! summary: sorts boxed tasks by priority, breaking ties by their heap address (`&**b as *const Task as usize`); the step order follows
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Maintenance {
    pub tasks: Vec<(String, u32)>,
}

pub struct Task {
    pub name: String,
    pub priority: u32,
}

#[durable_workflow]
pub async fn ptr_order_maintenance(ctx: DurableContext, m: Maintenance) -> Result<Vec<String>, DurableError> {
    let mut tasks: Vec<Box<Task>> = m
        .tasks
        .into_iter()
        .map(|(name, priority)| Box::new(Task { name, priority }))
        .collect();
    // Interleave a scratch allocation per task, as the real parser does.
    let _scratch: Vec<Box<[u8; 64]>> = (0..tasks.len()).map(|i| Box::new([i as u8; 64])).collect();
    tasks.sort_by_key(|b| (b.priority, std::cmp::Reverse(&**b as *const Task as usize)));
    let mut order = Vec::new();
    for t in &tasks {
        let name = t.name.clone();
        ctx.step(format!("run-{}", t.name), move |_| async move { Ok::<_, String>(name) }).await?;
        order.push(t.name.clone());
    }
    Ok(order)
}

fn main() {}
