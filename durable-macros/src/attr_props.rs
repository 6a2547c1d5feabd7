//! Property tests of the attribute parser (issue #15, "fuzzed boundaries"): the arguments of
//! `#[durable_workflow(..)]` and `#[step(..)]` are whatever a user types. Token soups (any
//! identifiers, punctuation, literals of every kind, nested groups), structured-but-wrong
//! options (unknown keys, values of the wrong literal kind, bad durations, nested `retry(..)`)
//! and arbitrary duration strings: the parser records `syn` errors with a message, never
//! panics; what is valid parses to the values written. The whole expansion is run too, with
//! the arguments on a valid function: it always emits the function, and `compile_error!` when
//! the arguments are wrong.
//!
//! `PROPTEST_CASES=100000 cargo test -p durable-runtime-macros --lib attr_props` runs them longer.

use crate::attr::{parse_duration, parse_step_args, parse_workflow_args, Jitter, Millis, Retry, Semantics};
use crate::ctxt::Ctxt;
use proc_macro2::TokenStream;
use proptest::prelude::*;
use quote::quote;
use std::str::FromStr;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const KEYS: &[&str] = &[
    "name",
    "crate",
    "retry",
    "retry_with",
    "serdes",
    "semantics",
    "max_attempts",
    "initial",
    "max",
    "backoff",
    "jitter",
    "self",
    "super",
    "r#type",
    "r#name",
    "_",
    "Name",
    "unknown",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "x",
    "1s",
    "500ms",
    "1h30m",
    "0s",
    "1.5s",
    "-1s",
    "10",
    "s",
    "99999999999999999999s",
    "18446744073709551615d",
    "213503982334601d",
    "default",
    "none",
    "transient",
    "critical",
    "resource_availability",
    "at_least_once",
    "at_most_once_per_retry",
    "full",
    "half",
    "my_sdk::durable",
    "::durable",
    "a::",
    "1a",
    "crate",
    "self::x",
    "fn",
    "\u{0}",
    "é",
    "𝄞",
];

/// A literal of any kind, written as Rust source.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(STRINGS).prop_map(|s| format!("{s:?}")),
        2 => any::<String>().prop_map(|s| format!("{s:?}")),
        1 => "[ -~]{0,12}".prop_map(|s| format!("r#\"{}\"#", s.replace('"', ""))),
        2 => prop::sample::select(&["0", "1", "5", "4294967295", "4294967296", "99999999999999999999999", "1u8", "0x10", "1_000", "-1"][..]).prop_map(str::to_owned),
        2 => prop::sample::select(&["0.0", "0.5", "1.0", "2.0", "1e308", "1e309", "2.5e-300", "1f32", "3.0f64", "-2.0", "1.", "1e3"][..]).prop_map(str::to_owned),
        1 => prop::sample::select(&["'a'", "'\\u{1f}'", "b'x'", "b\"bytes\"", "c\"cstr\"", "true", "false"][..]).prop_map(str::to_owned),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:?}")),
    ]
}

fn punct() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "=", ",", "::", ":", ".", "-", "#", "!", "&", ";", "@", "$", "?", "=>", "..", "'", "|",
        ][..],
    )
    .prop_map(str::to_owned)
}

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-z_][a-z0-9_]{0,8}".prop_filter("an identifier", |s| s != "_" && syn::parse_str::<syn::Ident>(s).is_ok()),
    ]
}

/// Source text of tokens of every kind, groups nested a few levels deep.
fn soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![3 => ident(), 2 => punct(), 3 => literal()];
    let leaf = prop::collection::vec(token, 0..8).prop_map(|t| t.join(" "));
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop::collection::vec(
            prop_oneof![
                3 => inner.clone(),
                1 => inner.clone().prop_map(|s| format!("({s})")),
                1 => inner.clone().prop_map(|s| format!("[{s}]")),
                1 => inner.prop_map(|s| format!("{{{s}}}")),
                1 => punct(),
            ],
            0..5,
        )
        .prop_map(|parts| parts.join(" "))
    })
}

/// A value for an option: a literal, a path, an expression, a group.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => literal(),
        1 => "[a-z_]{1,6}(::[a-z_]{1,6}){0,2}".prop_filter("a path", |s| syn::parse_str::<syn::Path>(s).is_ok()),
        1 => Just("1 + 2".to_owned()),
        1 => Just("{ 1 }".to_owned()),
        1 => Just("-2.0".to_owned()),
        1 => Just(String::new()),
        1 => soup(),
    ]
}

