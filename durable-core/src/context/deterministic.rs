//! Deterministic stand-ins for the clock and randomness: each value is produced once, in a
//! step, and replayed from its checkpoint afterwards, so workflow code that branches on it
//! takes the same path on every replay.

use super::DurableContext;
use crate::error::DurableError;
use crate::retry::RetryPresets;
use std::convert::Infallible;
use std::future::Future;
use std::panic::Location;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// These are plain fns returning futures, not `async fn`s, so that `#[track_caller]` can name
// the user's call; the step is still created when the future is first polled, as before.
impl DurableContext {
    /// The current time, recorded once (a step named `now`).
    #[track_caller]
    pub fn now(&self) -> impl Future<Output = Result<SystemTime, DurableError>> + Send + 'static {
        let (ctx, location) = (self.clone(), Location::caller());
        // The execution's clock: the system's in production, the engine's virtual one in tests.
        let clock = self.exec().config.clock.clone();
        async move {
            let now =
                move |_| async move { Ok::<_, Infallible>(u64::try_from(clock.now_millis()).unwrap_or(0)) };
            let millis: u64 = ctx
                .step_at("now", now, location)
                .retry(RetryPresets::none())
                .await?;
            Ok(UNIX_EPOCH + Duration::from_millis(millis))
        }
    }

    /// A random `u64`, recorded once (a step named `random`).
    #[track_caller]
    pub fn random_u64(&self) -> impl Future<Output = Result<u64, DurableError>> + Send + 'static {
        let (ctx, location) = (self.clone(), Location::caller());
        async move {
            ctx.step_at(
                "random",
                |_| async { Ok::<_, Infallible>(fastrand::u64(..)) },
                location,
            )
            .retry(RetryPresets::none())
            .await
        }
    }

    /// A random version-4 UUID, recorded once (a step named `uuid`).
    #[track_caller]
    pub fn uuid(&self) -> impl Future<Output = Result<String, DurableError>> + Send + 'static {
        let (ctx, location) = (self.clone(), Location::caller());
        async move {
            let uuid = |_| async { Ok::<_, Infallible>(uuid_v4(fastrand::u128(..))) };
            ctx.step_at("uuid", uuid, location)
                .retry(RetryPresets::none())
                .await
        }
    }
}

/// Formats 128 random bits as a version-4, variant-1 UUID.
fn uuid_v4(bits: u128) -> String {
    let b = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let h = format!("{b:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid_shape() {
        let u = super::uuid_v4(u128::MAX);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(super::uuid_v4(0), "00000000-0000-4000-8000-000000000000");
    }
}
