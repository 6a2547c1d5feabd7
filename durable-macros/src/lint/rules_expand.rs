//! A small `macro_rules!` expander, so the lint sees what a user's macro expands to where the
//! body invokes it (`for_each_region!(input.regions, |r| { .. })` becomes a `for` loop over
//! a map it knows the type of). It matches the invocation against each rule in turn, with
//! fragments parsed by `syn` (`expr`, `ident`, `tt`, `ty`, `block`, ...) and one or more
//! levels of `$( .. ) sep rep` repetition, and transcribes the first rule that matches.
//! Anything it cannot do (a nested macro call that defines macros, an ambiguous matcher) gives
//! `None`: the caller then falls back to scanning the definition's tokens.

use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::HashMap;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};

/// Expands `input` (the tokens inside `name!(..)`) with the rules of `definition` (the tokens
/// inside `macro_rules! name { .. }`).
pub(crate) fn expand(definition: &TokenStream, input: &TokenStream) -> Option<TokenStream> {
    let input: Vec<TokenTree> = input.clone().into_iter().collect();
    for (matcher, transcriber) in rules(definition) {
        let pattern = parse_pattern(&matcher.into_iter().collect::<Vec<_>>())?;
        let mut bindings = HashMap::new();
        if let Some(used) = match_seq(&pattern, &input, &mut bindings) {
            if used == input.len() {
                return transcribe(&transcriber.into_iter().collect::<Vec<_>>(), &bindings);
            }
        }
    }
    None
}

/// The `(matcher) => {transcriber}` pairs of a definition.
fn rules(definition: &TokenStream) -> Vec<(TokenStream, TokenStream)> {
    let tokens: Vec<TokenTree> = definition.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 < tokens.len() + 1 {
        match (
            tokens.get(i),
            tokens.get(i + 1),
            tokens.get(i + 2),
            tokens.get(i + 3),
        ) {
            (
                Some(TokenTree::Group(m)),
                Some(TokenTree::Punct(eq)),
                Some(TokenTree::Punct(gt)),
                Some(TokenTree::Group(t)),
            ) if eq.as_char() == '=' && gt.as_char() == '>' => {
                out.push((m.stream(), t.stream()));
                i += 4;
            }
            _ => i += 1,
        }
    }
    out
}

#[derive(Debug)]
enum Pattern {
    Token(String),
    Group(Delimiter, Vec<Pattern>),
    Fragment(String, String),
    Repeat {
        inner: Vec<Pattern>,
        separator: Option<String>,
        at_most_one: bool,
    },
}

#[derive(Clone, Debug)]
enum Binding {
    One(TokenStream),
    Many(Vec<Binding>),
}

fn parse_pattern(tokens: &[TokenTree]) -> Option<Vec<Pattern>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                match (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3)) {
                    (
                        Some(TokenTree::Ident(name)),
                        Some(TokenTree::Punct(colon)),
                        Some(TokenTree::Ident(kind)),
                    ) if colon.as_char() == ':' => {
                        out.push(Pattern::Fragment(name.to_string(), kind.to_string()));
                        i += 4;
                    }
                    (Some(TokenTree::Group(g)), _, _) if g.delimiter() == Delimiter::Parenthesis => {
                        let inner = parse_pattern(&g.stream().into_iter().collect::<Vec<_>>())?;
                        let (separator, op, used) = repetition_tail(tokens, i + 2)?;
                        out.push(Pattern::Repeat {
                            inner,
                            separator,
                            at_most_one: op == '?',
                        });
                        i = used;
                    }
                    _ => return None,
                }
            }
            TokenTree::Group(g) => {
                out.push(Pattern::Group(
                    g.delimiter(),
                    parse_pattern(&g.stream().into_iter().collect::<Vec<_>>())?,
                ));
                i += 1;
            }
            other => {
                out.push(Pattern::Token(other.to_string()));
                i += 1;
            }
        }
    }
    Some(out)
}

