//! category: hashmap-iteration
//! replay: diverges
//! input: {"trip": "t-77", "bookings": {"flight": 45000, "hotel": 84000, "car": 21000, "train": 9000, "museum": 2500}}
//! summary: books every entry of an input HashMap as a saga step, iterating the map; step order and compensation order follow the hash order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Trip {
    pub trip: String,
    pub bookings: HashMap<String, u64>,
}

#[durable_workflow]
pub async fn hashmap_book_trip(ctx: DurableContext, t: Trip) -> Result<Vec<String>, DurableError> {
    let mut saga = ctx.saga();
    let mut booked = Vec::new();
    for (kind, cents) in t.bookings.iter() {
        let (kind, cents) = (kind.clone(), *cents);
        let confirmation: String = saga
            .step(
                &format!("book-{kind}"),
                move |_| async move { Ok::<_, String>(format!("{kind}:{cents}")) },
                |_booking: String, _| async move { Ok::<_, String>(()) },
            )
            .await?;
        booked.push(confirmation);
    }
    Ok(booked)
}

fn main() {}
