//! Retry strategies for steps (PROTOCOL.md §4.4).
//!
//! A strategy looks at a failed attempt and decides whether to retry and after how long.
//! Delays are whole seconds of at least one: the service schedules the next attempt with
//! `StepOptions.NextAttemptDelaySeconds`, and the invocation suspends meanwhile.

use crate::wire::ErrorObject;
use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A failed step attempt, as a retry strategy sees it.
pub struct StepFailure<'a> {
    /// The wire form of the error.
    pub error: &'a ErrorObject,
    /// The live error value, for downcasting; `None` when the error was rebuilt from history
    /// (e.g. an interrupted at-most-once step).
    pub source: Option<&'a (dyn Any + Send + Sync)>,
}

impl StepFailure<'_> {
    /// Whether the live error is a `T`, or the recorded type name is `T`'s.
    pub fn is<T: Any>(&self) -> bool {
        self.source.is_some_and(|s| s.is::<T>())
            || self.error.type_name() == crate::error::short_type_name::<T>()
    }

    /// The live error as a `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.source.and_then(|s| s.downcast_ref::<T>())
    }
}

/// What a strategy decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryDecision {
    /// Retry?
    pub should_retry: bool,
    /// After how long (rounded to whole seconds, at least one, when sent).
    pub delay: Duration,
}

impl RetryDecision {
    /// Retry after `delay`.
    pub fn retry(delay: Duration) -> Self {
        RetryDecision {
            should_retry: true,
            delay,
        }
    }

    /// Stop retrying.
    pub fn stop() -> Self {
        RetryDecision {
            should_retry: false,
            delay: Duration::ZERO,
        }
    }

    /// The delay as the service wants it: `max(1, round(seconds))`.
    pub fn delay_seconds(&self) -> u32 {
        let secs = self.delay.as_secs_f64().round();
        secs.clamp(1.0, f64::from(u32::MAX)) as u32
    }
}

/// Decides whether a failed attempt is retried. `attempts_made` counts the attempt that just
/// failed (1 after the first failure).
pub trait RetryStrategy: Send + Sync {
    /// Decide.
    fn decide(&self, failure: &StepFailure<'_>, attempts_made: u32) -> RetryDecision;
}

impl<F> RetryStrategy for F
where
    F: Fn(&StepFailure<'_>, u32) -> RetryDecision + Send + Sync,
{
    fn decide(&self, failure: &StepFailure<'_>, attempts_made: u32) -> RetryDecision {
        self(failure, attempts_made)
    }
}

/// How random the delay is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Jitter {
    /// Exactly the computed delay.
    None,
    /// Uniform in `[0, delay]`.
    #[default]
    Full,
    /// Uniform in `[delay/2, delay]`.
    Half,
}

impl Jitter {
    /// `base` seconds with this jitter applied.
    pub(crate) fn apply(self, base: f64) -> f64 {
        match self {
            Jitter::None => base,
            Jitter::Full => fastrand::f64() * base,
            Jitter::Half => base / 2.0 + fastrand::f64() * base / 2.0,
        }
    }
}

/// A user test on a failed attempt.
type ErrorPredicate = Arc<dyn Fn(&StepFailure<'_>) -> bool + Send + Sync>;

/// Which errors a strategy retries. Empty = every error.
#[derive(Clone, Default)]
pub struct ErrorFilter {
    substrings: Vec<String>,
    patterns: Vec<regex_lite::Regex>,
    type_names: Vec<String>,
    predicates: Vec<ErrorPredicate>,
}

impl fmt::Debug for ErrorFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorFilter")
            .field("substrings", &self.substrings)
            .field(
                "patterns",
                &self.patterns.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            )
            .field("type_names", &self.type_names)
            .field("predicates", &self.predicates.len())
            .finish()
    }
}

impl ErrorFilter {
    fn is_empty(&self) -> bool {
        self.substrings.is_empty()
            && self.patterns.is_empty()
            && self.type_names.is_empty()
            && self.predicates.is_empty()
    }

    /// Whether `failure` passes: any configured criterion matching is enough.
    pub fn matches(&self, failure: &StepFailure<'_>) -> bool {
        if self.is_empty() {
            return true;
        }
        let message = failure.error.message();
        self.substrings.iter().any(|s| message.contains(s.as_str()))
            || self.patterns.iter().any(|p| p.is_match(message))
            || self.type_names.iter().any(|t| failure.error.type_name() == t)
            || self.predicates.iter().any(|p| p(failure))
    }
}