/// After `$( .. )` at `at`: an optional separator and the operator; the index after them.
fn repetition_tail(tokens: &[TokenTree], at: usize) -> Option<(Option<String>, char, usize)> {
    let op_of = |t: Option<&TokenTree>| match t {
        Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?') => Some(p.as_char()),
        _ => None,
    };
    if let Some(op) = op_of(tokens.get(at)) {
        return Some((None, op, at + 1));
    }
    let separator = tokens.get(at)?.to_string();
    let op = op_of(tokens.get(at + 1))?;
    Some((Some(separator), op, at + 2))
}

/// Matches `pattern` at the start of `input`; returns how many token trees it used.
fn match_seq(
    pattern: &[Pattern],
    input: &[TokenTree],
    bindings: &mut HashMap<String, Binding>,
) -> Option<usize> {
    let mut at = 0;
    for p in pattern {
        match p {
            Pattern::Token(t) => {
                if input.get(at)?.to_string() != *t {
                    return None;
                }
                at += 1;
            }
            Pattern::Group(delimiter, inner) => {
                let TokenTree::Group(g) = input.get(at)? else {
                    return None;
                };
                if g.delimiter() != *delimiter {
                    return None;
                }
                let content: Vec<TokenTree> = g.stream().into_iter().collect();
                if match_seq(inner, &content, bindings)? != content.len() {
                    return None;
                }
                at += 1;
            }
            Pattern::Fragment(name, kind) => {
                let rest: TokenStream = input[at..].iter().cloned().collect();
                let (matched, left) = parse_fragment(kind, rest)?;
                let used = input.len() - at - left;
                if used == 0 {
                    return None;
                }
                bindings.insert(name.clone(), Binding::One(matched));
                at += used;
            }
            Pattern::Repeat {
                inner,
                separator,
                at_most_one,
            } => {
                let mut rounds: Vec<HashMap<String, Binding>> = Vec::new();
                loop {
                    let mut round = HashMap::new();
                    let Some(used) = match_seq(inner, &input[at..], &mut round) else {
                        break;
                    };
                    if used == 0 {
                        break;
                    }
                    at += used;
                    rounds.push(round);
                    if *at_most_one {
                        break;
                    }
                    match separator {
                        Some(sep) if input.get(at).is_some_and(|t| t.to_string() == *sep) => at += 1,
                        Some(_) => break,
                        None => {}
                    }
                }
                for name in fragment_names(inner) {
                    let seq = rounds.iter_mut().filter_map(|r| r.remove(&name)).collect();
                    bindings.insert(name, Binding::Many(seq));
                }
            }
        }
    }
    Some(at)
}

fn fragment_names(pattern: &[Pattern]) -> Vec<String> {
    let mut out = Vec::new();
    for p in pattern {
        match p {
            Pattern::Fragment(name, _) => out.push(name.clone()),
            Pattern::Group(_, inner) | Pattern::Repeat { inner, .. } => out.extend(fragment_names(inner)),
            Pattern::Token(_) => {}
        }
    }
    out
}

/// Parses one fragment of `kind` at the start of `tokens`: its tokens, and how many token
/// trees are left after it.
fn parse_fragment(kind: &str, tokens: TokenStream) -> Option<(TokenStream, usize)> {
    let kind = kind.to_owned();
    let parser = move |input: ParseStream<'_>| -> syn::Result<(TokenStream, usize)> {
        let matched = match kind.as_str() {
            "expr" => input.parse::<syn::Expr>()?.into_token_stream(),
            "ident" => input.call(Ident::parse_any)?.into_token_stream(),
            "tt" => input.parse::<TokenTree>()?.into_token_stream(),
            "literal" => input.parse::<syn::Lit>()?.into_token_stream(),
            "block" => input.parse::<syn::Block>()?.into_token_stream(),
            "ty" => input.parse::<syn::Type>()?.into_token_stream(),
            "path" => input.parse::<syn::Path>()?.into_token_stream(),
            "pat" | "pat_param" => syn::Pat::parse_single(input)?.into_token_stream(),
            "stmt" => input.parse::<syn::Stmt>()?.into_token_stream(),
            "item" => input.parse::<syn::Item>()?.into_token_stream(),
            "lifetime" => input.parse::<syn::Lifetime>()?.into_token_stream(),
            "vis" => input.parse::<syn::Visibility>()?.into_token_stream(),
            "meta" => input.parse::<syn::Meta>()?.into_token_stream(),
            _ => return Err(input.error("unknown fragment")),
        };
        let rest: TokenStream = input.parse()?;
        Ok((matched, rest.into_iter().count()))
    };
    parser.parse2(tokens).ok()
}

