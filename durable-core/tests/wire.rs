//! Round trips of the wire model on shapes captured from the service and its emulator
//! (PROTOCOL.md §1.1, §1.3, §5.3).

use durable_core::wire::*;
use serde_json::{json, Value};

/// The second invocation of a handler driven by `dex-local-runner` (PROTOCOL.md §1.1).
const EVENT: &str = r#"{
  "DurableExecutionArn": "eb3ff141-b071-4d82-afe6-4bbae98018b1/inv-0001",
  "CheckpointToken": "eyJhcm4iOi",
  "InitialExecutionState": {
    "Operations": [
      {"Id": "inv-0001", "Type": "EXECUTION", "Status": "STARTED", "Name": "e1",
       "StartTimestamp": 1795764155343,
       "ExecutionDetails": {"InputPayload": "\"World\""}},
      {"Id": "1ced8f5b5a97", "Type": "STEP", "Status": "SUCCEEDED", "Name": "greet",
       "SubType": "Step", "StartTimestamp": 1795764155355, "EndTimestamp": 1795764155355,
       "StepDetails": {"Attempt": 1, "Result": "\"hello World\""}},
      {"Id": "c5faca1547e6", "Type": "WAIT", "Status": "SUCCEEDED", "Name": "pause",
       "SubType": "Wait", "StartTimestamp": 1795764155360, "EndTimestamp": 1795764157360,
       "WaitDetails": {"ScheduledEndTimestamp": 1795764157360}}
    ],
    "NextMarker": ""
  },
  "UpdatedOperationIds": ["c5faca1547e6"]
}"#;

#[test]
fn invocation_event_round_trips() {
    let event: InvocationInput = serde_json::from_str(EVENT).unwrap();
    assert_eq!(event.initial_execution_state.operations.len(), 3);
    let step = &event.initial_execution_state.operations[1];
    assert_eq!(step.operation_type, OperationType::Step);
    assert_eq!(step.status, OperationStatus::Succeeded);
    assert_eq!(
        step.step_details.as_ref().unwrap().result.as_deref(),
        Some("\"hello World\"")
    );
    assert_eq!(step.start_timestamp, Some(EpochMillis(1_795_764_155_355)));
    assert_eq!(event.initial_execution_state.next_marker(), None);
    let again: Value = serde_json::to_value(&event).unwrap();
    let original: Value = serde_json::from_str(EVENT).unwrap();
    // Everything we read is written back with the same names and values.
    assert_eq!(
        again["InitialExecutionState"]["Operations"],
        original["InitialExecutionState"]["Operations"]
    );
    assert_eq!(again["UpdatedOperationIds"], original["UpdatedOperationIds"]);
}

#[test]
fn timestamps_may_be_iso_strings() {
    let op: Operation = serde_json::from_value(json!({
        "Id": "x", "Type": "WAIT", "Status": "STARTED",
        "StartTimestamp": "2026-11-27T09:00:00.000Z",
        "WaitDetails": {"ScheduledEndTimestamp": "2026-11-27T09:00:02Z"}
    }))
    .unwrap();
    let end = op.wait_details.unwrap().scheduled_end_timestamp.unwrap();
    assert_eq!(end.0 - op.start_timestamp.unwrap().0, 2000);
}

#[test]
fn responses_match_the_protocol() {
    assert_eq!(
        serde_json::to_value(InvocationOutput::pending()).unwrap(),
        json!({"Status": "PENDING"})
    );
    assert_eq!(
        serde_json::to_value(InvocationOutput::succeeded("{\"a\":1}")).unwrap(),
        json!({"Status": "SUCCEEDED", "Result": "{\"a\":1}"})
    );
    assert_eq!(
        serde_json::to_value(InvocationOutput::failed(ErrorObject::new("ValueError", "boom"))).unwrap(),
        json!({"Status": "FAILED", "Error": {"ErrorType": "ValueError", "ErrorMessage": "boom"}})
    );
}

#[test]
fn updates_use_the_service_field_names() {
    let mut u = OperationUpdate::new("c4ca4238a0b92382", OperationType::Step, OperationAction::Retry);
    u.sub_type = Some("Step".into());
    u.error = Some(ErrorObject::new("TransientError", "later"));
    u.step_options = Some(StepOptions {
        next_attempt_delay_seconds: Some(2),
    });
    assert_eq!(
        serde_json::to_value(&u).unwrap(),
        json!({
            "Id": "c4ca4238a0b92382", "Type": "STEP", "SubType": "Step", "Action": "RETRY",
            "Error": {"ErrorType": "TransientError", "ErrorMessage": "later"},
            "StepOptions": {"NextAttemptDelaySeconds": 2}
        })
    );
    let back: OperationUpdate = serde_json::from_value(serde_json::to_value(&u).unwrap()).unwrap();
    assert_eq!(back, u);
}

/// History events as `GetDurableExecutionHistory` returns them (PROTOCOL.md §5.3).
#[test]
fn history_events_round_trip() {
    let events = json!([
        {"EventType": "StepFailed", "SubType": "Step", "EventId": 3, "Id": "c4ca4238a0b92382",
         "EventTimestamp": 1795764340.535,
         "StepFailedDetails": {"Error": {"Payload": {"ErrorType": "E", "ErrorMessage": "m"}, "Truncated": false},
                               "RetryDetails": {"CurrentAttempt": 1, "NextAttemptDelaySeconds": 2}}},
        {"EventType": "WaitStarted", "SubType": "Wait", "EventId": 4, "Id": "c81e728d9d4c2f63",
         "EventTimestamp": 1795764341.0,
         "WaitStartedDetails": {"Duration": 2, "ScheduledEndTimestamp": 1795764343.0}},
        {"EventType": "InvocationCompleted", "EventId": 5, "EventTimestamp": 1795764341.5,
         "InvocationCompletedDetails": {"StartTimestamp": 1795764340.0, "EndTimestamp": 1795764341.5,
                                        "RequestId": "r-1"}},
        {"EventType": "CallbackStarted", "SubType": "Callback", "EventId": 6, "Id": "eccbc87e4b5ce2fe",
         "EventTimestamp": 1795764342.0,
         "CallbackStartedDetails": {"CallbackId": "cb-1", "Timeout": 60}}
    ]);
    let parsed: Vec<Event> = serde_json::from_value(events.clone()).unwrap();
    assert!(matches!(parsed[0].details, EventDetails::StepFailed(_)));
    assert_eq!(parsed[1].event_timestamp, EpochMillis(1_795_764_341_000));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), events);
}

#[test]
fn malformed_shapes_are_rejected() {
    assert!(serde_json::from_str::<InvocationInput>(r#"{"CheckpointToken": "t"}"#).is_err());
    assert!(
        serde_json::from_value::<Operation>(json!({"Id": "x", "Type": "STEP", "Status": "EXPLODED"}))
            .is_err()
    );
    assert!(
        serde_json::from_value::<Operation>(json!({"Id": "x", "Type": "STEP", "Status": "STARTED",
        "StartTimestamp": "not a date"}))
        .is_err()
    );
}
