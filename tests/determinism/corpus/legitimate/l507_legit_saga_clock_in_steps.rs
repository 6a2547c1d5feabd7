//! category: legit-saga
//! input: {"trip_id": "trip-9", "traveler": "noor", "hotel": "full", "nights": 3}
//! summary: travel booking saga reads SystemTime and a uuid only inside saga step bodies and compensations; the hotel fails, so the flight booking is compensated durably
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trip {
    pub trip_id: String,
    pub traveler: String,
    pub hotel: String,
    pub nights: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Booking {
    pub confirmation: String,
    pub booked_at_ms: u128,
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

#[durable_workflow]
pub async fn hx_legit_book_trip_saga(ctx: DurableContext, trip: Trip) -> Result<String, DurableError> {
    let mut saga = ctx.saga().step_retry(RetryPresets::none());
    let traveler = trip.traveler.clone();
    let outcome: Result<(), DurableError> = async {
        saga.step(
            "book-flight",
            move |_| async move {
                Ok::<_, String>(Booking { confirmation: format!("FL-{}-{traveler}", uuid::Uuid::new_v4()), booked_at_ms: now_ms() })
            },
            |booking: Booking, s| async move {
                s.logger.info(format!("cancelled {} at {}", booking.confirmation, now_ms()));
                Ok::<_, String>(())
            },
        )
        .await?;
        let (hotel, nights) = (trip.hotel.clone(), trip.nights);
        saga.step(
            "book-hotel",
            move |_| async move {
                if hotel == "full" {
                    return Err(format!("{hotel} has no room for {nights} nights"));
                }
                Ok(Booking { confirmation: format!("HT-{hotel}"), booked_at_ms: now_ms() })
            },
            |_booking: Booking, _| async move { Ok::<_, String>(()) },
        )
        .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(format!("{} confirmed", trip.trip_id)),
        Err(e) if e.is_fatal() => Err(e),
        Err(e) => {
            ctx.logger().warn(format!("rolling back {}: {e}", trip.trip_id));
            saga.compensate().await?;
            Ok(format!("{} rolled back", trip.trip_id))
        }
    }
}

fn main() {}
