//! How the docs write code: token text spaced the way people write Rust, and the pattern of a
//! `format!` name with its positional arguments written in.

use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// Tokens as text, spaced the way people write Rust (`Duration::from_secs(5)`, not
/// `Duration :: from_secs (5)`). For display only.
pub(crate) fn tidy(tokens: impl quote::ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut in_str = false;
    // Inside a closure's `|params|`.
    let mut in_params = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' && (i == 0 || chars[i - 1] != '\\') {
            in_str = !in_str;
        }
        if c == '|' && !in_str && chars.get(i + 1) != Some(&'|') && (i == 0 || chars[i - 1] != '|') {
            let before = out.trim_end();
            if in_params {
                in_params = false;
                if out.ends_with(' ') {
                    out.pop();
                }
            } else if before.is_empty() || before.ends_with(['(', ',', '=']) || before.ends_with("move") {
                in_params = true;
            }
        }
        if c == ' ' && !in_str {
            let prev = out.chars().last().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let next2 = chars.get(i + 2).copied().unwrap_or(' ');
            // `&x`, `&mut x`: unary, unlike `a && b` and `a & b`.
            let unary_ref = prev == '&' && {
                let mut before = out.chars().rev().skip(1);
                match before.next() {
                    Some('&') => false,
                    Some(' ') => !before
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == ')' || c == '_'),
                    _ => true,
                }
            };
            let opening_pipe = prev == '|' && in_params;
            let drop = matches!(prev, '(' | '[' | '.' | '!' | '#')
                || unary_ref
                || opening_pipe
                || (prev == ':' && out.ends_with("::"))
                || matches!(next, ')' | ']' | ',' | '.' | ';' | '?')
                || (next == ':' && next2 == ':')
                || (next == ':' && prev.is_alphanumeric())
                || (next == '(' && (prev.is_alphanumeric() || prev == '_' || prev == '!' || prev == '>'))
                || (next == '!' && next2 != '=' && (prev.is_alphanumeric() || prev == '_'))
                || (next == '[' && (prev.is_alphanumeric() || prev == '!'))
                || (next == '<' && prev == ':');
            if drop {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The pattern of a `format!`: `format!("chunk-{}", i)` is `chunk-{i}`.
pub(super) fn format_pattern(mac: &syn::Macro) -> Option<String> {
    let args = mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(pattern),
        ..
    })) = args.next()
    else {
        return None;
    };
    let positional: Vec<String> = args
        .filter(|a| !matches!(a, Expr::Assign(_)))
        .map(|a| tidy(&a))
        .collect();
    let pattern = pattern.value();
    let mut out = String::new();
    let mut next = 0;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push_str("{{");
            }
            '{' => {
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    inner.push(c);
                }
                let key = inner.split(':').next().unwrap_or_default().trim().to_owned();
                let shown = if key.is_empty() {
                    next += 1;
                    positional.get(next - 1).cloned()
                } else if let Ok(n) = key.parse::<usize>() {
                    positional.get(n).cloned()
                } else {
                    Some(key)
                };
                out.push('{');
                out.push_str(shown.as_deref().unwrap_or("?"));
                out.push('}');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push_str("}}");
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{format_pattern, tidy};

    #[test]
    fn tidy_spaces_like_people_do() {
        assert_eq!(
            tidy(quote::quote!(Duration::from_secs(30 * 24 * 3600))),
            "Duration::from_secs(30 * 24 * 3600)"
        );
        assert_eq!(
            tidy(quote::quote!(restock_callback(&order))),
            "restock_callback(&order)"
        );
        assert_eq!(
            tidy(quote::quote!(RetryPresets::none().max(a.b, c[0]))),
            "RetryPresets::none().max(a.b, c[0])"
        );
        assert_eq!(tidy(quote::quote!(format!("x-{}", i))), "format!(\"x-{}\", i)");
        assert_eq!(tidy(quote::quote!(x?.y)), "x?.y");
        assert_eq!(
            tidy(quote::quote!((i + 1) % 10 == 0 && i + 1 < n)),
            "(i + 1) % 10 == 0 && i + 1 < n"
        );
        assert_eq!(tidy(quote::quote!(f(&a, &mut b) & c)), "f(&a, &mut b) & c");
        assert_eq!(
            tidy(quote::quote!(.item_namer(|item: &LineItem, index| format!("{index}")))),
            ".item_namer(|item: &LineItem, index| format!(\"{index}\"))"
        );
        assert_eq!(tidy(quote::quote!(f(|| async { 1 }))), "f(|| async { 1 })");
        assert_eq!(tidy(quote::quote!(a || b)), "a || b");
    }

    #[test]
    fn format_patterns_name_their_arguments() {
        let mac: syn::Macro = syn::parse_quote!(format!("chunk-{}-{:?}-{name}-{0}", i, j.k, name = n));
        assert_eq!(format_pattern(&mac).unwrap(), "chunk-{i}-{j.k}-{name}-{i}");
        let mac: syn::Macro = syn::parse_quote!(format!("item-{index}"));
        assert_eq!(format_pattern(&mac).unwrap(), "item-{index}");
    }
}
