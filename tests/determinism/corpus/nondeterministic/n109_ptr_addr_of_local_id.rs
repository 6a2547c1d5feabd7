//! category: pointer-address
//! replay: diverges
//! input: {"session": "sess-2", "pages": ["home", "cart"]}
//! summary: derives a "unique" session token from `std::ptr::addr_of!(state) as usize` of a heap-allocated state and returns it
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Visit {
    pub session: String,
    pub pages: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Tracked {
    pub token: String,
    pub pages: usize,
}

pub struct SessionState {
    pub pages: Vec<String>,
}

#[durable_workflow]
pub async fn ptr_track_visit(ctx: DurableContext, v: Visit) -> Result<Tracked, DurableError> {
    let state = Box::new(SessionState { pages: v.pages.clone() });
    let token = format!("{}-{:x}", v.session, std::ptr::addr_of!(*state) as usize);
    let pages = state.pages.len();
    ctx.step("record-visit", move |_| async move { Ok::<_, String>(pages) }).await?;
    Ok(Tracked { token, pages })
}

fn main() {}
