//! category: map-parallel
//! input: {"images": ["a.png", "b.png", "c.png", "d.png"]}
//! summary: ctx.map over input items with an item_namer; each item's step writes a temp file and reads the clock inside the step body
use durable_runtime::prelude::*;
use durable_runtime::StepContext;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Images {
    pub images: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Thumb {
    pub image: String,
    pub bytes: usize,
    pub made_at_ms: u128,
}

#[durable_workflow]
pub async fn legit_thumbnail_images(ctx: DurableContext, i: Images) -> Result<usize, DurableError> {
    let batch = ctx
        .map("thumbnails", i.images, |item: DurableContext, image: String, index: usize| async move {
            item.step(format!("thumb-{index}"), move |_: StepContext| async move {
                let path = std::env::temp_dir().join(format!("durable-determinism-l032-{image}.thumb"));
                std::fs::write(&path, image.repeat(10)).map_err(|e| e.to_string())?;
                let bytes = std::fs::metadata(&path).map_err(|e| e.to_string())?.len() as usize;
                let made = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
                Ok::<_, String>(Thumb { image, bytes, made_at_ms: made.as_millis() })
            })
            .await
        })
        .item_namer(|image: &String, _| format!("image-{image}"))
        .max_concurrency(2)
        .await?;
    batch.throw_if_error()?;
    Ok(batch.success_count())
}

fn main() {}
