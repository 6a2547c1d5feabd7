//! What the docs say about a `#[step]` fn: the name history shows, the retry policy and the
//! semantics its attribute sets. Used for the section `#[step]` adds to the fn's own docs and
//! for its row in a workflow's table.

use crate::attr::{Jitter, Millis, Preset, Retry, Semantics, StepArgs};

/// The name history, `durable history` and test mocks show: `name = ".."`, else the fn's name.
pub(crate) fn history_name(args: &StepArgs, ident: &str) -> String {
    args.name
        .as_ref()
        .map_or_else(|| ident.trim_start_matches("r#").to_owned(), |n| n.value.clone())
}

/// Whether the attribute lets a failed attempt be retried (a strategy fn may; `retry =
/// "none"` and `max_attempts = 1` do not).
fn retries(args: &StepArgs) -> bool {
    match args.retry.as_ref().map(|r| &r.value) {
        Some(Retry::Preset(Preset::None)) => false,
        Some(Retry::Custom(c)) => c.max_attempts.as_ref().is_none_or(|a| a.value > 1),
        _ => true,
    }
}

/// The retry policy in words (markdown): attempts, first delay, backoff, longest delay, jitter.
pub(crate) fn retry(args: &StepArgs) -> String {
    if let Some(with) = &args.retry_with {
        let path = crate::lint::tidy(&with.value);
        return format!("the strategy `{path}()` returns");
    }
    match args.retry.as_ref().map(|r| &r.value) {
        None => format!("the SDK default ({})", preset(Preset::Default)),
        Some(Retry::Preset(p)) => {
            let name = match p {
                Preset::Default => "default",
                Preset::None => "none",
                Preset::Linear => "linear",
                Preset::Transient => "transient",
                Preset::ResourceAvailability => "resource_availability",
                Preset::Critical => "critical",
            };
            format!("preset `{name}` ({})", preset(*p))
        }
        Some(Retry::Custom(c)) => {
            // Unset values keep `RetryPolicy::exponential()`'s: 3 attempts, 5 s, ×2, 5 min, full.
            let attempts = c.max_attempts.as_ref().map_or(3, |a| a.value);
            if attempts == 1 {
                return "1 attempt, no retries".to_owned();
            }
            let initial = c.initial.as_ref().map_or(Millis(5_000), |d| d.value);
            let max = c.max.as_ref().map_or(Millis(300_000), |d| d.value);
            let backoff = c.backoff.as_ref().map_or(2.0, |b| b.value);
            let jitter = match c.jitter.as_ref().map_or(Jitter::Full, |j| j.value) {
                Jitter::Full => "full jitter",
                Jitter::Half => "half jitter",
                Jitter::None => "no jitter",
            };
            format!(
                "{attempts} attempts, {} ×{backoff} up to {}, {jitter}",
                duration(initial),
                duration(max)
            )
        }
    }
}

/// What each preset does (the table of the guide, §3).
fn preset(p: Preset) -> &'static str {
    match p {
        Preset::Default => "6 attempts, 5 s ×2 up to 60 s, full jitter",
        Preset::None => "1 attempt, no retries",
        Preset::Linear => "6 attempts, 1 s +1 s up to 5 min, no jitter",
        Preset::Transient => "3 attempts, 5 s ×2 up to 5 min, half jitter",
        Preset::ResourceAvailability => "5 attempts, 5 s ×2 up to 5 min, full jitter",
        Preset::Critical => "10 attempts, 1 s ×1.5 up to 1 min, no jitter",
    }
}

/// The semantics, short (for a table cell).
pub(crate) fn semantics(args: &StepArgs) -> &'static str {
    match args.semantics.as_ref().map(|s| s.value) {
        Some(Semantics::AtMostOnce) => "at most once per attempt",
        Some(Semantics::AtLeastOnce) | None => "at least once per attempt",
    }
}

