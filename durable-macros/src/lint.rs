//! Check phase, part 1: the determinism lint. Walks a workflow body (outside step bodies),
//! rejects calls whose *path* names a known source of nondeterminism, strips the
//! `#[durable::allow_nondeterministic(reason = "..")]` escape hatch, flags durable
//! operations nested in step bodies, and collects the literal operation names for the
//! duplicate-name check.
//!
//! The lint is syntactic: it sees paths as written (`SystemTime::now`, `std::fs::read`),
//! matched by suffix, and cannot see through method calls on values, `use .. as` aliases,
//! helper functions or the expansion of macros it does not know.

use crate::ctxt::Ctxt;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Block, Expr, Ident, Item, LitStr, Macro, Stmt};

/// The attribute that allows one statement, expression or block.
const ESCAPE: &str = "allow_nondeterministic";

/// A durable operation with a literal name, as written in the body.
pub(crate) struct Operation {
    pub(crate) kind: &'static str,
    /// The literal name, when the name is a string literal.
    pub(crate) name: Option<LitStr>,
    /// How the generated docs show the name.
    pub(crate) label: String,
    /// The names of the child contexts it is nested in, outermost first.
    pub(crate) parents: Vec<String>,
    /// Whether it sits in a loop body.
    pub(crate) in_loop: bool,
    /// Which context it belongs to (0 = the workflow's, then one per child-context closure).
    pub(crate) scope: usize,
    /// The `if`/`match` arms it sits in, as `(branch site, arm)`.
    pub(crate) branches: Vec<(usize, usize)>,
    /// Options chained on the call, as written (`.retry(..)`, `.timeout(..)`).
    pub(crate) options: Vec<String>,
}

impl Operation {
    /// Whether the two operations sit in different arms of one `if`/`match`, so at most one of
    /// them runs.
    pub(crate) fn exclusive_with(&self, other: &Operation) -> bool {
        self.branches
            .iter()
            .any(|(site, arm)| other.branches.iter().any(|(s, a)| s == site && a != arm))
    }
}

/// What a category of nondeterminism is, and what to use instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    WallClock,
    Randomness,
    Ids,
    Sleeping,
    Spawning,
    Racy,
    Channels,
    Environment,
    Filesystem,
    Network,
    Process,
    Global,
}

impl Category {
    fn why(self) -> &'static str {
        match self {
            Category::WallClock => "reads the wall clock, which gives a different value on every replay",
            Category::Randomness => "draws random numbers, which differ on every replay",
            Category::Ids => "generates a fresh random or time-based id on every replay",
            Category::Sleeping => "sleeps in process: the wait is not durable and the invocation is billed while it sleeps",
            Category::Spawning => "runs work outside the workflow's deterministic schedule, so its effects and timing differ on replay",
            Category::Racy => "picks among ready futures in random order, so a replay can take a different branch",
            Category::Channels => "creates a channel, whose message order depends on thread scheduling rather than on the recorded history",
            Category::Environment => "reads the process environment, which can differ between the invocations that replay this workflow",
            Category::Filesystem => "does filesystem I/O, whose result is not recorded and can differ on replay",
            Category::Network => "does network I/O, whose result is not recorded and can differ (and whose effect repeats) on replay",
            Category::Process => "starts a process, whose effect repeats and whose output can differ on every replay",
            Category::Global => "declares global mutable state, which outlives the invocation on a warm Lambda and is not part of the history",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Category::WallClock => "use `ctx.now().await?`, which records the time once",
            Category::Randomness => "use `ctx.random_u64().await?` (recorded once), or draw the numbers inside a step",
            Category::Ids => "use `ctx.uuid().await?` (recorded once), or generate the id inside a step",
            Category::Sleeping => "use `ctx.wait(\"name\", duration).await?`, which suspends without compute",
            Category::Spawning => "do the work inside a step, or await several durable operations together (e.g. `join_all`)",
            Category::Racy => "write `biased;` as the first token of the `select!` so branches are polled in order, or await the operations in a fixed order",
            Category::Channels => "pass values through step results, child contexts or the workflow input",
            Category::Environment => "read it inside a step, or pass it in the workflow input",
            Category::Filesystem | Category::Network | Category::Process => {
                "do it inside a step (`ctx.step(\"name\", |_| async move { .. })` or a `#[step]` fn)"
            }
            Category::Global => "keep state in local variables, step results or the workflow input",
        }
    }
}

