//! category: io-in-step
//! input: {"mirrors": ["m1", "m2", "m3"]}
//! summary: a step body fans out with tokio::spawn and races with an unbiased tokio::select!; only the step's recorded result reaches the workflow
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Mirrors {
    pub mirrors: Vec<String>,
}

#[durable_workflow]
pub async fn legit_fastest_mirror(ctx: DurableContext, m: Mirrors) -> Result<String, DurableError> {
    let mirrors = m.mirrors.clone();
    let fastest: String = ctx
        .step("probe-mirrors", move |_| async move {
            let handles: Vec<_> = mirrors
                .into_iter()
                .map(|name| tokio::spawn(async move { (name.len(), name) }))
                .collect();
            let mut best = String::new();
            for h in handles {
                let (_, name) = h.await.map_err(|e| e.to_string())?;
                if best.is_empty() {
                    best = name;
                }
            }
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
            let _ = tx.send(best.clone());
            let winner = tokio::select! {
                Some(v) = rx.recv() => v,
                _ = tokio::time::sleep(std::time::Duration::from_millis(20)) => best,
            };
            Ok::<_, String>(winner)
        })
        .await?;
    let f = fastest.clone();
    ctx.step("pin-mirror", move |_| async move { Ok::<_, String>(f) }).await?;
    Ok(fastest)
}

fn main() {}
