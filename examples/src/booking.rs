//! The seed's travel-booking saga: book a flight, a hotel and a car, then take the payment.
//! If anything fails, the bookings already made are cancelled in reverse order, and the
//! workflow fails with the original error.
//!
//! Written with [`DurableContext::saga`]: each booking is a step that registers its
//! compensation once it succeeded. On failure `saga.compensate()` runs the compensations as
//! durable steps (`compensate-book-car`, `compensate-book-hotel`, `compensate-book-flight`),
//! each at most once per attempt: if the invocation dies in the middle of compensating, the
//! next one skips the cancellations already done and finishes the rest.
//!
//! The stand-in services fail on request: flight `sold-out`, hotel `full`, car `none-left`,
//! card `declined`. A user id starting with `crash-` makes the first attempt to cancel the
//! car crash the whole process (a panic, as a Lambda running out of memory would), to show
//! compensation surviving it.

use durable_runtime::prelude::*;
use durable_runtime::Saga;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Mutex;

/// The trip to book.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookingRequest {
    /// Who travels.
    pub user_id: String,
    /// Flight to book.
    pub flight_id: String,
    /// Hotel to book.
    pub hotel_id: String,
    /// Car to rent.
    pub car_id: String,
    /// Card to charge.
    pub card: String,
}

/// A booking made by one of the stand-in services.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    /// Confirmation code.
    pub id: String,
    /// Price in cents.
    pub amount_cents: u64,
    /// Travel dates.
    pub dates: String,
}

/// The payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Receipt.
    pub receipt: String,
    /// Amount charged, in cents.
    pub amount_cents: u64,
}

/// What the workflow returns when everything is booked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Itinerary {
    /// Booking id (a UUID recorded once, so replays see the same one).
    pub booking_id: String,
    /// `confirmed`.
    pub status: String,
    /// The flight.
    pub flight: Reservation,
    /// The hotel.
    pub hotel: Reservation,
    /// The car.
    pub car: Reservation,
    /// The payment.
    pub payment: Payment,
}

/// A service had nothing left.
#[derive(Debug)]
pub struct SoldOut(pub String);

impl std::fmt::Display for SoldOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is sold out", self.0)
    }
}

/// The card was declined.
#[derive(Debug)]
pub struct PaymentDeclined(pub String);

impl std::fmt::Display for PaymentDeclined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "card {} was declined", self.0)
    }
}

/// Users whose car cancellation already crashed once (see the module docs).
static CRASHED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn reserve(kind: &str, id: &str, unavailable: &str, cents: u64, user: &str) -> Result<Reservation, SoldOut> {
    if id == unavailable {
        return Err(SoldOut(format!("{kind} {id}")));
    }
    Ok(Reservation {
        id: format!("{}-{user}-{id}", &kind[..2].to_uppercase()),
        amount_cents: cents,
        dates: "2025-06-01/2025-06-08".into(),
    })
}

/// The stand-in airline.
pub fn book_flight(user: &str, flight_id: &str) -> Result<Reservation, SoldOut> {
    reserve("flight", flight_id, "sold-out", 45_000, user)
}

/// The stand-in hotel chain.
pub fn book_hotel(user: &str, hotel_id: &str) -> Result<Reservation, SoldOut> {
    reserve("hotel", hotel_id, "full", 84_000, user)
}

/// The stand-in car rental.
pub fn book_car(user: &str, car_id: &str) -> Result<Reservation, SoldOut> {
    reserve("car", car_id, "none-left", 21_000, user)
}

/// Cancels a reservation (the stand-ins always can); for `crash-` users the first car
/// cancellation panics instead.
pub fn cancel(kind: &str, reservation: &Reservation, user: &str) -> Result<(), String> {
    if kind == "car" && user.starts_with("crash-") {
        let mut crashed = CRASHED.lock().unwrap_or_else(|p| p.into_inner());
        if crashed.get_or_insert_with(HashSet::new).insert(user.to_owned()) {
            drop(crashed);
            panic!("simulated crash while cancelling car {}", reservation.id);
        }
    }
    Ok(())
}

/// Charges the card: not retried, a declined card stays declined.
#[step(name = "process-payment", retry = "none", semantics = "at_most_once")]
pub async fn process_payment(
    user_id: String,
    card: String,
    amount_cents: u64,
) -> Result<Payment, PaymentDeclined> {
    if card == "declined" {
        return Err(PaymentDeclined(card));
    }
    Ok(Payment {
        receipt: format!("RCPT-{user_id}-{amount_cents}"),
        amount_cents,
    })
}

/// Books the trip; compensates on failure.
#[durable_workflow(name = "booking-saga")]
pub async fn booking_saga(ctx: DurableContext, request: BookingRequest) -> Result<Itinerary, DurableError> {
    let mut saga = ctx.saga();
    match book_all(&ctx, &mut saga, &request).await {
        Ok(itinerary) => Ok(itinerary),
        // Fatal errors (non-determinism, suspension) are not business failures: no undo.
        Err(e) if e.is_fatal() => Err(e),
        Err(e) => {
            ctx.logger()
                .warn(format!("booking failed ({e}); cancelling {:?}", saga.pending()));
            saga.compensate().await?;
            Err(e)
        }
    }
}

async fn book_all(
    ctx: &DurableContext,
    saga: &mut Saga,
    r: &BookingRequest,
) -> Result<Itinerary, DurableError> {
    let user = r.user_id.clone();
    let (u1, u2, u3, u4, u5, u6) = (
        user.clone(),
        user.clone(),
        user.clone(),
        user.clone(),
        user.clone(),
        user.clone(),
    );
    let (flight_id, hotel_id, car_id) = (r.flight_id.clone(), r.hotel_id.clone(), r.car_id.clone());

    let flight = saga
        .step(
            "book-flight",
            move |_| async move { book_flight(&u1, &flight_id) },
            move |booking: Reservation, _| async move { cancel("flight", &booking, &u2) },
        )
        .await?;
    let hotel = saga
        .step(
            "book-hotel",
            move |_| async move { book_hotel(&u3, &hotel_id) },
            move |booking: Reservation, _| async move { cancel("hotel", &booking, &u4) },
        )
        .await?;
    let car = saga
        .step(
            "book-car",
            move |_| async move { book_car(&u5, &car_id) },
            move |booking: Reservation, _| async move { cancel("car", &booking, &u6) },
        )
        .await?;
    let total = flight.amount_cents + hotel.amount_cents + car.amount_cents;
    let payment = ctx.run(process_payment(user, r.card.clone(), total)).await?;
    let booking_id = ctx.uuid().await?;
    Ok(Itinerary {
        booking_id,
        status: "confirmed".into(),
        flight,
        hotel,
        car,
        payment,
    })
}