/// How a rule matches a path.
enum Pattern {
    /// The path, written in full, matched by its last `min`.. segments: `std::time::SystemTime::now`
    /// with `min = 2` catches `SystemTime::now`, `time::SystemTime::now` and the full path.
    Suffix(&'static [&'static str], usize),
    /// A path of at least two segments through module `name` under one of the roots
    /// (`std::fs::read`, `tokio::fs::write`, or `fs::read` after `use std::fs`).
    Module(&'static str),
    /// Any item of a crate (`reqwest::get`, `fastrand::u64`).
    Crate(&'static str),
    /// Any item of a crate whose name starts with this (`aws_sdk_*`).
    CratePrefix(&'static str),
}

struct Rule(Pattern, Category);

const MODULE_ROOTS: &[&str] = &["std", "tokio", "async_std", "core"];

const RULES: &[Rule] = {
    use Category::*;
    use Pattern::*;
    &[
        // Wall clock.
        Rule(Suffix(&["std", "time", "SystemTime", "now"], 2), WallClock),
        Rule(Suffix(&["std", "time", "Instant", "now"], 2), WallClock),
        Rule(Suffix(&["tokio", "time", "Instant", "now"], 2), WallClock),
        Rule(Suffix(&["chrono", "Utc", "now"], 2), WallClock),
        Rule(Suffix(&["chrono", "Local", "now"], 2), WallClock),
        Rule(Suffix(&["chrono", "Utc", "today"], 2), WallClock),
        Rule(Suffix(&["chrono", "Local", "today"], 2), WallClock),
        Rule(Suffix(&["time", "OffsetDateTime", "now_utc"], 2), WallClock),
        Rule(Suffix(&["time", "OffsetDateTime", "now_local"], 2), WallClock),
        Rule(Suffix(&["time", "UtcDateTime", "now"], 2), WallClock),
        Rule(Suffix(&["jiff", "Timestamp", "now"], 2), WallClock),
        Rule(Suffix(&["jiff", "Zoned", "now"], 2), WallClock),
        // Randomness.
        Rule(Suffix(&["rand", "random"], 2), Randomness),
        Rule(Suffix(&["rand", "random_range"], 2), Randomness),
        Rule(Suffix(&["rand", "thread_rng"], 1), Randomness),
        Rule(Suffix(&["rand", "rng"], 2), Randomness),
        Rule(Suffix(&["rand", "rngs", "OsRng"], 1), Randomness),
        Rule(Suffix(&["rand", "rngs", "ThreadRng"], 1), Randomness),
        Rule(Suffix(&["StdRng", "from_entropy"], 1), Randomness),
        Rule(Suffix(&["StdRng", "from_os_rng"], 1), Randomness),
        Rule(Suffix(&["SmallRng", "from_entropy"], 1), Randomness),
        Rule(Suffix(&["SmallRng", "from_os_rng"], 1), Randomness),
        Rule(
            Suffix(&["std", "collections", "hash_map", "RandomState", "new"], 2),
            Randomness,
        ),
        Rule(Crate("getrandom"), Randomness),
        Rule(Crate("fastrand"), Randomness),
        // Ids.
        Rule(Suffix(&["uuid", "Uuid", "new_v4"], 2), Ids),
        Rule(Suffix(&["uuid", "Uuid", "now_v7"], 2), Ids),
        Rule(Suffix(&["uuid", "Uuid", "new_v7"], 2), Ids),
        Rule(Suffix(&["uuid", "Uuid", "now_v6"], 2), Ids),
        Rule(Suffix(&["uuid", "Uuid", "now_v1"], 2), Ids),
        Rule(Suffix(&["ulid", "Ulid", "new"], 2), Ids),
        // Sleeping.
        Rule(Suffix(&["std", "thread", "sleep"], 1), Sleeping),
        Rule(Suffix(&["std", "thread", "park_timeout"], 2), Sleeping),
        Rule(Suffix(&["tokio", "time", "sleep"], 1), Sleeping),
        Rule(Suffix(&["tokio", "time", "sleep_until"], 1), Sleeping),
        Rule(Suffix(&["tokio", "time", "interval"], 2), Sleeping),
        Rule(Suffix(&["tokio", "time", "interval_at"], 2), Sleeping),
        Rule(Suffix(&["tokio", "time", "timeout"], 2), Sleeping),
        Rule(Suffix(&["tokio", "time", "timeout_at"], 2), Sleeping),
        Rule(Suffix(&["async_std", "task", "sleep"], 2), Sleeping),
        Rule(Suffix(&["futures_timer", "Delay", "new"], 2), Sleeping),
        // Spawning and threads.
        Rule(Suffix(&["tokio", "spawn"], 2), Spawning),
        Rule(Suffix(&["tokio", "task", "spawn"], 2), Spawning),
        Rule(Suffix(&["tokio", "task", "spawn_blocking"], 1), Spawning),
        Rule(Suffix(&["tokio", "task", "spawn_local"], 1), Spawning),
        Rule(Suffix(&["tokio", "task", "block_in_place"], 1), Spawning),
        Rule(Suffix(&["tokio", "task", "JoinSet", "new"], 2), Spawning),
        Rule(Suffix(&["std", "thread", "spawn"], 2), Spawning),
        Rule(Suffix(&["std", "thread", "scope"], 2), Spawning),
        Rule(Suffix(&["std", "thread", "Builder", "new"], 2), Spawning),
        Rule(Suffix(&["futures", "executor", "block_on"], 2), Spawning),
        Rule(Crate("rayon"), Spawning),
        // Racy selection (the `select!` macro is checked separately).
        Rule(Suffix(&["futures", "stream", "FuturesUnordered", "new"], 2), Racy),
        Rule(Suffix(&["futures", "future", "select"], 2), Racy),
        Rule(Suffix(&["futures", "future", "select_all"], 2), Racy),
        Rule(Suffix(&["futures", "future", "select_ok"], 2), Racy),
        // Channels.
        Rule(Suffix(&["std", "sync", "mpsc", "channel"], 2), Channels),
        Rule(Suffix(&["std", "sync", "mpsc", "sync_channel"], 2), Channels),
        Rule(
            Suffix(&["tokio", "sync", "mpsc", "unbounded_channel"], 2),
            Channels,
        ),
        Rule(Suffix(&["tokio", "sync", "oneshot", "channel"], 2), Channels),
        Rule(Suffix(&["tokio", "sync", "watch", "channel"], 2), Channels),
        Rule(Suffix(&["tokio", "sync", "broadcast", "channel"], 2), Channels),
        Rule(Crate("crossbeam_channel"), Channels),
        Rule(Crate("flume"), Channels),
        Rule(Crate("async_channel"), Channels),
        // Environment.
        Rule(Suffix(&["std", "env", "var"], 2), Environment),
        Rule(Suffix(&["std", "env", "var_os"], 2), Environment),
        Rule(Suffix(&["std", "env", "vars"], 2), Environment),
        Rule(Suffix(&["std", "env", "vars_os"], 2), Environment),
        Rule(Suffix(&["std", "env", "args"], 2), Environment),
        Rule(Suffix(&["std", "env", "args_os"], 2), Environment),
        Rule(Suffix(&["std", "env", "current_dir"], 2), Environment),
        Rule(Suffix(&["std", "env", "temp_dir"], 2), Environment),
        Rule(Suffix(&["std", "env", "home_dir"], 2), Environment),
        Rule(Suffix(&["std", "process", "id"], 2), Environment),
        Rule(
            Suffix(&["std", "thread", "available_parallelism"], 1),
            Environment,
        ),
        Rule(Suffix(&["hostname", "get"], 2), Environment),
        Rule(Crate("dotenvy"), Environment),
        Rule(Crate("dotenv"), Environment),
        Rule(Crate("envy"), Environment),
        // Filesystem.
        Rule(Module("fs"), Filesystem),
        Rule(Suffix(&["std", "fs", "File", "open"], 2), Filesystem),
        Rule(Suffix(&["std", "fs", "File", "create"], 2), Filesystem),
        Rule(Suffix(&["std", "fs", "File", "options"], 2), Filesystem),
        Rule(Suffix(&["std", "fs", "OpenOptions", "new"], 2), Filesystem),
        Rule(Suffix(&["std", "io", "stdin"], 2), Filesystem),
        // Network.
        Rule(Module("net"), Network),
        Rule(Suffix(&["std", "net", "TcpStream", "connect"], 2), Network),
        Rule(Suffix(&["std", "net", "TcpListener", "bind"], 2), Network),
        Rule(Suffix(&["std", "net", "UdpSocket", "bind"], 2), Network),
        Rule(Crate("reqwest"), Network),
        Rule(Crate("ureq"), Network),
        Rule(Crate("hyper"), Network),
        Rule(Crate("sqlx"), Network),
        Rule(Crate("redis"), Network),
        Rule(Crate("aws_config"), Network),
        Rule(CratePrefix("aws_sdk_"), Network),
        // Processes.
        Rule(Suffix(&["std", "process", "Command", "new"], 2), Process),
        Rule(Suffix(&["std", "process", "Command"], 2), Process),
    ]
};

/// The category of the first rule matching `segments`.
fn classify(segments: &[String]) -> Option<Category> {
    let first = segments.first()?;
    RULES.iter().find_map(|Rule(pattern, category)| {
        let hit = match pattern {
            Pattern::Suffix(full, min) => {
                let k = segments.len().min(full.len());
                k >= *min
                    && k > 0
                    && segments[segments.len() - k..]
                        .iter()
                        .zip(&full[full.len() - k..])
                        .all(|(a, b)| a == b)
            }
            Pattern::Module(name) => {
                segments.len() >= 2
                    && segments[..segments.len() - 1].iter().enumerate().any(|(i, s)| {
                        s == name && (i == 0 || MODULE_ROOTS.contains(&segments[i - 1].as_str()))
                    })
            }
            Pattern::Crate(name) => segments.len() >= 2 && first == name,
            Pattern::CratePrefix(prefix) => segments.len() >= 2 && first.starts_with(prefix),
        };
        hit.then_some(*category)
    })
}

/// The durable operations of `DurableContext`, by method name.
const DURABLE_METHODS: &[&str] = &[
    "step",
    "wait",
    "run",
    "run_in_child_context",
    "now",
    "random_u64",
    "uuid",
    "wait_for_callback",
    "invoke",
];

/// Lints a workflow body in place. Returns the literal-named operations it found.
pub(crate) fn lint_workflow(cx: &Ctxt, body: &mut Block, ctx_ident: Option<&Ident>) -> Vec<Operation> {
    let mut linter = Linter {
        cx,
        ctx_idents: ctx_ident.into_iter().cloned().collect(),
        in_step: 0,
        allowed: 0,
        scopes: vec![0],
        next_scope: 1,
        branches: Vec::new(),
        next_branch: 0,
        parents: Vec::new(),
        loops: 0,
        ops: Vec::new(),
    };
    linter.visit_block_mut(body);
    linter.ops
}

struct Linter<'a> {
    cx: &'a Ctxt,
    /// Names bound to a `DurableContext`: the workflow's and child contexts'.
    ctx_idents: Vec<Ident>,
    /// > 0 inside a step body (only nested durable operations are checked there).
    in_step: usize,
    /// > 0 inside an escape hatch.
    allowed: usize,
    scopes: Vec<usize>,
    next_scope: usize,
    branches: Vec<(usize, usize)>,
    next_branch: usize,
    /// Labels of the enclosing child contexts.
    parents: Vec<String>,
    /// > 0 inside a loop body.
    loops: usize,
    ops: Vec<Operation>,
}

impl Linter<'_> {
    fn linting(&self) -> bool {
        self.in_step == 0 && self.allowed == 0
    }

    fn report(&self, node: impl quote::ToTokens, written: &str, category: Category) {
        self.cx.error_spanned_by(
            node,
            format!(
                "`{written}` is nondeterministic in a workflow body: it {}; {} \
                 (or, if this is safe, mark the statement `#[durable::allow_nondeterministic(reason = \"..\")]`)",
                category.why(),
                category.fix()
            ),
        );
    }

    fn check_path(&self, path: &syn::Path) {
        if !self.linting() {
            return;
        }
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(category) = classify(&segments) {
            self.report(path, &segments.join("::"), category);
        }
    }

    /// Removes escape-hatch attributes; returns whether one was present.
    fn take_escape(&self, attrs: &mut Vec<Attribute>) -> bool {
        let mut found = false;
        attrs.retain(|attr| {
            if !is_escape(attr) {
                return true;
            }
            found = true;
            self.check_reason(attr);
            false
        });
        found
    }

    fn check_reason(&self, attr: &Attribute) {
        const FORM: &str = "`#[durable::allow_nondeterministic(reason = \"why this is safe\")]`";
        let mut reason: Option<LitStr> = None;
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

    fn check_macro(&mut self, mac: &Macro) {
        let Some(last) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let written: Vec<String> = mac.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let written = format!("{}!", written.join("::"));
        if self.linting() {
            match last.as_str() {
                "select" if !starts_with_biased(&mac.tokens) => {
                    self.report(&mac.path, &written, Category::Racy)
                }
                "thread_local" | "lazy_static" => self.report(&mac.path, &written, Category::Global),
                "nanoid" => self.report(&mac.path, &written, Category::Ids),
                _ => {}
            }
        }
        const EXPR_MACROS: &[&str] = &[
            "format",
            "print",
            "println",
            "eprint",
            "eprintln",
            "write",
            "writeln",
            "vec",
            "assert",
            "assert_eq",
            "assert_ne",
            "debug_assert",
            "debug_assert_eq",
            "debug_assert_ne",
            "panic",
            "dbg",
            "todo",
            "unreachable",
            "unimplemented",
            "format_args",
            "join",
            "try_join",
        ];
        if EXPR_MACROS.contains(&last.as_str()) {
            // Lint the arguments of well-known expression macros; the tokens themselves are
            // emitted unchanged, so this pass only reports.
            let parser = Punctuated::<Expr, syn::Token![,]>::parse_terminated;
            if let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
                let ops = self.ops.len();
                for arg in args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                self.ops.truncate(ops);
            }
        }
    }

    fn record_op(&mut self, kind: &'static str, args: &Punctuated<Expr, syn::Token![,]>) {
        let name = match args.first() {
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) => Some(name.clone()),
            _ => None,
        };
        let label = match (&name, args.first()) {
            (Some(lit), _) => format!("`{}`", lit.value()),
            // `ctx.run(charge(..))`: named after the `#[step]` fn unless it sets `name`.
            (None, Some(Expr::Call(call))) if kind == "step" => match &*call.func {
                Expr::Path(p) => p.path.segments.last().map_or_else(
                    || "(computed)".to_owned(),
                    |s| format!("`{}` (a `#[step]` fn)", s.ident),
                ),
                _ => "(computed)".to_owned(),
            },
            _ => "(computed)".to_owned(),
        };
        self.record(kind, name, label);
    }

    fn record(&mut self, kind: &'static str, name: Option<LitStr>, label: String) {
        self.ops.push(Operation {
            kind,
            name,
            label,
            parents: self.parents.clone(),
            in_loop: self.loops > 0,
            scope: self.scopes.last().copied().unwrap_or_default(),
            branches: self.branches.clone(),
            options: Vec::new(),
        });
    }

    fn is_ctx(&self, receiver: &Expr) -> bool {
        match receiver {
            Expr::Path(p) => self.ctx_idents.iter().any(|c| p.path.is_ident(c)),
            Expr::Paren(p) => self.is_ctx(&p.expr),
            _ => false,
        }
    }

    fn method_call(&mut self, call: &mut syn::ExprMethodCall) {
        let method = call.method.to_string();
        // Inside a step body: any durable method on a known context, or a named operation
        // (`x.wait("name", ..)`) on any receiver, since a clone of the context has another name.
        let named_op = matches!(
            method.as_str(),
            "step" | "wait" | "run_in_child_context" | "wait_for_callback"
        ) && matches!(
            call.args.first(),
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }))
        );
        if self.in_step > 0
            && DURABLE_METHODS.contains(&method.as_str())
            && (self.is_ctx(&call.receiver) || named_op)
        {
            let receiver = &call.receiver;
            let name = &call.method;
            self.cx.error_spanned_by(
                quote::quote!(#receiver . #name),
                format!(
                    "durable operation `.{method}(..)` inside a step body: a step runs once and only its result is \
                     recorded, so it cannot perform durable operations; move the call out of the step, or group \
                     several operations with `ctx.run_in_child_context(..)`"
                ),
            );
        }
        match (method.as_str(), call.args.len()) {
            ("step", 2) => {
                if self.in_step == 0 {
                    self.record_op("step", &call.args);
                }
                self.visit_expr_mut(&mut call.receiver);
                let mut args = call.args.iter_mut();
                if let Some(name) = args.next() {
                    self.visit_expr_mut(name);
                }
                self.in_step += 1;
                for body in args {
                    self.visit_expr_mut(body);
                }
                self.in_step -= 1;
            }
            ("run_in_child_context", 2) => {
                if self.in_step == 0 {
                    self.record_op("child context", &call.args);
                }
                self.visit_expr_mut(&mut call.receiver);
                let mut args = call.args.iter_mut();
                if let Some(name) = args.next() {
                    self.visit_expr_mut(name);
                }
                let pushed = match call.args.iter().nth(1) {
                    Some(Expr::Closure(c)) => match c.inputs.first() {
                        Some(syn::Pat::Ident(pi)) => Some(pi.ident.clone()),
                        Some(syn::Pat::Type(pt)) => match &*pt.pat {
                            syn::Pat::Ident(pi) => Some(pi.ident.clone()),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                let had = pushed.is_some();
                self.ctx_idents.extend(pushed);
                let parent = self.ops.last().map(|op| op.label.clone()).unwrap_or_default();
                self.parents.push(parent);
                self.scopes.push(self.next_scope);
                self.next_scope += 1;
                for body in call.args.iter_mut().skip(1) {
                    self.visit_expr_mut(body);
                }
                self.scopes.pop();
                self.parents.pop();
                if had {
                    self.ctx_idents.pop();
                }
            }
            ("wait", 2) | ("wait_for_callback", 2) => {
                if self.in_step == 0 {
                    self.record_op(if method == "wait" { "wait" } else { "callback" }, &call.args);
                }
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("run", 1) => {
                if self.in_step == 0 {
                    self.record_op("step", &call.args);
                }
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("now" | "random_u64" | "uuid", 0) if self.is_ctx(&call.receiver) => {
                if self.in_step == 0 {
                    let name = if method == "random_u64" {
                        "random"
                    } else {
                        method.as_str()
                    };
                    self.record("step", None, format!("`{name}` (`ctx.{method}()`)"));
                }
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("create_callback", 1)
            | ("invoke", 3)
            | ("map", 3)
            | ("parallel", 2)
            | ("wait_for_condition", 4)
            | ("with_retry", 3)
                if self.in_step == 0 =>
            {
                let kind = match method.as_str() {
                    "create_callback" => "callback",
                    "invoke" => "invoke",
                    "map" => "map",
                    "parallel" => "parallel",
                    "wait_for_condition" => "wait for condition",
                    _ => "retry block",
                };
                self.record_op(kind, &call.args);
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("all" | "all_settled" | "any" | "race", 2)
                if self.in_step == 0 && self.is_ctx(&call.receiver) =>
            {
                self.record_op("combinator", &call.args);
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            (
                "retry" | "semantics" | "serdes" | "timeout" | "heartbeat_timeout" | "max_concurrency"
                | "completion" | "nesting" | "item_serdes" | "item_namer" | "tenant_id",
                _,
            ) if self.in_step == 0 => {
                // An option chained on an operation: the operation is the first one recorded
                // while visiting the receiver chain.
                let first = self.ops.len();
                visit_mut::visit_expr_method_call_mut(self, call);
                if let Some(op) = self.ops.get_mut(first) {
                    let args = &call.args;
                    let text = quote::quote!(#args).to_string();
                    op.options.push(format!(".{method}({text})"));
                }
            }
            _ => visit_mut::visit_expr_method_call_mut(self, call),
        }
    }

    fn branch<F: FnOnce(&mut Self)>(&mut self, site: usize, arm: usize, f: F) {
        self.branches.push((site, arm));
        f(self);
        self.branches.pop();
    }
}

impl VisitMut for Linter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let escaped = expr_attrs_mut(expr).is_some_and(|attrs| self.take_escape(attrs));
        if escaped {
            self.allowed += 1;
        }
        match expr {
            Expr::Path(p) => self.check_path(&p.path),
            Expr::MethodCall(call) => self.method_call(call),
            Expr::Macro(m) => {
                let mac = m.mac.clone();
                self.check_macro(&mac);
            }
            Expr::If(e) => {
                let site = self.next_branch;
                self.next_branch += 1;
                self.visit_expr_mut(&mut e.cond);
                self.branch(site, 0, |this| this.visit_block_mut(&mut e.then_branch));
                if let Some((_, els)) = &mut e.else_branch {
                    self.branch(site, 1, |this| this.visit_expr_mut(els));
                }
            }
            Expr::Match(e) => {
                let site = self.next_branch;
                self.next_branch += 1;
                self.visit_expr_mut(&mut e.expr);
                for (i, arm) in e.arms.iter_mut().enumerate() {
                    self.branch(site, i, |this| this.visit_arm_mut(arm));
                }
            }
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => {
                self.loops += 1;
                visit_mut::visit_expr_mut(self, expr);
                self.loops -= 1;
            }
            other => visit_mut::visit_expr_mut(self, other),
        }
        if escaped {
            self.allowed -= 1;
        }
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        let escaped = self.take_escape(&mut local.attrs);
        self.allowed += usize::from(escaped);
        visit_mut::visit_local_mut(self, local);
        self.allowed -= usize::from(escaped);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Macro(m) => {
                let escaped = self.take_escape(&mut m.attrs);
                self.allowed += usize::from(escaped);
                let mac = m.mac.clone();
                self.check_macro(&mac);
                self.allowed -= usize::from(escaped);
            }
            other => visit_mut::visit_stmt_mut(self, other),
        }
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        // Nested items are not orchestration code of this workflow (and are not linted), but
        // declaring global mutable state inside a workflow is.
        match item {
            Item::Static(s) if matches!(s.mutability, syn::StaticMutability::Mut(_)) => {
                let escaped = self.take_escape(&mut s.attrs);
                if self.linting() && !escaped {
                    let name = s.ident.to_string();
                    self.report(&s.ident, &format!("static mut {name}"), Category::Global);
                }
            }
            Item::Macro(m) => {
                let escaped = self.take_escape(&mut m.attrs);
                self.allowed += usize::from(escaped);
                let mac = m.mac.clone();
                self.check_macro(&mac);
                self.allowed -= usize::from(escaped);
            }
            _ => {}
        }
    }
}

fn is_escape(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [last] => last == ESCAPE,
        [root, last] => last == ESCAPE && (root == "durable" || root == "durable_runtime"),
        _ => false,
    }
}

fn starts_with_biased(tokens: &proc_macro2::TokenStream) -> bool {
    let mut iter = tokens.clone().into_iter();
    matches!(
        (iter.next(), iter.next()),
        (Some(proc_macro2::TokenTree::Ident(i)), Some(proc_macro2::TokenTree::Punct(p))) if i == "biased" && p.as_char() == ';'
    )
}

/// The attributes of any expression.
fn expr_attrs_mut(expr: &mut Expr) -> Option<&mut Vec<Attribute>> {
    Some(match expr {
        Expr::Array(e) => &mut e.attrs,
        Expr::Assign(e) => &mut e.attrs,
        Expr::Async(e) => &mut e.attrs,
        Expr::Await(e) => &mut e.attrs,
        Expr::Binary(e) => &mut e.attrs,
        Expr::Block(e) => &mut e.attrs,
        Expr::Break(e) => &mut e.attrs,
        Expr::Call(e) => &mut e.attrs,
        Expr::Cast(e) => &mut e.attrs,
        Expr::Closure(e) => &mut e.attrs,
        Expr::Const(e) => &mut e.attrs,
        Expr::Continue(e) => &mut e.attrs,
        Expr::Field(e) => &mut e.attrs,
        Expr::ForLoop(e) => &mut e.attrs,
        Expr::Group(e) => &mut e.attrs,
        Expr::If(e) => &mut e.attrs,
        Expr::Index(e) => &mut e.attrs,
        Expr::Infer(e) => &mut e.attrs,
        Expr::Let(e) => &mut e.attrs,
        Expr::Lit(e) => &mut e.attrs,
        Expr::Loop(e) => &mut e.attrs,
        Expr::Macro(e) => &mut e.attrs,
        Expr::Match(e) => &mut e.attrs,
        Expr::MethodCall(e) => &mut e.attrs,
        Expr::Paren(e) => &mut e.attrs,
        Expr::Path(e) => &mut e.attrs,
        Expr::Range(e) => &mut e.attrs,
        Expr::RawAddr(e) => &mut e.attrs,
        Expr::Reference(e) => &mut e.attrs,
        Expr::Repeat(e) => &mut e.attrs,
        Expr::Return(e) => &mut e.attrs,
        Expr::Struct(e) => &mut e.attrs,
        Expr::Try(e) => &mut e.attrs,
        Expr::TryBlock(e) => &mut e.attrs,
        Expr::Tuple(e) => &mut e.attrs,
        Expr::Unary(e) => &mut e.attrs,
        Expr::Unsafe(e) => &mut e.attrs,
        Expr::While(e) => &mut e.attrs,
        Expr::Yield(e) => &mut e.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{classify, Category};

    fn class(path: &str) -> Option<Category> {
        let segments: Vec<String> = path.split("::").map(str::to_owned).collect();
        classify(&segments)
    }

    #[test]
    fn suffixes_match() {
        for p in [
            "std::time::SystemTime::now",
            "time::SystemTime::now",
            "SystemTime::now",
        ] {
            assert_eq!(class(p), Some(Category::WallClock), "{p}");
        }
        assert_eq!(class("sleep"), Some(Category::Sleeping));
        assert_eq!(class("thread::spawn"), Some(Category::Spawning));
        assert_eq!(class("fs::read_to_string"), Some(Category::Filesystem));
        assert_eq!(class("tokio::fs::write"), Some(Category::Filesystem));
        assert_eq!(class("aws_sdk_s3::Client::new"), Some(Category::Network));
        assert_eq!(class("Uuid::new_v4"), Some(Category::Ids));
    }

    #[test]
    fn near_misses_do_not_match() {
        for p in [
            "now",
            "my::SystemTime::now",
            "spawn",
            "random",
            "var",
            "Duration::from_secs",
            "fs",
            "my_fs::read",
            "foo::sleep",
        ] {
            assert_eq!(class(p), None, "{p}");
        }
    }
}
