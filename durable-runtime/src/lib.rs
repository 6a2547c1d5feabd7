//! **durable**: durable workflow functions in Rust, for AWS Lambda durable executions and a
//! local engine.
//!
//! This is the crate applications depend on. It re-exports the engine
//! ([`durable_core`]) and provides the backends: [`local`] (the service's semantics in
//! process, over a store) and [`testing`] (a test runner with virtual time and step mocks).

pub use durable_core::*;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod local;
pub mod replay;
pub mod testing;

/// Turns an `async fn` into a durable workflow.
///
/// ```
/// use durable_runtime::prelude::*;
///
/// #[step(retry(max_attempts = 3, initial = "1s", max = "10s", backoff = 2.0, jitter = "none"))]
/// async fn charge(order_id: String, cents: u64) -> Result<String, String> {
///     Ok(format!("receipt-{order_id}-{cents}")) // any I/O: this runs once, then is replayed
/// }
///
/// #[durable_workflow]
/// async fn process_order(ctx: DurableContext, order_id: String) -> Result<String, DurableError> {
///     let receipt = ctx.run(charge(order_id.clone(), 4200)).await?;
///     ctx.wait("cool-off", Duration::from_secs(3600)).await?;
///     Ok(receipt)
/// }
///
/// // `ProcessOrder` implements `Workflow`: hand it to a runtime.
/// let _runner = durable_runtime::testing::TestRunner::new(ProcessOrder);
/// ```
///
/// # Accepted forms
///
/// `async fn name(ctx: DurableContext, input: Input) -> Result<Output, E>`, or without the
/// input parameter (the input is then `()`). `Input` must be `DeserializeOwned`, `Output`
/// `Serialize`, and `E` convertible into [`DurableError`] (usually it *is* `DurableError`).
/// Methods (`self`), generics, `const`/`unsafe` functions and borrowed inputs are rejected
/// with an error on the offending token.
///
/// # What it generates
///
/// The function itself, unchanged (minus escape-hatch attributes), and a unit struct named
/// after it in `CamelCase` (`process_order` → `ProcessOrder`) with the function's
/// visibility, implementing [`Workflow`]. Its name is the function's name unless
/// `#[durable_workflow(name = "...")]` says otherwise. The function's generated docs sit in a
/// hidden `__durable_docs_process_order!` macro beside it. The function comes first in the
/// expansion, as the user's tokens with their spans, so rust-analyzer's completion, hover and
/// go-to-definition work in its body as in any fn.
///
/// # Generated docs
///
/// The function and the type get a "Durable operations" rustdoc section with three parts.
/// A table lists the durable operations in source order, with the names history shows, each
/// nested under the map, parallel branch or child context it runs in, and with its options.
/// A flowchart is laid out at compile time and drawn as inline SVG (no script, no network).
/// The flowchart's Mermaid source follows, collapsed. `ProcessOrder::MANIFEST` (a
/// [`WorkflowManifest`]) holds the same facts. The macro reads the workflow's own source file
/// for the `#[step]` fns, string constants and helper fns the body uses. See the guide, §3
/// "What `cargo doc` shows".
///
/// # Options
///
/// - `name = "process-order"`: the workflow's registered name.
/// - `crate = "path"`: where `durable_runtime` is, for crates that re-export it.
///
/// # Determinism lint
///
/// A workflow re-runs from the top on every invocation, replaying recorded results, so its
/// code outside steps must make the same decisions every time. The macro rejects, with an
/// error on the call path that says why and what to use instead, calls it can recognise by
/// path (`std::time::SystemTime::now`, `time::SystemTime::now` and `SystemTime::now` alike):
/// wall clock (`SystemTime::now`, `Instant::now`, `Utc::now`, `Local::now`, `OffsetDateTime::now_utc`,
/// `Timestamp::now`, ...), randomness (`rand::random`, `thread_rng`, `rand::rng`, `OsRng`,
/// `fastrand::*`, `getrandom::*`, `RandomState::new`), ids (`Uuid::new_v4`/`now_v7`,
/// `Ulid::new`, `nanoid!`), sleeping (`thread::sleep`, `tokio::time::sleep`/`interval`/`timeout`),
/// spawning (`tokio::spawn`, `thread::spawn`, `spawn_blocking`, `JoinSet::new`, `rayon::*`,
/// `block_on`), racy selection (`select!` without `biased;`, `FuturesUnordered::new`,
/// `future::select*`), channels (`mpsc::channel`, `oneshot::channel`, `crossbeam_channel::*`, ...),
/// the environment (`env::var(s)`, `env::args`, `process::id`, `dotenvy::*`), the filesystem
/// (`std::fs::*`, `tokio::fs::*`, `File::open`, `io::stdin`), the network (`std::net::*`,
/// `tokio::net::*`, `reqwest::*`, `hyper::*`, `sqlx::*`, `aws_sdk_*::*`, ...), processes
/// (`Command::new`) and global mutable state (`static mut`, `thread_local!`, `lazy_static!`).
/// It resolves names as the compiler would (locals shadow, `use .. as` aliases, type aliases)
/// and also rejects: methods that are nondeterministic on any receiver (`.elapsed()`,
/// `rng.random_range(..)` unless the RNG is seeded, `.send()`, `.choose()`), order-sensitive
/// iteration over a `HashMap`/`HashSet` (order-free uses, such as a sum, a lookup or sorting
/// first, are accepted), a map's `Debug`/JSON text, pointer addresses, and results pushed into a shared
/// collection by futures run side by side (the order they finished in).
/// Step bodies (the closure of `ctx.step(..)`, and `#[step]` functions) may do all of this;
/// a durable operation on the workflow's context *inside* a step body is rejected. Two
/// operations with the same literal name in one context are rejected too (unless they sit in
/// different arms of one `if`/`match`).
///
/// **Code the body calls** is followed through the workflow's own source file: helper fns
/// (also in inline modules), methods and associated fns, trait default methods, `Display`,
/// `From`, `Default` and `Ord` impls the body runs, statics' initializers, `macro_rules!`
/// macros (linted as they expand), and the `#[serde(default ..)]`/`deserialize_with` hooks of
/// the input type (the input is deserialized on every invocation). The error names the chain:
/// `` `deadline()` → `Clock::now` → `std::time::SystemTime::now` ``.
///
/// **Escape hatch**: `#[durable::allow_nondeterministic(reason = "...")]` on a statement,
/// expression or block allows what is inside it; the reason is required, and the attribute is
/// removed from the output. Grep for `allow_nondeterministic` to review every exception.
///
/// **What the lint cannot see**: code in other files and crates, and the type of a value it
/// cannot infer from the file (a common method name on such a value is not followed). Pair it with the clippy layer
/// (`recommended-clippy.toml`, type-resolved `disallowed-methods`; the guide, §2) and the
/// test runner's replay check, which re-runs every invocation and reports the first
/// operation that differs.
pub use durable_macros::durable_workflow;

