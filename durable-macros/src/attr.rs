//! Parse phase, part 1: the arguments of `#[durable_workflow(..)]` and `#[step(..)]`, and the
//! compile-time parsing of durations. Syntax and single-value checks only; anything that
//! compares two options lives in `check.rs`.

use crate::ctxt::Ctxt;
use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Expr, Lit, LitStr};

/// A value and where the user wrote it.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// Sets an option once; a second occurrence is an error at the second one.
fn set_once<T>(cx: &Ctxt, slot: &mut Option<Spanned<T>>, key: &str, value: T, span: Span) {
    if slot.is_some() {
        cx.error_at(span, format!("duplicate `{key}` option"));
    } else {
        *slot = Some(Spanned { value, span });
    }
}

/// Arguments of `#[durable_workflow(..)]`.
#[derive(Default)]
pub(crate) struct WorkflowArgs {
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) krate: Option<Spanned<syn::Path>>,
}

/// Arguments of `#[step(..)]`.
#[derive(Default)]
pub(crate) struct StepArgs {
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) krate: Option<Spanned<syn::Path>>,
    pub(crate) retry: Option<Spanned<Retry>>,
    pub(crate) semantics: Option<Spanned<Semantics>>,
    /// `retry_with = path::to::strategy_fn`: a fn returning a `RetryStrategy`.
    pub(crate) retry_with: Option<Spanned<syn::Path>>,
    /// `serdes = path::to::serdes_fn`: a fn returning a `Serdes` of the step's value.
    pub(crate) serdes: Option<Spanned<syn::Path>>,
}

/// A step's retry option.
#[derive(Clone)]
pub(crate) enum Retry {
    /// `retry = "transient"`.
    Preset(Preset),
    /// `retry(max_attempts = .., initial = .., ..)`.
    Custom(CustomRetry),
}

/// The named presets (`RetryPresets::*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Preset {
    Default,
    None,
    Linear,
    Transient,
    ResourceAvailability,
    Critical,
}

impl Preset {
    const ALL: &'static [(&'static str, Preset)] = &[
        ("default", Preset::Default),
        ("none", Preset::None),
        ("linear", Preset::Linear),
        ("transient", Preset::Transient),
        ("resource_availability", Preset::ResourceAvailability),
        ("critical", Preset::Critical),
    ];

    /// The `RetryPresets` constructor implementing it.
    pub(crate) fn constructor(self) -> &'static str {
        match self {
            Preset::Default => "default_policy",
            Preset::None => "none",
            Preset::Linear => "linear",
            Preset::Transient => "transient",
            Preset::ResourceAvailability => "resource_availability",
            Preset::Critical => "critical",
        }
    }
}

/// `retry(..)` with explicit values; unset values keep `RetryPolicy::exponential()`'s.
#[derive(Clone, Default)]
pub(crate) struct CustomRetry {
    pub(crate) max_attempts: Option<Spanned<u32>>,
    pub(crate) initial: Option<Spanned<Millis>>,
    pub(crate) max: Option<Spanned<Millis>>,
    pub(crate) backoff: Option<Spanned<f64>>,
    pub(crate) jitter: Option<Spanned<Jitter>>,
}

/// A duration in milliseconds, parsed from `"1s"`, `"500ms"`, `"1h30m"`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Millis(pub(crate) u64);

/// `jitter = ".."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Jitter {
    Full,
    Half,
    None,
}

/// `semantics = ".."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Semantics {
    AtLeastOnce,
    AtMostOnce,
}