/// The semantics, explained.
fn semantics_explained(args: &StepArgs) -> &'static str {
    match args.semantics.as_ref().map(|s| s.value) {
        Some(Semantics::AtMostOnce) => {
            "at most once per attempt: the attempt's start is checkpointed before the body runs, and an \
             attempt found started but unfinished on replay counts as a failed attempt (handed to the \
             retry policy) instead of running again"
        }
        Some(Semantics::AtLeastOnce) | None => {
            "at least once per attempt: if the invocation dies after the body ran but before its result \
             was checkpointed, the body runs again"
        }
    }
}

/// A duration as people write it: `500 ms`, `1 s`, `5 min`, `2 h`, `1 d`.
fn duration(d: Millis) -> String {
    let ms = d.0;
    for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1_000)] {
        if ms.is_multiple_of(size) {
            return format!("{} {unit}", ms / size);
        }
    }
    format!("{ms} ms")
}

/// The section `#[step]` adds to the docs of the fn and of its step type.
pub(crate) fn section(args: &StepArgs, ident: &str) -> String {
    let name = history_name(args, ident);
    let mut doc = format!(
        "\n# Durable step\n\n\
         `#[step]` makes this a durable step named **`{name}`**: in a workflow, \
         `ctx.run({ident}(..)).await` runs it once, checkpoints its result, and returns the checkpoint on \
         every replay. History, `durable history` and test mocks show it as `{name}`.\n\n\
         * **Retry:** {}. {}\n\
         * **Semantics:** {}.\n",
        retry(args),
        if retries(args) {
            "A failed attempt is checkpointed and the invocation suspends until the next one is due; \
             after the last, `ctx.run(..)` returns `DurableError::StepFailed`."
        } else {
            "A failure is checkpointed and `ctx.run(..)` returns `DurableError::StepFailed`."
        },
        semantics_explained(args)
    );
    if let Some(serdes) = &args.serdes {
        let path = crate::lint::tidy(&serdes.value);
        doc.push_str(&format!(
            "* **Checkpoint format:** the `Serdes` that `{path}()` returns (not JSON).\n"
        ));
    }
    doc
}

#[cfg(test)]
mod tests {
    use crate::attr::parse_step_args;
    use crate::ctxt::Ctxt;

    fn args(tokens: proc_macro2::TokenStream) -> crate::attr::StepArgs {
        let cx = Ctxt::default();
        let args = parse_step_args(&cx, tokens);
        assert!(cx.finish().is_none());
        args
    }

    #[test]
    fn describes_names_retries_and_semantics() {
        let a = args(quote::quote!(
            name = "validate-payment",
            retry(
                max_attempts = 5,
                initial = "1s",
                max = "60s",
                backoff = 2.0,
                jitter = "full"
            )
        ));
        assert_eq!(super::history_name(&a, "validate_payment"), "validate-payment");
        assert_eq!(super::retry(&a), "5 attempts, 1 s ×2 up to 1 min, full jitter");
        assert_eq!(super::semantics(&a), "at least once per attempt");

        let a = args(quote::quote!(retry = "none", semantics = "at_most_once"));
        assert_eq!(super::history_name(&a, "charge"), "charge");
        assert_eq!(super::retry(&a), "preset `none` (1 attempt, no retries)");
        assert_eq!(super::semantics(&a), "at most once per attempt");

        let a = args(quote::quote!(retry_with = api_retry));
        assert_eq!(super::retry(&a), "the strategy `api_retry()` returns");
        let a = args(quote::quote!());
        assert!(
            super::retry(&a).starts_with("the SDK default (6 attempts"),
            "{}",
            super::retry(&a)
        );
        let a = args(quote::quote!(retry(backoff = 1.5, initial = "500ms")));
        assert_eq!(
            super::retry(&a),
            "3 attempts, 500 ms ×1.5 up to 5 min, full jitter"
        );
        let section = super::section(&a, "fetch");
        assert!(
            section.contains("**`fetch`**") && section.contains("ctx.run(fetch(..))"),
            "{section}"
        );
    }
}
