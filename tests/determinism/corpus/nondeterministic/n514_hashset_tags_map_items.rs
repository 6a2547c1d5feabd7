//! category: hashmap-iteration
//! replay: diverges
//! input: {"article_id": "a-901", "tags": ["rust", "async", "durable", "aws", "lambda", "rust", "async"]}
//! summary: content indexing dedupes tags into a HashSet, collects it with .iter().cloned().collect() into the map's items, so item order and each item's step name follow hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub article_id: String,
    pub tags: Vec<String>,
}

#[durable_workflow]
pub async fn hx_index_article_tags(ctx: DurableContext, article: Article) -> Result<Vec<String>, DurableError> {
    let id = article.article_id.clone();
    ctx.step("store-article", move |_| async move { Ok::<_, String>(id) }).await?;

    let unique: HashSet<String> = article.tags.iter().map(|t| t.to_lowercase()).collect();
    let tags: Vec<String> = unique.iter().cloned().collect();

    let article_id = article.article_id.clone();
    let indexed = ctx
        .map("index-tags", tags, move |item_ctx: DurableContext, tag: String, _| {
            let article_id = article_id.clone();
            async move {
                item_ctx
                    .step(format!("update-tag-index-{tag}"), move |_| async move {
                        Ok::<_, String>(format!("{tag}:{article_id}"))
                    })
                    .await
            }
        })
        .await?;
    Ok(indexed.into_results())
}

fn main() {}