/// Parses `#[durable_workflow(..)]` arguments, recording errors and skipping bad options.
pub(crate) fn parse_workflow_args(cx: &Ctxt, tokens: TokenStream) -> WorkflowArgs {
    let mut args = WorkflowArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            if let Some(lit) = lit_str_value(cx, &meta)? {
                if let Some(name) = validate_name(cx, &lit) {
                    set_once(cx, &mut args.name, "name", name, lit.span());
                }
            }
        } else if meta.path.is_ident("crate") {
            if let Some(lit) = lit_str_value(cx, &meta)? {
                match lit.parse::<syn::Path>() {
                    Ok(path) => set_once(cx, &mut args.krate, "crate", path, lit.span()),
                    Err(_) => cx.error_at(lit.span(), "expected a path, e.g. `crate = \"my_sdk::durable\"`"),
                }
            }
        } else {
            unknown_option(
                cx,
                &meta,
                "#[durable_workflow]",
                "`name = \"..\"` and `crate = \"path\"`",
            )?;
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        cx.syn_error(e);
    }
    args
}

/// Parses `#[step(..)]` arguments, recording errors and skipping bad options.
pub(crate) fn parse_step_args(cx: &Ctxt, tokens: TokenStream) -> StepArgs {
    let mut args = StepArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            if let Some(lit) = lit_str_value(cx, &meta)? {
                if let Some(name) = validate_name(cx, &lit) {
                    set_once(cx, &mut args.name, "name", name, lit.span());
                }
            }
        } else if meta.path.is_ident("crate") {
            if let Some(lit) = lit_str_value(cx, &meta)? {
                match lit.parse::<syn::Path>() {
                    Ok(path) => set_once(cx, &mut args.krate, "crate", path, lit.span()),
                    Err(_) => cx.error_at(lit.span(), "expected a path, e.g. `crate = \"my_sdk::durable\"`"),
                }
            }
        } else if meta.path.is_ident("retry") {
            let span = span_of_path(&meta.path);
            if meta.input.peek(syn::Token![=]) {
                if let Some(lit) = lit_str_value(cx, &meta)? {
                    if let Some(preset) = parse_preset(cx, &lit) {
                        set_once(cx, &mut args.retry, "retry", Retry::Preset(preset), span);
                    }
                }
            } else if meta.input.peek(syn::token::Paren) {
                let custom = parse_custom_retry(cx, &meta)?;
                set_once(cx, &mut args.retry, "retry", Retry::Custom(custom), span);
            } else {
                cx.error_at(
                    span,
                    format!(
                        "expected `retry = \"<preset>\"` (one of {}) or `retry(max_attempts = 5, initial = \"1s\", \
                         max = \"60s\", backoff = 2.0, jitter = \"full\")`",
                        preset_list()
                    ),
                );
            }
        } else if meta.path.is_ident("retry_with") || meta.path.is_ident("serdes") {
            let key = if meta.path.is_ident("serdes") {
                "serdes"
            } else {
                "retry_with"
            };
            let path: syn::Path = meta.value()?.parse()?;
            let span = span_of_path(&path);
            let slot = if key == "serdes" {
                &mut args.serdes
            } else {
                &mut args.retry_with
            };
            set_once(cx, slot, key, path, span);
        } else if meta.path.is_ident("semantics") {
            if let Some(lit) = lit_str_value(cx, &meta)? {
                let semantics = match lit.value().as_str() {
                    "at_least_once" | "at_least_once_per_retry" => Some(Semantics::AtLeastOnce),
                    "at_most_once" | "at_most_once_per_retry" => Some(Semantics::AtMostOnce),
                    other => {
                        cx.error_at(
                            lit.span(),
                            format!(
                                "unknown step semantics `{other}`; expected `\"at_least_once\"` (the default: the \
                                 body may run again if the invocation dies before its result is checkpointed) or \
                                 `\"at_most_once\"` (the body runs at most once per attempt)"
                            ),
                        );
                        None
                    }
                };
                if let Some(s) = semantics {
                    set_once(cx, &mut args.semantics, "semantics", s, lit.span());
                }
            }
        } else {
            unknown_option(
                cx,
                &meta,
                "#[step]",
                "`name = \"..\"`, `retry = \"<preset>\"`, `retry(..)`, `retry_with = strategy_fn`, \
                 `semantics = \"..\"`, `serdes = serdes_fn` and `crate = \"path\"`",
            )?;
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        cx.syn_error(e);
    }
    args
}

