//! Macro invocations in a workflow body: `select!` without `biased;`, global state declared
//! with `thread_local!`/`lazy_static!`, and calls hidden in macro arguments (`format!`,
//! `matches!`, `tracing::info!`, a user's own macros) or in a `macro_rules!` the body
//! declares and uses. Arguments that parse as expressions are linted like the body; the rest
//! is scanned token by token for calls.

use super::rules::{self, Category};
use super::{Linter, Resolved};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Macro, Token};

impl Linter<'_> {
    pub(super) fn check_macro(&mut self, mac: &mut Macro) {
        let Some(last) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let written: Vec<String> = mac.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let written = format!("{}!", written.join("::"));
        match last.as_str() {
            "select" if !starts_with_biased(&mac.tokens) => self.report(&mac.path, &written, Category::Racy),
            "thread_local" | "lazy_static" => self.report(&mac.path, &written, Category::Global),
            "nanoid" => self.report(&mac.path, &written, Category::Ids),
            _ => {}
        }
        let mut expanded = false;
        if let Some(definition) = self.local_macros.get(&last).cloned() {
            // A `macro_rules!` of the file or the body: linted as it expands here, with the
            // types of what it is given; if it cannot be expanded, its transcribers' calls.
            expanded = self.check_expansion(mac, &definition, &written);
            if !expanded && self.linted_macros.insert(last.clone()) {
                self.scan_tokens(definition);
            }
        }
        if is_format_like(&last) && format_string_has_pointer(&mac.tokens) {
            self.report(&mac.path, &format!("{{:p}} in {written}"), Category::Address);
        }
        // The arguments. A plain list of expressions (`vec![..]`, `join!(..)`, `format!(..)`)
        // is linted like the body and emitted back with what the walk adds (the clippy
        // `allow` on step closures, e.g. in `vec![Branch::named(.., |c| c.step(..))]`); any
        // other argument syntax is linted piece by piece and emitted as written.
        // What the expansion found is reported at the macro; its arguments are still walked
        // (step closures in them get the clippy layer's `allow`) but report nothing twice.
        self.allowed += usize::from(expanded);
        let ops = self.ops.len();
        let formats = is_format_like(&last) || matches!(last.as_str(), "json" | "assert_eq" | "assert_ne");
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        // `join!(a, b)`: its futures run side by side.
        let joins = matches!(last.as_str(), "join" | "try_join");
        self.concurrent += usize::from(joins);
        if let Ok(mut args) = parser.parse2(mac.tokens.clone()) {
            for expr in args.iter_mut() {
                self.check_macro_argument(expr, formats, &written);
            }
            mac.tokens = args.to_token_stream();
        } else {
            self.check_pieces(mac.tokens.clone(), formats, &written);
        }
        self.concurrent -= usize::from(joins);
        if formats {
            for name in inline_format_args(&mac.tokens) {
                // `{period}`: its `Display` impl runs.
                if let Some(ty) = self.names.value(&name).and_then(|f| f.ty).map(|t| t.to_string()) {
                    self.check_display(&mac.path, &ty);
                }
                if self.names.value(&name).is_some_and(|f| f.hash) {
                    self.report(
                        &mac.path,
                        &format!("{{{name}:?}} in {written}"),
                        Category::HashOrder,
                    );
                }
            }
        }
        // Operations in `vec![..]` are real (`vec![Branch::named(.., |c| c.step(..))]`); in
        // other macros' arguments they are not listed.
        if last != "vec" {
            self.ops.truncate(ops);
        }
        self.allowed -= usize::from(expanded);
    }

    /// Lints what a user's `macro_rules!` expands to at `mac`, reporting at the macro:
    /// `for_each_region!` → `input.regions.keys()`. Returns whether it could expand it.
    fn check_expansion(&mut self, mac: &Macro, definition: &TokenStream, written: &str) -> bool {
        if !self.linting() || self.depth >= 6 {
            return false;
        }
        let Some(tokens) = super::rules_expand::expand(definition, &mac.tokens) else {
            return false;
        };
        let mut block: syn::Block = match syn::parse2::<syn::Block>(quote::quote!({ #tokens })) {
            Ok(block) => block,
            Err(_) => return false,
        };
        // Walk it here, where the names the invocation uses are bound; the walk's records
        // of this temporary syntax are put back afterwards.
        let judged = self.judged.clone();
        let ops = self.ops.len();
        let outer = self.sink.replace(std::cell::RefCell::new(Vec::new()));
        self.depth += 1;
        self.visit_block_mut(&mut block);
        self.depth -= 1;
        let findings = std::mem::replace(&mut self.sink, outer)
            .map(std::cell::RefCell::into_inner)
            .unwrap_or_default();
        self.judged = judged;
        self.ops.truncate(ops);
        if let Some(first) = findings.into_iter().next() {
            self.report(
                &mac.path,
                &format!("{written}` → `{}", first.written),
                first.category,
            );
        }
        true
    }

    /// Arguments that are not a plain expression list, piece by piece: `json!({ "k": v, .. })`
    /// (objects and arrays nest), `tracing::info!(user = %id, "..")`, `select!` arms.
    fn check_pieces(&mut self, tokens: TokenStream, formats: bool, written: &str) {
        for piece in split_pieces(tokens) {
            let mut trees = piece.clone().into_iter();
            if let (Some(TokenTree::Group(g)), None) = (trees.next(), trees.next()) {
                if matches!(g.delimiter(), Delimiter::Brace | Delimiter::Bracket)
                    && syn::parse2::<Expr>(piece.clone()).is_err()
                {
                    self.check_pieces(g.stream(), formats, written);
                    continue;
                }
            }
            match syn::parse2::<Expr>(piece.clone()) {
                Ok(mut expr) => self.check_macro_argument(&mut expr, formats, written),
                Err(_) => self.scan_tokens(piece),
            }
        }
    }

    fn check_macro_argument(&mut self, expr: &mut Expr, formats: bool, written: &str) {
        if formats {
            // `format!("{}", period)`: its `Display` impl runs.
            if let Some(ty) = self.type_of(expr) {
                self.check_display(&*expr, &ty);
            }
        }
        if formats && self.is_hash_value(expr) {
            // `format!("{:?}", map)`: a map's text lists its entries in hash order.
            self.report(
                &*expr,
                &format!("{} in {written}", super::tidy(&*expr)),
                Category::HashOrder,
            );
        }
        self.visit_expr_mut(expr);
    }

    /// Looks for calls in tokens that do not parse as an expression: `path::to::f(..)` and
    /// `.method(..)`.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        if !self.linting() {
            return;
        }
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => self.scan_tokens(g.stream()),
                TokenTree::Punct(p) if p.as_char() == '.' => {
                    if let (Some(TokenTree::Ident(method)), Some(TokenTree::Group(args))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        if args.delimiter() == Delimiter::Parenthesis {
                            let receiver_is_ctx = match i.checked_sub(1).and_then(|j| tokens.get(j)) {
                                Some(TokenTree::Ident(r)) => {
                                    self.names.value(&r.to_string()).is_some_and(|f| f.ctx)
                                }
                                _ => false,
                            };
                            let argc = count_args(args.stream());
                            let name = method.to_string();
                            let category = rules::classify_method(&name, argc)
                                .or_else(|| rules::classify_provider_method(&name, argc));
                            if let (Some(category), false) = (category, receiver_is_ctx) {
                                self.report(method, &format!(".{name}()"), category);
                            }
                        }
                    }
                }
                TokenTree::Ident(_) => {
                    // A path: idents joined by `::`, then a call or a value.
                    let start = i;
                    let mut segments = Vec::new();
                    let mut j = i;
                    let leading = start >= 2
                        && matches!((&tokens[start - 1], &tokens[start - 2]),
                            (TokenTree::Punct(a), TokenTree::Punct(b)) if a.as_char() == ':' && b.as_char() == ':');
                    let after_dot =
                        start >= 1 && matches!(&tokens[start - 1], TokenTree::Punct(p) if p.as_char() == '.');
                    while let Some(TokenTree::Ident(id)) = tokens.get(j) {
                        segments.push(id.clone());
                        match (tokens.get(j + 1), tokens.get(j + 2)) {
                            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                                if a.as_char() == ':' && b.as_char() == ':' =>
                            {
                                j += 3
                            }
                            _ => break,
                        }
                    }
                    let called = matches!(tokens.get(j + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                    if !leading && !after_dot && (called || segments.len() > 1) {
                        let written: Vec<String> = segments.iter().map(ToString::to_string).collect();
                        let found = match self.names.resolve(&written, false) {
                            Resolved::Local => {
                                if called {
                                    let span: TokenStream =
                                        segments.iter().map(|s| TokenTree::Ident(s.clone())).collect();
                                    self.check_helper_path(span, &written);
                                }
                                None
                            }
                            Resolved::Rooted(full) => rules::classify_rooted(&full),
                            Resolved::Floating(segs) => rules::classify_floating(&segs)
                                .map(|(c, _)| c)
                                .filter(|_| called || segs.len() > 1),
                        };
                        if let Some(category) = found {
                            let span: TokenStream =
                                segments.iter().map(|s| TokenTree::Ident(s.clone())).collect();
                            self.report(span, &written.join("::"), category);
                        }
                    }
                    i = j;
                }
                _ => {}
            }
            i += 1;
        }
    }

    pub(super) fn check_reason(&self, attr: &syn::Attribute) {
        const FORM: &str = "`#[durable::allow_nondeterministic(reason = \"why this is safe\")]`";
        let mut reason: Option<syn::LitStr> = None;
        if !matches!(attr.meta, syn::Meta::List(_)) {
            self.cx.error_spanned_by(
                attr,
                format!(
                    "`allow_nondeterministic` requires a reason, so the exception can be reviewed: {FORM}"
                ),
            );
            return;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("reason") {
                reason = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error(format!(
                    "unknown option; the escape hatch takes only a reason: {FORM}"
                )))
            }
        });
        match (parsed, reason) {
            (Err(e), _) => self.cx.syn_error(e),
            (Ok(()), Some(r)) if !r.value().trim().is_empty() => {}
            (Ok(()), _) => self.cx.error_spanned_by(
                attr,
                format!("`allow_nondeterministic` requires a non-empty reason, so the exception can be reviewed: {FORM}"),
            ),
        }
    }
}