/// How the base delay grows with the attempt number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backoff {
    /// `initial * rate^(attempt-1)`.
    Exponential {
        /// Growth factor.
        rate: f64,
    },
    /// `initial + increment * (attempt-1)`.
    Linear {
        /// Added per attempt.
        increment: Duration,
    },
}

/// A configurable retry policy: attempts, delays, backoff, jitter and an error filter.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    backoff: Backoff,
    jitter: Jitter,
    filter: ErrorFilter,
}

impl RetryPolicy {
    /// Exponential backoff with the `createRetryStrategy()` defaults: 3 attempts, 5 s initial,
    /// ×2, at most 5 min, full jitter.
    pub fn exponential() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(300),
            backoff: Backoff::Exponential { rate: 2.0 },
            jitter: Jitter::Full,
            filter: ErrorFilter::default(),
        }
    }

    /// Linear backoff with the `createLinearRetryStrategy()` defaults: 6 attempts, 1 s initial,
    /// +1 s per attempt, at most 5 min, full jitter.
    pub fn linear() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            backoff: Backoff::Linear {
                increment: Duration::from_secs(1),
            },
            jitter: Jitter::Full,
            filter: ErrorFilter::default(),
        }
    }

    /// Total attempts, including the first (1 = no retry). Zero is treated as one.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Delay before the second attempt.
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }

    /// Cap on the computed delay.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Exponential growth factor.
    pub fn backoff_rate(mut self, rate: f64) -> Self {
        self.backoff = Backoff::Exponential { rate };
        self
    }

    /// Linear increment.
    pub fn increment(mut self, d: Duration) -> Self {
        self.backoff = Backoff::Linear { increment: d };
        self
    }

    /// Jitter.
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Retry only errors whose message contains `text`.
    pub fn retry_if_message_contains(mut self, text: impl Into<String>) -> Self {
        self.filter.substrings.push(text.into());
        self
    }

    /// Retry only errors whose message matches `pattern`; an invalid pattern is an error.
    pub fn retry_if_message_matches(mut self, pattern: &str) -> Result<Self, regex_lite::Error> {
        self.filter.patterns.push(regex_lite::Regex::new(pattern)?);
        Ok(self)
    }

    /// Retry only errors of Rust type `T` (or recorded with `T`'s type name).
    pub fn retry_if_error_is<T: Any>(mut self) -> Self {
        self.filter.type_names.push(crate::error::short_type_name::<T>());
        self
    }

    /// Retry only errors recorded with this `ErrorType`.
    pub fn retry_if_error_type(mut self, type_name: impl Into<String>) -> Self {
        self.filter.type_names.push(type_name.into());
        self
    }

    /// Retry only errors for which `predicate` holds.
    pub fn retry_if(mut self, predicate: impl Fn(&StepFailure<'_>) -> bool + Send + Sync + 'static) -> Self {
        self.filter.predicates.push(Arc::new(predicate));
        self
    }

    /// The delay before attempt `attempts_made + 1`, before jitter.
    pub fn base_delay(&self, attempts_made: u32) -> Duration {
        let n = f64::from(attempts_made.max(1) - 1);
        let initial = self.initial_delay.as_secs_f64();
        let base = match self.backoff {
            Backoff::Exponential { rate } => initial * rate.powf(n),
            Backoff::Linear { increment } => initial + increment.as_secs_f64() * n,
        };
        let capped = base.min(self.max_delay.as_secs_f64());
        Duration::from_secs_f64(if capped.is_finite() { capped.max(0.0) } else { 0.0 })
    }
}

impl RetryStrategy for RetryPolicy {
    fn decide(&self, failure: &StepFailure<'_>, attempts_made: u32) -> RetryDecision {
        if attempts_made >= self.max_attempts || !self.filter.matches(failure) {
            return RetryDecision::stop();
        }
        let base = self.base_delay(attempts_made).as_secs_f64();
        RetryDecision::retry(Duration::from_secs_f64(self.jitter.apply(base)))
    }
}

/// The presets of the official SDKs.
pub struct RetryPresets;