/// `key = value`, `key(..)`, a bare key, or nested `retry(..)` options.
fn option() -> impl Strategy<Value = String> {
    let nested = prop::collection::vec(
        (
            prop::sample::select(
                &[
                    "max_attempts",
                    "initial",
                    "max",
                    "backoff",
                    "jitter",
                    "other",
                    "retry",
                ][..],
            ),
            value(),
        )
            .prop_map(|(k, v)| format!("{k} = {v}")),
        0..5,
    )
    .prop_map(|opts| opts.join(", "));
    prop_oneof![
        6 => (ident(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        3 => nested.prop_map(|n| format!("retry({n})")),
        1 => (ident(), soup()).prop_map(|(k, s)| format!("{k}({s})")),
        1 => ident(),
        1 => (ident(), ident()).prop_map(|(a, b)| format!("{a}::{b} = \"x\"")),
    ]
}

fn options() -> impl Strategy<Value = String> {
    (prop::collection::vec(option(), 0..5), any::<bool>()).prop_map(|(opts, trailing)| {
        let mut s = opts.join(", ");
        if trailing && !s.is_empty() {
            s.push(',');
        }
        s
    })
}

/// Parses `text` as tokens, if it lexes.
fn tokens(text: &str) -> Option<TokenStream> {
    TokenStream::from_str(text).ok()
}

/// Runs both parsers; every recorded error has a message.
fn parse_both(args: &TokenStream) -> Result<(usize, usize), TestCaseError> {
    let mut counts = (0, 0);
    for step in [false, true] {
        let cx = Ctxt::default();
        if step {
            let _ = parse_step_args(&cx, args.clone());
            counts.1 = cx.count();
        } else {
            let _ = parse_workflow_args(&cx, args.clone());
            counts.0 = cx.count();
        }
        if let Some(e) = cx.finish() {
            prop_assert!(!e.to_compile_error().is_empty());
            for one in e {
                prop_assert!(!one.to_string().is_empty());
            }
        }
    }
    Ok(counts)
}

fn step_item() -> TokenStream {
    quote! {
        async fn charge(order: u32) -> Result<u32, String> {
            Ok(order)
        }
    }
}

fn workflow_item() -> TokenStream {
    quote! {
        async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
            let a: u32 = ctx.step("load", |_| async move { Ok::<_, String>(id) }).await?;
            Ok(a)
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Token soups: recorded errors or valid arguments, never a panic.
    #[test]
    fn token_soups_parse_or_error(text in soup()) {
        if let Some(args) = tokens(&text) {
            parse_both(&args)?;
        }
    }

    /// Options of the right shape with any keys and values.
    #[test]
    fn structured_options_parse_or_error(text in options()) {
        // A value drawn from the soup may not lex (a lone `'`): that is rustc's to report.
        let Some(args) = tokens(&text) else { return Ok(()) };
        parse_both(&args)?;
    }

    /// Any text as a duration is milliseconds or a message, never a panic.
    #[test]
    fn any_duration_text_parses_or_errors(text in prop_oneof![any::<String>(), "[0-9]{0,22}(ms|s|m|h|d|x|)([0-9]{0,3}(ms|s|m|h|d))?"]) {
        match parse_duration(&text) {
            Ok(Millis(ms)) => prop_assert!(ms > 0),
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }

    /// Valid durations parse to their sum.
    #[test]
    fn valid_durations_sum(parts in prop::collection::vec((0u64..100_000, prop::sample::select(&[("ms", 1u64), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)][..])), 1..4)) {
        let text: String = parts.iter().map(|(n, (unit, _))| format!("{n}{unit}")).collect();
        let total: u64 = parts.iter().map(|(n, (_, f))| n * f).sum();
        let parsed = parse_duration(&text);
        if total == 0 {
            prop_assert!(parsed.is_err());
        } else {
            prop_assert_eq!(parsed, Ok(Millis(total)));
        }
    }

    /// Valid step options parse to the values written, with no error.
    #[test]
    fn valid_step_options_round_trip(
        name in "[a-z][a-z0-9 -]{0,30}",
        max_attempts in 1u32..,
        initial_s in 1u64..1000,
        backoff in 1.0f64..10.0,
        jitter in prop::sample::select(&["full", "half", "none"][..]),
        semantics in prop::sample::select(&["at_least_once", "at_most_once", "at_most_once_per_retry"][..]),
    ) {
        let text = format!(
            "name = {name:?}, retry(max_attempts = {max_attempts}, initial = \"{initial_s}s\", backoff = {backoff:?}, jitter = {jitter:?}), semantics = {semantics:?}"
        );
        let cx = Ctxt::default();
        let args = parse_step_args(&cx, tokens(&text).unwrap());
        prop_assert_eq!(cx.count(), 0, "{}", text);
        prop_assert_eq!(args.name.map(|n| n.value), Some(name));
        let Some(Retry::Custom(retry)) = args.retry.map(|r| r.value) else {
            return Err(TestCaseError::fail("retry(..) is custom"));
        };
        prop_assert_eq!(retry.max_attempts.map(|m| m.value), Some(max_attempts));
        prop_assert_eq!(retry.initial.map(|m| m.value), Some(Millis(initial_s * 1000)));
        prop_assert_eq!(retry.backoff.map(|b| b.value), Some(backoff));
        let expected_jitter = match jitter { "full" => Jitter::Full, "half" => Jitter::Half, _ => Jitter::None };
        prop_assert_eq!(retry.jitter.map(|j| j.value), Some(expected_jitter));
        let expected_semantics = if semantics == "at_least_once" { Semantics::AtLeastOnce } else { Semantics::AtMostOnce };
        prop_assert_eq!(args.semantics.map(|s| s.value), Some(expected_semantics));
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// The whole expansion with fuzzed arguments on a valid function: it always emits the
    /// function, and a `compile_error!` exactly when the parser recorded an error.
    #[test]
    fn expansion_with_fuzzed_arguments(text in prop_oneof![options(), soup()]) {
        let Some(args) = tokens(&text) else { return Ok(()) };
        let (workflow_errors, step_errors) = parse_both(&args)?;
        let out = crate::expand::step::expand(args.clone(), step_item()).to_string();
        prop_assert!(out.contains("charge"), "{}", out);
        if step_errors > 0 {
            prop_assert!(out.contains("compile_error"), "{}", out);
        }
        let out = crate::expand::workflow::expand(args, workflow_item()).to_string();
        prop_assert!(out.contains("order"), "{}", out);
        if workflow_errors > 0 {
            prop_assert!(out.contains("compile_error"), "{}", out);
        }
    }
}