fn parse_custom_retry(cx: &Ctxt, outer: &ParseNestedMeta<'_>) -> syn::Result<CustomRetry> {
    let mut retry = CustomRetry::default();
    outer.parse_nested_meta(|meta| {
        if meta.path.is_ident("max_attempts") {
            let lit: syn::LitInt = meta.value()?.parse()?;
            match lit.base10_parse::<u32>() {
                Ok(0) | Err(_) => {
                    cx.error_at(lit.span(), "`max_attempts` must be a whole number from 1 to 4294967295 (1 = no retries)")
                }
                Ok(n) => set_once(cx, &mut retry.max_attempts, "max_attempts", n, lit.span()),
            }
        } else if meta.path.is_ident("initial") || meta.path.is_ident("max") {
            let key = if meta.path.is_ident("initial") { "initial" } else { "max" };
            if let Some(lit) = lit_str_value(cx, &meta)? {
                match parse_duration(&lit.value()) {
                    Ok(ms) => {
                        let slot = if key == "initial" { &mut retry.initial } else { &mut retry.max };
                        set_once(cx, slot, key, ms, lit.span());
                    }
                    Err(message) => cx.error_at(lit.span(), format!("invalid `{key}` duration: {message}")),
                }
            }
        } else if meta.path.is_ident("backoff") {
            let lit: Lit = meta.value()?.parse()?;
            let value = match &lit {
                Lit::Float(f) => f.base10_parse::<f64>().ok(),
                Lit::Int(i) => i.base10_parse::<u32>().ok().map(f64::from),
                _ => None,
            };
            match value {
                Some(v) if v.is_finite() && v >= 1.0 => set_once(cx, &mut retry.backoff, "backoff", v, lit.span()),
                _ => cx.error_at(
                    lit.span(),
                    "`backoff` must be a number of at least 1.0 (the factor each delay is multiplied by), e.g. `backoff = 2.0`",
                ),
            }
        } else if meta.path.is_ident("jitter") {
            if let Some(lit) = lit_str_value(cx, &meta)? {
                let jitter = match lit.value().as_str() {
                    "full" => Some(Jitter::Full),
                    "half" => Some(Jitter::Half),
                    "none" => Some(Jitter::None),
                    other => {
                        cx.error_at(
                            lit.span(),
                            format!("unknown jitter `{other}`; expected `\"full\"`, `\"half\"` or `\"none\"`"),
                        );
                        None
                    }
                };
                if let Some(j) = jitter {
                    set_once(cx, &mut retry.jitter, "jitter", j, lit.span());
                }
            }
        } else {
            unknown_option(
                cx,
                &meta,
                "retry(..)",
                "`max_attempts = 5`, `initial = \"1s\"`, `max = \"60s\"`, `backoff = 2.0` and `jitter = \"full\"`",
            )?;
        }
        Ok(())
    })?;
    Ok(retry)
}

/// Reads `= "literal"`; a non-string value is recorded as an error (and skipped).
fn lit_str_value(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    let key = path_text(&meta.path);
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => Ok(Some(s)),
        other => {
            cx.error_spanned_by(other, format!("expected a string literal: `{key} = \"..\"`"));
            Ok(None)
        }
    }
}

/// Records an unknown option and skips its value so parsing can go on.
fn unknown_option(cx: &Ctxt, meta: &ParseNestedMeta<'_>, attribute: &str, valid: &str) -> syn::Result<()> {
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown `{attribute}` option `{}`; valid options are {valid}",
            path_text(&meta.path)
        ),
    );
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: TokenStream = content.parse()?;
    }
    Ok(())
}

