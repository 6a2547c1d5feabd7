//! category: trait-method
//! replay: diverges
//! input: {"event": "rustconf", "attendees": ["ada", "grace", "linus"]}
//! summary: event ticketing is generic over an IdSource trait; the production UuidTickets impl returns Uuid::new_v4() from next_id(), and the generated ticket ids name the issue steps
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketOrder {
    pub event: String,
    pub attendees: Vec<String>,
}

trait IdSource {
    fn next_id(&self) -> String;
}

struct UuidTickets;

impl IdSource for UuidTickets {
    fn next_id(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

fn ticket_names<G: IdSource>(ids: &G, event: &str, attendees: &[String]) -> Vec<(String, String)> {
    attendees
        .iter()
        .map(|a| (a.clone(), format!("{event}-ticket-{}", ids.next_id())))
        .collect()
}

#[durable_workflow]
pub async fn hx_issue_event_tickets(ctx: DurableContext, order: TicketOrder) -> Result<Vec<String>, DurableError> {
    let seats = order.attendees.len();
    ctx.step("hold-seats", move |_| async move { Ok::<_, String>(seats) }).await?;
    let mut issued = Vec::new();
    for (attendee, ticket) in ticket_names(&UuidTickets, &order.event, &order.attendees) {
        let t = ticket.clone();
        ctx.step(format!("issue-{ticket}"), move |_| async move { Ok::<_, String>(format!("{attendee}:{t}")) })
            .await?;
        issued.push(ticket);
    }
    Ok(issued)
}

fn main() {}
