//! The travel-booking saga: everything booked, or the bookings made so far cancelled in
//! reverse order — also across a crash in the middle of compensating.

use durable_examples::booking::{BookingRequest, BookingSaga, Itinerary};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::{TestResult, TestRunner};
use durable_runtime::wire::{ErrorObject, OperationStatus};

fn request(user: &str) -> BookingRequest {
    BookingRequest {
        user_id: user.into(),
        flight_id: "LH400".into(),
        hotel_id: "ritz".into(),
        car_id: "compact".into(),
        card: "visa-4242".into(),
    }
}

/// The compensation steps, in the order they were created.
fn compensations(r: &TestResult) -> Vec<String> {
    r.operations()
        .iter()
        .filter_map(|o| o.name.as_deref().map(str::to_owned))
        .filter(|n| n.starts_with("compensate-"))
        .collect()
}

#[tokio::test]
async fn books_everything() {
    let execution = TestRunner::new(BookingSaga).run(&request("u-1")).await.unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let itinerary: Itinerary = execution.output().unwrap();
    assert_eq!(itinerary.status, "confirmed");
    assert_eq!(itinerary.flight.id, "FL-u-1-LH400");
    assert_eq!(itinerary.payment.amount_cents, 45_000 + 84_000 + 21_000);
    assert_eq!(itinerary.booking_id.len(), 36, "a UUID, recorded once");
    assert!(compensations(&execution).is_empty());
}

#[tokio::test]
async fn a_declined_payment_cancels_everything_in_reverse_order() {
    let mut r = request("u-2");
    r.card = "declined".into();
    let execution = TestRunner::new(BookingSaga).run(&r).await.unwrap();
    // The workflow rethrows the payment error after compensating, as the seed does.
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    let error = execution.error().unwrap();
    assert_eq!(error.type_name(), "PaymentDeclined");
    assert_eq!(error.message(), "card declined was declined");
    assert_eq!(
        compensations(&execution),
        [
            "compensate-book-car",
            "compensate-book-hotel",
            "compensate-book-flight"
        ]
    );
    for name in compensations(&execution) {
        assert_eq!(
            execution.operation(&name).unwrap().status,
            OperationStatus::Succeeded
        );
    }
    assert_eq!(
        execution.operation("process-payment").unwrap().status,
        OperationStatus::Failed
    );
}

#[tokio::test]
async fn a_full_hotel_only_cancels_the_flight() {
    let mut r = request("u-3");
    r.hotel_id = "full".into();
    let execution = TestRunner::new(BookingSaga).run(&r).await.unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert_eq!(execution.error().unwrap().type_name(), "SoldOut");
    assert_eq!(compensations(&execution), ["compensate-book-flight"]);
    assert!(execution.operation("book-car").is_none());
}

#[tokio::test]
async fn a_mocked_car_failure() {
    let runner = TestRunner::new(BookingSaga);
    runner.mock_step_error("book-car", ErrorObject::new("SoldOut", "no cars today"));
    let execution = runner.run(&request("u-4")).await.unwrap();
    assert_eq!(execution.error().unwrap().message(), "no cars today");
    assert_eq!(
        compensations(&execution),
        ["compensate-book-hotel", "compensate-book-flight"]
    );
}

#[tokio::test]
async fn compensation_survives_a_crash_in_the_middle() {
    let mut r = request("crash-u-5");
    r.card = "declined".into();
    let execution = TestRunner::new(BookingSaga).run(&r).await.unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert_eq!(execution.error().unwrap().type_name(), "PaymentDeclined");
    // The invocation crashed while cancelling the car; the next one retried that
    // cancellation and went on with the hotel and the flight, each done once.
    let crashes = execution
        .history()
        .iter()
        .filter(|e| {
            serde_json::to_value(e).unwrap()["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"]
                == "Runtime.ExitError"
        })
        .count();
    assert_eq!(crashes, 1);
    assert_eq!(
        compensations(&execution),
        [
            "compensate-book-car",
            "compensate-book-hotel",
            "compensate-book-flight"
        ]
    );
    let started = |name: &str| {
        execution
            .history()
            .iter()
            .filter(|e| e.event_type == "StepStarted" && e.name.as_deref() == Some(name))
            .count()
    };
    assert_eq!(started("compensate-book-car"), 2, "interrupted, then retried");
    assert_eq!(started("compensate-book-hotel"), 1);
    assert_eq!(started("compensate-book-flight"), 1);
    assert_eq!(started("book-flight"), 1, "bookings are replayed, not redone");
}
