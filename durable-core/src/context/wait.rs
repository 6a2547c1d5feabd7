//! `ctx.wait(..)`: a durable timer (PROTOCOL.md §4.5). The invocation suspends and no compute
//! is used until the service's timer fires and re-invokes the function.

use super::step::missing_in_replay;
use super::{ContextMode, DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::limits::{MAX_WAIT_SECONDS, MIN_WAIT_SECONDS};
use crate::wire::{sub_type, OperationAction, OperationStatus, OperationType, WaitOptions};
use std::future::IntoFuture;
use std::panic::Location;
use std::time::Duration;

/// A durable wait, created by [`DurableContext::wait`].
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait {
    ctx: DurableContext,
    op: OpIdentity,
    duration: Duration,
    /// Whether the replay checker compares the duration (see [`Wait::untraced_duration`]).
    traced: bool,
}

impl Wait {
    /// A wait whose duration the SDK drew at random (a retry strategy's jitter): only the
    /// duration the service recorded matters, so the replay checker does not compare it.
    pub(crate) fn untraced_duration(mut self) -> Self {
        self.traced = false;
        self
    }
}

impl DurableContext {
    /// Waits for `duration` (whole seconds, 1 s to 366 days; fractions round up) without
    /// using compute: the invocation suspends and the service resumes it when the time is up.
    #[track_caller]
    pub fn wait(&self, name: impl Into<Name>, duration: Duration) -> Wait {
        self.wait_at(name, duration, Location::caller())
    }

    /// [`DurableContext::wait`], created by the code at `location`.
    pub(crate) fn wait_at(
        &self,
        name: impl Into<Name>,
        duration: Duration,
        location: &'static Location<'static>,
    ) -> Wait {
        Wait {
            op: self.new_op_at(OperationType::Wait, sub_type::WAIT, name.into(), location),
            ctx: self.clone(),
            duration,
            traced: true,
        }
    }
}

/// Whole seconds of a wait, validated against the service's range.
pub(crate) fn wait_seconds(duration: Duration) -> Result<u32, DurableError> {
    let secs = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    if !(MIN_WAIT_SECONDS..=MAX_WAIT_SECONDS).contains(&secs) {
        return Err(DurableError::Validation(format!(
            "a wait must last between {MIN_WAIT_SECONDS} s and {MAX_WAIT_SECONDS} s, got {duration:?}"
        )));
    }
    Ok(secs as u32)
}

impl IntoFuture for Wait {
    type Output = Result<(), DurableError>;
    type IntoFuture = BoxFuture<'static, Result<(), DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let Wait {
                ctx,
                op,
                duration,
                traced,
            } = self;
            let exec = ctx.exec().clone();
            let seconds = wait_seconds(duration).map_err(|e| exec.set_fatal(e))?;
            if traced {
                exec.trace_request(&op.id, || crate::trace::Request::Wait { seconds });
            }
            let record = ctx.lookup(&op)?;
            if ctx.inner.mode == ContextMode::ReplaySucceeded
                && !record.as_ref().is_some_and(|r| r.status.is_terminal())
            {
                return Err(missing_in_replay(&exec, &op));
            }
            if record.is_none() {
                let mut start = op.update(OperationAction::Start);
                start.wait_options = Some(WaitOptions {
                    wait_seconds: Some(seconds),
                });
                crate::telemetry::operation_started(&op);
                exec.checkpoint(start).await?;
            }
            let open = !record.as_ref().is_some_and(|r| r.status.is_terminal());
            let done = exec.wait_for(&op.id, |r| r.status.is_terminal()).await?;
            if open {
                crate::telemetry::operation_ended(&op, done.status);
            }
            match done.status {
                OperationStatus::Succeeded => Ok(()),
                status => Err(DurableError::Failed(Box::new(
                    done.error().cloned().unwrap_or_else(|| {
                        crate::wire::ErrorObject::new(
                            "WaitCancelled",
                            format!("wait {} ended {}", op.label(), status.as_str()),
                        )
                    }),
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_bounds() {
        assert!(wait_seconds(Duration::ZERO).is_err());
        assert!(wait_seconds(Duration::from_millis(400)).is_ok_and(|s| s == 1));
        assert_eq!(wait_seconds(Duration::from_secs(60)).unwrap(), 60);
        assert!(wait_seconds(Duration::from_secs(MAX_WAIT_SECONDS + 1)).is_err());
    }
}