impl RetryPresets {
    /// The SDK default when a step names no strategy: 6 attempts, 5 s, ×2, 60 s cap, full jitter.
    pub fn default_policy() -> RetryPolicy {
        RetryPolicy::exponential()
            .max_attempts(6)
            .max_delay(Duration::from_secs(60))
    }

    /// No retries: one attempt.
    pub fn none() -> RetryPolicy {
        RetryPolicy::exponential().max_attempts(1)
    }

    /// 6 attempts, 1 s, +1 s, 5 min cap, no jitter.
    pub fn linear() -> RetryPolicy {
        RetryPolicy::linear().jitter(Jitter::None)
    }

    /// 3 attempts, 5 s, ×2, 5 min cap, half jitter.
    pub fn transient() -> RetryPolicy {
        RetryPolicy::exponential().jitter(Jitter::Half)
    }

    /// 5 attempts, 5 s, ×2, 5 min cap, full jitter.
    pub fn resource_availability() -> RetryPolicy {
        RetryPolicy::exponential().max_attempts(5)
    }

    /// 10 attempts, 1 s, ×1.5, 1 min cap, no jitter.
    pub fn critical() -> RetryPolicy {
        RetryPolicy::exponential()
            .max_attempts(10)
            .initial_delay(Duration::from_secs(1))
            .backoff_rate(1.5)
            .max_delay(Duration::from_secs(60))
            .jitter(Jitter::None)
    }

    /// 5 attempts, a fixed `interval` apart.
    pub fn fixed(interval: Duration) -> RetryPolicy {
        RetryPolicy::exponential()
            .max_attempts(5)
            .initial_delay(interval)
            .max_delay(interval)
            .backoff_rate(1.0)
            .jitter(Jitter::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(e: &ErrorObject) -> StepFailure<'_> {
        StepFailure {
            error: e,
            source: None,
        }
    }

    #[test]
    fn default_preset_matches_the_sdks() {
        let p = RetryPresets::default_policy().jitter(Jitter::None);
        let e = ErrorObject::new("Error", "x");
        let delays: Vec<u32> = (1..6)
            .map(|n| p.decide(&failure(&e), n).delay_seconds())
            .collect();
        assert_eq!(delays, vec![5, 10, 20, 40, 60]);
        assert!(!p.decide(&failure(&e), 6).should_retry);
    }

    #[test]
    fn linear_and_jitter_bounds() {
        let p = RetryPresets::linear();
        let e = ErrorObject::new("Error", "x");
        assert_eq!(p.decide(&failure(&e), 3).delay_seconds(), 3);
        let half = RetryPolicy::exponential()
            .initial_delay(Duration::from_secs(10))
            .jitter(Jitter::Half);
        for _ in 0..100 {
            let d = half.decide(&failure(&e), 1).delay.as_secs_f64();
            assert!((5.0..=10.0).contains(&d), "{d}");
        }
        let full = RetryPolicy::exponential().initial_delay(Duration::from_secs(10));
        for _ in 0..100 {
            let d = full.decide(&failure(&e), 1);
            assert!(d.delay.as_secs_f64() <= 10.0 && d.delay_seconds() >= 1);
        }
    }

    #[test]
    fn filters_select_errors() {
        struct TransientError;
        let p = RetryPolicy::exponential().retry_if_error_is::<TransientError>();
        let t = ErrorObject::new("TransientError", "x");
        let other = ErrorObject::new("Fatal", "x");
        assert!(p.decide(&failure(&t), 1).should_retry);
        assert!(!p.decide(&failure(&other), 1).should_retry);
        let m = RetryPolicy::exponential()
            .retry_if_message_matches("^time(out)?")
            .unwrap();
        assert!(
            m.decide(&failure(&ErrorObject::new("E", "timeout")), 1)
                .should_retry
        );
        assert!(!m.decide(&failure(&ErrorObject::new("E", "nope")), 1).should_retry);
        assert!(RetryPolicy::exponential().retry_if_message_matches("(").is_err());
    }

    #[test]
    fn delays_are_at_least_one_second() {
        assert_eq!(RetryDecision::retry(Duration::from_millis(10)).delay_seconds(), 1);
        assert_eq!(
            RetryDecision::retry(Duration::from_millis(2600)).delay_seconds(),
            3
        );
    }
}
