//! category: helper-fn
//! replay: diverges
//! input: {"article": "a-19", "editors": ["kim", "lee", "max", "ned", "oli"]}
//! summary: a generic helper `pick<T: Clone>(&[T]) -> T` indexes with fastrand::usize; the body assigns the editor it returns
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Article {
    pub article: String,
    pub editors: Vec<String>,
}

fn pick<T: Clone>(choices: &[T]) -> T {
    choices[fastrand::usize(..choices.len())].clone()
}

#[durable_workflow]
pub async fn helper_assign_editor(ctx: DurableContext, a: Article) -> Result<String, DurableError> {
    let editor: String = pick(&a.editors);
    let article = a.article.clone();
    ctx.step(format!("assign-{editor}"), move |_| async move { Ok::<_, String>(article) })
        .await?;
    Ok(editor)
}

fn main() {}