fn count_args(tokens: TokenStream) -> usize {
    let mut n = 0;
    let mut any = false;
    for tt in tokens {
        any = true;
        if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
            n += 1;
        }
    }
    if any {
        n + 1
    } else {
        0
    }
}

/// Splits macro arguments at top-level `,`, `;` and `=>`, and drops what commonly prefixes
/// an expression in macro syntax: `name =`, `%`, `?`, `biased`.
fn split_pieces(tokens: TokenStream) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    let mut cur: Vec<TokenTree> = Vec::new();
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        let tt = &tokens[i];
        let sep = match tt {
            TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => 1,
            TokenTree::Punct(p)
                if p.as_char() == '='
                    && p.spacing() == proc_macro2::Spacing::Joint
                    && matches!(tokens.get(i + 1), Some(TokenTree::Punct(q)) if q.as_char() == '>') =>
            {
                2
            }
            _ => 0,
        };
        if sep > 0 {
            pieces.push(std::mem::take(&mut cur));
            i += sep;
            continue;
        }
        cur.push(tt.clone());
        i += 1;
    }
    pieces.push(cur);
    pieces
        .into_iter()
        .map(|piece| strip_prefix(&piece).iter().cloned().collect())
        .filter(|p: &TokenStream| !p.is_empty())
        .collect()
}