fn transcribe(tokens: &[TokenTree], bindings: &HashMap<String, Binding>) -> Option<TokenStream> {
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '$' => match tokens.get(i + 1) {
                Some(TokenTree::Ident(name)) if name == "crate" => {
                    out.extend([TokenTree::Ident(Ident::new("crate", name.span()))]);
                    i += 2;
                }
                Some(TokenTree::Ident(name)) => {
                    match bindings.get(&name.to_string())? {
                        Binding::One(ts) => out.extend(ts.clone()),
                        Binding::Many(_) => return None,
                    }
                    i += 2;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    let (separator, _, used) = repetition_tail(tokens, i + 2)?;
                    let names = used_names(&inner);
                    let rounds = names
                        .iter()
                        .filter_map(|n| match bindings.get(n) {
                            Some(Binding::Many(seq)) => Some(seq.len()),
                            _ => None,
                        })
                        .max()?;
                    for round in 0..rounds {
                        let mut scoped = bindings.clone();
                        for n in &names {
                            if let Some(Binding::Many(seq)) = bindings.get(n) {
                                scoped.insert(n.clone(), seq.get(round)?.clone());
                            }
                        }
                        if round > 0 {
                            if let Some(sep) = &separator {
                                out.extend(sep.parse::<TokenStream>().ok()?);
                            }
                        }
                        out.extend(transcribe(&inner, &scoped)?);
                    }
                    i = used;
                }
                _ => {
                    out.extend([tokens[i].clone()]);
                    i += 1;
                }
            },
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let mut group = Group::new(g.delimiter(), transcribe(&inner, bindings)?);
                group.set_span(g.span());
                out.extend([TokenTree::Group(group)]);
                i += 1;
            }
            other => {
                out.extend([other.clone()]);
                i += 1;
            }
        }
    }
    Some(out)
}

/// The `$name`s a transcriber fragment uses.
fn used_names(tokens: &[TokenTree]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                    out.push(name.to_string());
                }
            }
            TokenTree::Group(g) => out.extend(used_names(&g.stream().into_iter().collect::<Vec<_>>())),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(definition: &str, input: &str) -> Option<String> {
        expand(&definition.parse().unwrap(), &input.parse().unwrap()).map(|t| t.to_string())
    }

    #[test]
    fn fragments_are_substituted() {
        let out = expand_str(
            "($regions:expr, |$region:ident| $body:block) => { for $region in $regions.keys() $body };",
            "input.regions, |r| { step(r); }",
        )
        .unwrap();
        assert_eq!(out, "for r in input . regions . keys () { step (r) ; }");
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let def = "() => { none() }; ($x:literal) => { lit($x) }; ($x:expr) => { expr($x) };";
        assert_eq!(expand_str(def, "").unwrap(), "none ()");
        assert_eq!(expand_str(def, "\"a\"").unwrap(), "lit (\"a\")");
        assert_eq!(expand_str(def, "a + b").unwrap(), "expr (a + b)");
    }

    #[test]
    fn repetitions_expand_with_their_separator() {
        let def = "($($arg:tt)*) => { tracing::info!($($arg)*) }; ";
        assert_eq!(
            expand_str(def, "\"{:?}\", set").unwrap(),
            "tracing :: info ! (\"{:?}\" , set)"
        );
        let def = "($($k:expr => $v:expr),* $(,)?) => { vec![$(($k, $v)),*] };";
        assert_eq!(
            expand_str(def, "1 => a, 2 => b,").unwrap(),
            "vec ! [(1 , a) , (2 , b)]"
        );
    }

    #[test]
    fn no_rule_no_expansion() {
        assert!(expand_str("($x:ident) => { $x };", "1 + 2").is_none());
    }
}
