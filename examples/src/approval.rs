//! The seed's human-approval workflow: submit a request, wait (up to 7 days, without using
//! compute) for a person to approve or reject it through a callback, then act on the answer.
//!
//! Three endings: approved (the request is processed), rejected (the reason is returned), and
//! nobody answered within the timeout (the request expires; the workflow returns
//! `expired` instead of failing).

use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

/// What needs approving.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalInput {
    /// Who asks.
    pub requester: String,
    /// What for.
    pub description: String,
    /// How much.
    pub amount_cents: u64,
    /// How long the approver has (default: 7 days).
    #[serde(default = "seven_days")]
    pub timeout_seconds: u64,
}

fn seven_days() -> u64 {
    7 * 24 * 3600
}

/// The ticket the stand-in approval system opened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalTicket {
    /// Ticket id.
    pub id: String,
    /// Who must answer.
    pub approver: String,
}

/// The approver's answer, sent as the callback's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalDecision {
    /// Yes or no.
    pub approved: bool,
    /// Why not.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What the workflow returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalOutcome {
    /// The ticket.
    pub ticket_id: String,
    /// `approved`, `rejected` or `expired`.
    pub status: String,
    /// The rejection reason.
    pub reason: Option<String>,
    /// What processing the approved request produced.
    pub reference: Option<String>,
}

/// The name of the wait-for-callback: answer it by this name in tests.
pub const APPROVAL_CALLBACK: &str = "wait-for-approval";

/// Opens a ticket in the stand-in approval system.
#[step(name = "submit-approval")]
pub async fn submit_approval(
    requester: String,
    description: String,
    amount_cents: u64,
) -> Result<ApprovalTicket, String> {
    let approver = if amount_cents > 100_000 {
        "cfo"
    } else {
        "team-lead"
    };
    Ok(ApprovalTicket {
        id: format!(
            "APR-{requester}-{}",
            description.len() as u64 * 1000 + amount_cents % 1000
        ),
        approver: approver.into(),
    })
}

/// Carries out the approved request.
#[step(name = "process-approved")]
pub async fn process_approved(ticket_id: String, amount_cents: u64) -> Result<String, String> {
    Ok(format!("PO-{ticket_id}-{amount_cents}"))
}

/// Submit, wait for the decision, act.
#[durable_workflow(name = "approval")]
pub async fn approval(ctx: DurableContext, input: ApprovalInput) -> Result<ApprovalOutcome, DurableError> {
    let ticket = ctx
        .run(submit_approval(
            input.requester.clone(),
            input.description.clone(),
            input.amount_cents,
        ))
        .await?;
    let (ticket_id, approver) = (ticket.id.clone(), ticket.approver.clone());
    // The submitter runs as a step: it hands the callback id to the approval system (here: a
    // log line). Then the execution suspends until the answer or the timeout.
    let decision: Result<ApprovalDecision, DurableError> = ctx
        .wait_for_callback(APPROVAL_CALLBACK, move |callback_id: String, step| async move {
            step.logger.info(format!(
                "asked {approver} to decide on {ticket_id}; answer callback {callback_id}"
            ));
            Ok::<_, DurableError>(())
        })
        .timeout(Duration::from_secs(input.timeout_seconds))
        .await;
    let outcome = |status: &str, reason: Option<String>, reference: Option<String>| ApprovalOutcome {
        ticket_id: ticket.id.clone(),
        status: status.into(),
        reason,
        reference,
    };
    match decision {
        Ok(d) if d.approved => {
            let reference = ctx
                .run(process_approved(ticket.id.clone(), input.amount_cents))
                .await?;
            Ok(outcome("approved", None, Some(reference)))
        }
        Ok(d) => Ok(outcome("rejected", d.reason, None)),
        Err(DurableError::CallbackTimedOut { .. }) => Ok(outcome(
            "expired",
            Some(format!("no decision within {} s", input.timeout_seconds)),
            None,
        )),
        Err(e) => Err(e),
    }
}
