//! category: saga
//! input: {"user": "bo", "flight": "LH400", "hotel": "full", "card": "4242"}
//! summary: a saga whose forward steps and compensations read the clock, make uuids and write temp files; the hotel fails, so the flight is compensated
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct TripRequest {
    pub user: String,
    pub flight: String,
    pub hotel: String,
    pub card: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Booking {
    pub id: String,
    pub booked_at: u64,
}

fn stamp() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[durable_workflow]
pub async fn legit_book_trip(ctx: DurableContext, r: TripRequest) -> Result<String, DurableError> {
    let mut saga = ctx.saga().step_retry(RetryPresets::none());
    let flight = r.flight.clone();
    let outcome: Result<(), DurableError> = async {
        saga.step(
            "book-flight",
            move |_| async move {
                Ok::<_, String>(Booking {
                    id: format!("{flight}-{}", uuid::Uuid::new_v4()),
                    booked_at: stamp(),
                })
            },
            |booking: Booking, _| async move {
                let log = std::env::temp_dir().join("durable-determinism-l004-cancellations.log");
                std::fs::write(log, format!("cancelled {} at {}\n", booking.id, stamp())).map_err(|e| e.to_string())
            },
        )
        .await?;
        let hotel = r.hotel.clone();
        saga.step(
            "book-hotel",
            move |_| async move {
                if hotel == "full" {
                    return Err(format!("hotel {hotel} is full"));
                }
                Ok(Booking { id: hotel, booked_at: stamp() })
            },
            |_booking: Booking, _| async move { Ok::<_, String>(()) },
        )
        .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(format!("{} booked", r.user)),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => {
            saga.compensate().await?;
            Ok(format!("{} rolled back", r.user))
        }
    }
}

fn main() {}