/// Turns an `async fn` with owned arguments into a durable step definition.
///
/// ```
/// use durable_runtime::prelude::*;
///
/// #[step(name = "charge-card", retry = "transient", semantics = "at_most_once")]
/// async fn charge(card: String, cents: u64) -> Result<u64, std::io::Error> {
///     Ok(cents) // any I/O, clocks, randomness: the result is checkpointed
/// }
///
/// async fn workflow_body(ctx: DurableContext) -> Result<u64, DurableError> {
///     ctx.run(charge("4242".to_owned(), 100)).await
/// }
/// # let _ = workflow_body;
/// ```
///
/// `charge(card, cents)` no longer runs the body: it returns a value (of a struct also named
/// `charge`) holding the arguments and implementing [`StepDefinition`].
/// [`DurableContext::run`] runs it as a step named after the function, with the options
/// below; they can still be overridden on the returned [`Step`]
/// (`ctx.run(charge(..)).retry(RetryPresets::none()).await`).
///
/// # Accepted forms
///
/// `async fn name(arg: Owned, ..) -> Result<T, E>` where `T: Serialize + DeserializeOwned`
/// and `E: Display`. Arguments must be owned (no `&T`, no borrowed lifetimes) so the step's
/// future is `Send + 'static`; `self`, generics and `impl Trait` arguments are rejected. One
/// parameter may have type [`StepContext`] (the attempt number and a step logger): the
/// runtime fills it in, and the caller does not pass it.
///
/// # Options
///
/// - `name = "..."`: the step's name (default: the function's name).
/// - `retry = "<preset>"`: one of `"default"`, `"none"`, `"linear"`, `"transient"`,
///   `"resource_availability"`, `"critical"` (see [`RetryPresets`]).
/// - `retry(max_attempts = 5, initial = "1s", max = "60s", backoff = 2.0, jitter = "full")`:
///   an exponential [`RetryPolicy`]; every key is optional. Durations are checked at compile
///   time: a whole number and a unit out of `ms`, `s`, `m`, `h`, `d`, possibly combined
///   (`"1h30m"`). `jitter` is `"full"`, `"half"` or `"none"`.
/// - `semantics = "at_least_once"` (default) or `"at_most_once"` (see [`StepSemantics`]).
/// - `crate = "path"`: where `durable_runtime` is.
///
/// The function's docs get a "Durable step" section: the name history shows, the retry
/// policy in words, and the semantics.
pub use durable_macros::step;

/// Not public API: what the code generated by `#[durable_workflow]` and `#[step]` names.
#[doc(hidden)]
pub mod __private {
    pub use durable_core::{
        BoxFuture, DurableContext, DurableError, Jitter, OperationSpec, RetryPolicy, RetryPresets,
        RetryStrategy, Serdes, StepContext, StepDefinition, StepReturn, StepSemantics, Workflow,
        WorkflowManifest,
    };
}

/// What workflow code usually needs.
pub mod prelude {
    pub use crate::{durable_workflow, step};
    pub use durable_core::{
        workflow_fn, DurableContext, DurableError, Jitter, RetryPolicy, RetryPresets, StepSemantics, Workflow,
    };
    pub use std::time::Duration;
}