fn strip_prefix(piece: &[TokenTree]) -> &[TokenTree] {
    let mut rest = piece;
    loop {
        match rest {
            [TokenTree::Punct(p), tail @ ..] if p.as_char() == '%' || p.as_char() == '?' => rest = tail,
            [TokenTree::Ident(i), tail @ ..] if i == "biased" && tail.is_empty() => rest = tail,
            // `name = expr` (tracing fields, named format arguments), not `==`.
            [TokenTree::Ident(_), TokenTree::Punct(eq), tail @ ..]
                if eq.as_char() == '=' && eq.spacing() == proc_macro2::Spacing::Alone =>
            {
                rest = tail
            }
            // `"key": value` in a `json!` object.
            [TokenTree::Literal(_), TokenTree::Punct(colon), tail @ ..]
                if colon.as_char() == ':' && colon.spacing() == proc_macro2::Spacing::Alone =>
            {
                rest = tail
            }
            // `a.b.c = expr` (tracing dotted fields) is rare; `pat = fut` in select! arms.
            _ => return rest,
        }
    }
}

fn is_format_like(name: &str) -> bool {
    matches!(
        name,
        "format"
            | "print"
            | "println"
            | "eprint"
            | "eprintln"
            | "write"
            | "writeln"
            | "format_args"
            | "panic"
            | "info"
            | "debug"
            | "warn"
            | "error"
            | "trace"
    )
}

/// The names of inline format arguments (`{name}`, `{name:?}`) in a macro's literals.
fn inline_format_args(tokens: &TokenStream) -> Vec<String> {
    let mut names = Vec::new();
    for tt in tokens.clone() {
        let TokenTree::Literal(lit) = tt else { continue };
        let text = lit.to_string();
        if !text.starts_with('"') {
            continue;
        }
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            if rest.starts_with('{') {
                rest = &rest[1..];
                continue;
            }
            let end = rest.find(['}', ':']).unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.is_empty()
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !name.chars().all(|c| c.is_ascii_digit())
            {
                names.push(name.to_owned());
            }
        }
    }
    names
}

fn format_string_has_pointer(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Literal(lit) => {
            let text = lit.to_string();
            text.starts_with('"') && (text.contains(":p}") || text.contains(":#p}"))
        }
        _ => false,
    })
}

fn starts_with_biased(tokens: &TokenStream) -> bool {
    let mut iter = tokens.clone().into_iter();
    matches!(
        (iter.next(), iter.next()),
        (Some(TokenTree::Ident(i)), Some(TokenTree::Punct(p))) if i == "biased" && p.as_char() == ';'
    )
}