fn validate_name(cx: &Ctxt, lit: &LitStr) -> Option<String> {
    let name = lit.value();
    if name.trim().is_empty() {
        cx.error_at(lit.span(), "a name must not be empty");
        None
    } else if name.len() > 256 {
        cx.error_at(lit.span(), "a name must be at most 256 bytes long");
        None
    } else {
        Some(name)
    }
}

fn parse_preset(cx: &Ctxt, lit: &LitStr) -> Option<Preset> {
    let value = lit.value();
    let found = Preset::ALL.iter().find(|(n, _)| *n == value).map(|(_, p)| *p);
    if found.is_none() {
        cx.error_at(
            lit.span(),
            format!(
                "unknown retry preset `{value}`; expected one of {}",
                preset_list()
            ),
        );
    }
    found
}

fn preset_list() -> String {
    let names: Vec<String> = Preset::ALL.iter().map(|(n, _)| format!("`\"{n}\"`")).collect();
    names.join(", ")
}

fn path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

fn span_of_path(path: &syn::Path) -> Span {
    path.segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// Parses a duration such as `"500ms"`, `"1s"`, `"5m"`, `"2h"`, `"1d"` or `"1h30m"` into
/// milliseconds. The error text says what is wrong and lists the units.
pub(crate) fn parse_duration(text: &str) -> Result<Millis, String> {
    const UNITS: &str = "`ms`, `s`, `m`, `h` and `d` (e.g. \"500ms\", \"30s\", \"5m\", \"1h30m\")";
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!(
            "the duration is empty; write a number followed by a unit: {UNITS}"
        ));
    }
    let bytes = trimmed.as_bytes();
    let mut total: u64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let number = trimmed.get(start..i).unwrap_or_default();
        if number.is_empty() {
            return Err(format!(
                "`{trimmed}` must start each part with a whole number; valid units are {UNITS}"
            ));
        }
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = trimmed.get(unit_start..i).unwrap_or_default();
        let factor: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "" => return Err(format!("`{number}` has no unit; valid units are {UNITS}")),
            other => return Err(format!("unknown unit `{other}`; valid units are {UNITS}")),
        };
        let n: u64 = number.parse().map_err(|_| format!("`{number}` is too large"))?;
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("`{trimmed}` is too large"))?;
    }
    if total == 0 {
        return Err("the duration must be greater than zero".to_owned());
    }
    Ok(Millis(total))
}

#[cfg(test)]
mod tests {
    use super::{parse_duration, Millis};

    #[test]
    fn parses_single_units() {
        assert_eq!(parse_duration("500ms"), Ok(Millis(500)));
        assert_eq!(parse_duration("1s"), Ok(Millis(1_000)));
        assert_eq!(parse_duration("5m"), Ok(Millis(300_000)));
        assert_eq!(parse_duration("2h"), Ok(Millis(7_200_000)));
        assert_eq!(parse_duration("1d"), Ok(Millis(86_400_000)));
        assert_eq!(parse_duration(" 60s "), Ok(Millis(60_000)));
    }

    #[test]
    fn parses_compound_durations() {
        assert_eq!(parse_duration("1h30m"), Ok(Millis(5_400_000)));
        assert_eq!(parse_duration("1m500ms"), Ok(Millis(60_500)));
    }

    #[test]
    fn rejects_bad_durations() {
        for bad in [
            "",
            "s",
            "10",
            "10x",
            "1.5s",
            "-1s",
            "1 s",
            "0s",
            "0ms",
            "99999999999999999999s",
        ] {
            let err = parse_duration(bad);
            assert!(err.is_err(), "{bad:?} should be rejected, got {err:?}");
        }
        let err = parse_duration("10x").unwrap_err();
        assert!(err.contains("unknown unit `x`") && err.contains("`ms`"), "{err}");
        assert!(parse_duration("10").unwrap_err().contains("has no unit"));
        assert!(parse_duration("0s").unwrap_err().contains("greater than zero"));
        assert!(parse_duration("18446744073709551615d")
            .unwrap_err()
            .contains("too large"));
    }
}
