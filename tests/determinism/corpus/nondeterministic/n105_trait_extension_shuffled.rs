//! category: trait-method
//! replay: diverges
//! input: {"questions": ["q1", "q2", "q3", "q4", "q5", "q6"]}
//! summary: an extension trait `Shuffled` on Vec<T> shuffles with fastrand; `questions.shuffled()` orders the quiz steps
use durable_runtime::prelude::*;
use serde::Deserialize;

pub trait Shuffled {
    fn shuffled(self) -> Self;
}

impl<T> Shuffled for Vec<T> {
    fn shuffled(mut self) -> Self {
        fastrand::shuffle(&mut self);
        self
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Quiz {
    pub questions: Vec<String>,
}

#[durable_workflow]
pub async fn trait_run_quiz(ctx: DurableContext, q: Quiz) -> Result<Vec<String>, DurableError> {
    let order = q.questions.shuffled();
    for (i, question) in order.iter().enumerate() {
        let qq = question.clone();
        ctx.step(format!("ask-{i}-{question}"), move |_| async move { Ok::<_, String>(qq) }).await?;
    }
    Ok(order)
}

fn main() {}
