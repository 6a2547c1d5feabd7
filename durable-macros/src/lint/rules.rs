//! What the determinism lint knows: categories of nondeterminism (why each is a problem and
//! what to use instead), the paths that are sources of it, and the method calls that are
//! nondeterministic on any realistic receiver.
//!
//! Paths are matched in full, from a crate root, after the body's own `use` items have been
//! followed (`names.rs`). A path whose first segment comes from outside the function (a
//! file-level import the macro cannot see) is matched against the rules' *specific* tails:
//! `SystemTime::now` or `fs::read_to_string` match, a user's own `fs::normalize` does not.

/// A kind of nondeterminism.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    WallClock,
    Elapsed,
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
    HashOrder,
    Address,
    CompletionOrder,
}

impl Category {
    /// Why it breaks replay.
    pub(crate) fn why(self) -> &'static str {
        match self {
            Category::WallClock => "reads the wall clock, which gives a different value on every replay",
            Category::Elapsed => "reads the wall clock (even on a time recorded with `ctx.now()`), so it gives a different value on every replay",
            Category::Randomness => "draws random numbers, which differ on every replay",
            Category::Ids => "generates a fresh random or time-based id on every replay",
            Category::Sleeping => "sleeps in process: the wait is not durable and the invocation is billed while it sleeps",
            Category::Spawning => "runs work outside the workflow's deterministic schedule, so its effects and timing differ on replay",
            Category::Racy => "completes futures in whatever order they finish, so a replay can take a different branch or create operations in another order",
            Category::Channels => "creates a channel, whose message order depends on thread scheduling rather than on the recorded history",
            Category::Environment => "reads the process environment, which can differ between the invocations that replay this workflow",
            Category::Filesystem => "does filesystem I/O, whose result is not recorded and can differ on replay",
            Category::Network => "does network I/O, whose result is not recorded and can differ (and whose effect repeats) on replay",
            Category::Process => "starts a process or reads its id, whose effect repeats and whose result can differ on every replay",
            Category::Global => "uses global mutable state, which outlives the invocation on a warm Lambda and is not part of the history",
            Category::HashOrder => "iterates a `HashMap`/`HashSet`, whose order is random per process, so a replay can visit the entries in another order",
            Category::Address => "depends on a memory address, which differs on every run",
            Category::CompletionOrder => "adds to shared state in the order concurrent futures finish; on replay their recorded operations finish at once, in the order they were created, so the order differs",
        }
    }

    /// The deterministic replacement.
    pub(crate) fn fix(self) -> &'static str {
        match self {
            Category::WallClock => "use `ctx.now().await?`, which records the time once",
            Category::Elapsed => "take two readings with `ctx.now().await?` and subtract them (`later.duration_since(earlier)`)",
            Category::Randomness => "use `ctx.random_u64().await?` (recorded once), or seed an RNG with it (`StdRng::seed_from_u64(ctx.random_u64().await?)`)",
            Category::Ids => "use `ctx.uuid().await?`, which records the id once (an id made inside a step changes on every retry, so it cannot serve as an idempotency key)",
            Category::Sleeping => "use `ctx.wait(\"name\", duration).await?`, which suspends without compute",
            Category::Spawning => "do the work inside a step, or run durable operations side by side with `ctx.all(..)`, `ctx.map(..)` or `ctx.parallel(..)`",
            Category::Racy => "await the operations in a fixed order, use `join_all`/`ctx.all(..)` (results in input order), or write `biased;` first in a `select!`",
            Category::Channels => "pass values through step results, child contexts or the workflow input",
            Category::Environment => "read it inside a step, or pass it in the workflow input",
            Category::Filesystem | Category::Network | Category::Process => {
                "do it inside a step (`ctx.step(\"name\", |_| async move { .. })` or a `#[step]` fn)"
            }
            Category::Global => "keep state in local variables, step results or the workflow input",
            Category::HashOrder => "use a `BTreeMap`/`BTreeSet`, or sort the entries before they decide anything (`let mut keys: Vec<_> = m.keys().collect(); keys.sort();`)",
            Category::Address => "compare or key by values, not addresses",
            Category::CompletionOrder => "return each value from its future and use what `join_all`/`ctx.all(..)` gives back (in input order), or sort the shared collection before anything depends on its order",
        }
    }
}

/// How a rule's path is matched.
#[derive(Clone, Copy)]
pub(crate) enum Pattern {
    /// This exact item (`std::time::SystemTime::now`).
    Item(&'static [&'static str]),
    /// Any item under this module or crate (`std::fs::*`, `reqwest::*`), as a rooted path only.
    Under(&'static [&'static str]),
}

/// A rule: a path and its category.
pub(crate) struct Rule(pub(crate) Pattern, pub(crate) Category);

/// Crate roots a path can start from and be taken as external.
pub(crate) const KNOWN_ROOTS: &[&str] = &[
    "std",
    "core",
    "alloc",
    "tokio",
    "futures",
    "futures_util",
    "async_std",
    "smol",
    "chrono",
    "time",
    "jiff",
    "rand",
    "rand_core",
    "fastrand",
    "getrandom",
    "uuid",
    "ulid",
    "nanoid",
    "reqwest",
    "ureq",
    "hyper",
    "sqlx",
    "redis",
    "aws_config",
    "rayon",
    "crossbeam",
    "crossbeam_channel",
    "flume",
    "async_channel",
    "dotenvy",
    "dotenv",
    "envy",
    "hostname",
    "gethostname",
    "num_cpus",
    "sysinfo",
    "futures_timer",
    "tracing",
    "log",
    "serde_json",
    "once_cell",
    "lazy_static",
    "dashmap",
];

/// Whether a crate root is one the lint knows (`aws_sdk_*` crates included).
pub(crate) fn is_known_root(root: &str) -> bool {
    KNOWN_ROOTS.contains(&root) || root.starts_with("aws_sdk_")
}

pub(crate) const RULES: &[Rule] = {
    use Category::*;
    use Pattern::*;
    &[
        // Wall clock.
        Rule(Item(&["std", "time", "SystemTime", "now"]), WallClock),
        Rule(Item(&["std", "time", "Instant", "now"]), WallClock),
        Rule(Item(&["tokio", "time", "Instant", "now"]), WallClock),
        Rule(Item(&["chrono", "Utc", "now"]), WallClock),
        Rule(Item(&["chrono", "Local", "now"]), WallClock),
        Rule(Item(&["chrono", "Utc", "today"]), WallClock),
        Rule(Item(&["chrono", "Local", "today"]), WallClock),
        Rule(Item(&["chrono", "offset", "Utc", "now"]), WallClock),
        Rule(Item(&["chrono", "offset", "Local", "now"]), WallClock),
        Rule(Item(&["chrono", "DateTime", "now"]), WallClock),
        Rule(Item(&["chrono", "NaiveDateTime", "now"]), WallClock),
        Rule(Item(&["time", "OffsetDateTime", "now_utc"]), WallClock),
        Rule(Item(&["time", "OffsetDateTime", "now_local"]), WallClock),
        Rule(Item(&["time", "UtcDateTime", "now"]), WallClock),
        Rule(Item(&["time", "Instant", "now"]), WallClock),
        Rule(Item(&["jiff", "Timestamp", "now"]), WallClock),
        Rule(Item(&["jiff", "Zoned", "now"]), WallClock),
        // Randomness.
        Rule(Item(&["rand", "random"]), Randomness),
        Rule(Item(&["rand", "random_range"]), Randomness),
        Rule(Item(&["rand", "random_bool"]), Randomness),
        Rule(Item(&["rand", "random_ratio"]), Randomness),
        Rule(Item(&["rand", "random_iter"]), Randomness),
        Rule(Item(&["rand", "random_fill"]), Randomness),
        Rule(Item(&["rand", "thread_rng"]), Randomness),
        Rule(Item(&["rand", "rng"]), Randomness),
        Rule(Item(&["rand", "rngs", "OsRng"]), Randomness),
        Rule(Item(&["rand", "rngs", "ThreadRng"]), Randomness),
        Rule(Item(&["rand", "rngs", "StdRng", "from_entropy"]), Randomness),
        Rule(Item(&["rand", "rngs", "StdRng", "from_os_rng"]), Randomness),
        Rule(Item(&["rand", "rngs", "SmallRng", "from_entropy"]), Randomness),
        Rule(Item(&["rand", "rngs", "SmallRng", "from_os_rng"]), Randomness),
        Rule(Item(&["rand", "rngs", "SmallRng", "from_thread_rng"]), Randomness),
        Rule(Item(&["rand", "rngs", "StdRng", "from_rng"]), Randomness),
        Rule(
            Item(&["std", "collections", "hash_map", "RandomState", "new"]),
            Randomness,
        ),
        Rule(Item(&["std", "hash", "RandomState", "new"]), Randomness),
        Rule(Item(&["fastrand", "Rng", "new"]), Randomness),
        Rule(Item(&["fastrand", "u8"]), Randomness),
        Rule(Item(&["fastrand", "u16"]), Randomness),
        Rule(Item(&["fastrand", "u32"]), Randomness),
        Rule(Item(&["fastrand", "u64"]), Randomness),
        Rule(Item(&["fastrand", "usize"]), Randomness),
        Rule(Item(&["fastrand", "i32"]), Randomness),
        Rule(Item(&["fastrand", "i64"]), Randomness),
        Rule(Item(&["fastrand", "f32"]), Randomness),
        Rule(Item(&["fastrand", "f64"]), Randomness),
        Rule(Item(&["fastrand", "bool"]), Randomness),
        Rule(Item(&["fastrand", "shuffle"]), Randomness),
        Rule(Item(&["fastrand", "choice"]), Randomness),
        Rule(Item(&["fastrand", "alphanumeric"]), Randomness),
        Rule(Item(&["fastrand", "char"]), Randomness),
        Rule(Item(&["fastrand", "digit"]), Randomness),
        Rule(Item(&["fastrand", "lowercase"]), Randomness),
        Rule(Item(&["fastrand", "uppercase"]), Randomness),
        Rule(Item(&["fastrand", "fill"]), Randomness),
        Rule(Under(&["getrandom"]), Randomness),
        // Ids.
        Rule(Item(&["uuid", "Uuid", "new_v4"]), Ids),
        Rule(Item(&["uuid", "Uuid", "now_v7"]), Ids),
        Rule(Item(&["uuid", "Uuid", "new_v7"]), Ids),
        Rule(Item(&["uuid", "Uuid", "now_v6"]), Ids),
        Rule(Item(&["uuid", "Uuid", "now_v1"]), Ids),
        Rule(Item(&["uuid", "Uuid", "new_v1"]), Ids),
        Rule(Item(&["uuid", "Uuid", "new_v6"]), Ids),
        Rule(Item(&["ulid", "Ulid", "new"]), Ids),
        Rule(Item(&["ulid", "Ulid", "generate"]), Ids),
        Rule(Under(&["nanoid"]), Ids),
        // Sleeping.
        Rule(Item(&["std", "thread", "sleep"]), Sleeping),
        Rule(Item(&["std", "thread", "sleep_ms"]), Sleeping),
        Rule(Item(&["std", "thread", "park"]), Sleeping),
        Rule(Item(&["std", "thread", "park_timeout"]), Sleeping),
        Rule(Item(&["tokio", "time", "sleep"]), Sleeping),
        Rule(Item(&["tokio", "time", "sleep_until"]), Sleeping),
        Rule(Item(&["tokio", "time", "interval"]), Sleeping),
        Rule(Item(&["tokio", "time", "interval_at"]), Sleeping),
        Rule(Item(&["tokio", "time", "timeout"]), Sleeping),
        Rule(Item(&["tokio", "time", "timeout_at"]), Sleeping),
        Rule(Item(&["async_std", "task", "sleep"]), Sleeping),
        Rule(Item(&["futures_timer", "Delay", "new"]), Sleeping),
        // Spawning and threads.
        Rule(Item(&["tokio", "spawn"]), Spawning),
        Rule(Item(&["tokio", "task", "spawn"]), Spawning),
        Rule(Item(&["tokio", "task", "spawn_blocking"]), Spawning),
        Rule(Item(&["tokio", "task", "spawn_local"]), Spawning),
        Rule(Item(&["tokio", "task", "block_in_place"]), Spawning),
        Rule(Item(&["tokio", "task", "JoinSet", "new"]), Spawning),
        Rule(Item(&["tokio", "task", "LocalSet", "new"]), Spawning),
        Rule(Item(&["tokio", "runtime", "Handle", "current"]), Spawning),
        Rule(Item(&["tokio", "runtime", "Handle", "try_current"]), Spawning),
        Rule(Item(&["tokio", "runtime", "Runtime", "new"]), Spawning),
        Rule(
            Item(&["tokio", "runtime", "Builder", "new_current_thread"]),
            Spawning,
        ),
        Rule(
            Item(&["tokio", "runtime", "Builder", "new_multi_thread"]),
            Spawning,
        ),
        Rule(Item(&["std", "thread", "spawn"]), Spawning),
        Rule(Item(&["std", "thread", "scope"]), Spawning),
        Rule(Item(&["std", "thread", "Builder", "new"]), Spawning),
        Rule(Item(&["std", "thread", "current"]), Spawning),
        Rule(Item(&["futures", "executor", "block_on"]), Spawning),
        Rule(Item(&["async_std", "task", "spawn"]), Spawning),
        Rule(Item(&["smol", "spawn"]), Spawning),
        Rule(Under(&["rayon"]), Spawning),
        // Racy completion order (`select!` is checked with the macros).
        Rule(Item(&["futures", "stream", "FuturesUnordered", "new"]), Racy),
        Rule(
            Item(&["futures", "stream", "FuturesUnordered", "from_iter"]),
            Racy,
        ),
        Rule(Item(&["futures", "stream", "select"]), Racy),
        Rule(Item(&["futures", "stream", "select_all"]), Racy),
        Rule(Item(&["futures", "future", "select"]), Racy),
        Rule(Item(&["futures", "future", "select_all"]), Racy),
        Rule(Item(&["futures", "future", "select_ok"]), Racy),
        Rule(Item(&["tokio", "task", "JoinSet", "from_iter"]), Racy),
        // Channels.
        Rule(Item(&["std", "sync", "mpsc", "channel"]), Channels),
        Rule(Item(&["std", "sync", "mpsc", "sync_channel"]), Channels),
        Rule(Item(&["tokio", "sync", "mpsc", "channel"]), Channels),
        Rule(Item(&["tokio", "sync", "mpsc", "unbounded_channel"]), Channels),
        Rule(Item(&["tokio", "sync", "oneshot", "channel"]), Channels),
        Rule(Item(&["tokio", "sync", "watch", "channel"]), Channels),
        Rule(Item(&["tokio", "sync", "broadcast", "channel"]), Channels),
        Rule(Item(&["futures", "channel", "mpsc", "channel"]), Channels),
        Rule(Item(&["futures", "channel", "mpsc", "unbounded"]), Channels),
        Rule(Item(&["futures", "channel", "oneshot", "channel"]), Channels),
        Rule(Under(&["crossbeam_channel"]), Channels),
        Rule(Under(&["flume"]), Channels),
        Rule(Under(&["async_channel"]), Channels),
        // Environment.
        Rule(Item(&["std", "env", "var"]), Environment),
        Rule(Item(&["std", "env", "var_os"]), Environment),
        Rule(Item(&["std", "env", "vars"]), Environment),
        Rule(Item(&["std", "env", "vars_os"]), Environment),
        Rule(Item(&["std", "env", "args"]), Environment),
        Rule(Item(&["std", "env", "args_os"]), Environment),
        Rule(Item(&["std", "env", "current_dir"]), Environment),
        Rule(Item(&["std", "env", "current_exe"]), Environment),
        Rule(Item(&["std", "env", "temp_dir"]), Environment),
        Rule(Item(&["std", "env", "home_dir"]), Environment),
        Rule(Item(&["std", "env", "set_var"]), Environment),
        Rule(Item(&["std", "env", "remove_var"]), Environment),
        Rule(Item(&["std", "env", "set_current_dir"]), Environment),
        Rule(Item(&["std", "thread", "available_parallelism"]), Environment),
        Rule(Under(&["hostname"]), Environment),
        Rule(Under(&["gethostname"]), Environment),
        Rule(Under(&["num_cpus"]), Environment),
        Rule(Under(&["sysinfo"]), Environment),
        Rule(Under(&["dotenvy"]), Environment),
        Rule(Under(&["dotenv"]), Environment),
        Rule(Under(&["envy"]), Environment),
        Rule(Item(&["aws_config", "load_from_env"]), Environment),
        Rule(Item(&["aws_config", "load_defaults"]), Environment),
        Rule(Item(&["aws_config", "from_env"]), Environment),
        Rule(Item(&["aws_config", "defaults"]), Environment),
        // Filesystem.
        Rule(Under(&["std", "fs"]), Filesystem),
        Rule(Under(&["tokio", "fs"]), Filesystem),
        Rule(Under(&["async_std", "fs"]), Filesystem),
        Rule(Item(&["std", "fs", "read"]), Filesystem),
        Rule(Item(&["std", "fs", "read_to_string"]), Filesystem),
        Rule(Item(&["std", "fs", "write"]), Filesystem),
        Rule(Item(&["std", "fs", "read_dir"]), Filesystem),
        Rule(Item(&["std", "fs", "create_dir"]), Filesystem),
        Rule(Item(&["std", "fs", "create_dir_all"]), Filesystem),
        Rule(Item(&["std", "fs", "remove_file"]), Filesystem),
        Rule(Item(&["std", "fs", "remove_dir"]), Filesystem),
        Rule(Item(&["std", "fs", "remove_dir_all"]), Filesystem),
        Rule(Item(&["std", "fs", "copy"]), Filesystem),
        Rule(Item(&["std", "fs", "rename"]), Filesystem),
        Rule(Item(&["std", "fs", "metadata"]), Filesystem),
        Rule(Item(&["std", "fs", "symlink_metadata"]), Filesystem),
        Rule(Item(&["std", "fs", "canonicalize"]), Filesystem),
        Rule(Item(&["std", "fs", "exists"]), Filesystem),
        Rule(Item(&["std", "fs", "File", "open"]), Filesystem),
        Rule(Item(&["std", "fs", "File", "create"]), Filesystem),
        Rule(Item(&["std", "fs", "File", "create_new"]), Filesystem),
        Rule(Item(&["std", "fs", "File", "options"]), Filesystem),
        Rule(Item(&["std", "fs", "OpenOptions", "new"]), Filesystem),
        Rule(Item(&["std", "path", "Path", "exists"]), Filesystem),
        Rule(Item(&["std", "io", "stdin"]), Filesystem),
        Rule(Item(&["tokio", "io", "stdin"]), Filesystem),
        // Network.
        Rule(Item(&["std", "net", "TcpStream", "connect"]), Network),
        Rule(Item(&["std", "net", "TcpStream", "connect_timeout"]), Network),
        Rule(Item(&["std", "net", "TcpListener", "bind"]), Network),
        Rule(Item(&["std", "net", "UdpSocket", "bind"]), Network),
        Rule(Under(&["tokio", "net"]), Network),
        Rule(Item(&["tokio", "net", "TcpStream", "connect"]), Network),
        Rule(Item(&["tokio", "net", "TcpListener", "bind"]), Network),
        Rule(Item(&["tokio", "net", "lookup_host"]), Network),
        Rule(Under(&["async_std", "net"]), Network),
        Rule(Item(&["reqwest", "get"]), Network),
        Rule(Item(&["reqwest", "blocking", "get"]), Network),
        Rule(Item(&["ureq", "get"]), Network),
        Rule(Item(&["ureq", "post"]), Network),
        Rule(Item(&["ureq", "put"]), Network),
        Rule(Item(&["ureq", "delete"]), Network),
        Rule(Item(&["ureq", "patch"]), Network),
        Rule(Item(&["ureq", "head"]), Network),
        Rule(Item(&["ureq", "request"]), Network),
        Rule(Under(&["sqlx"]), Network),
        Rule(Under(&["redis"]), Network),
        // Processes.
        Rule(Item(&["std", "process", "Command", "new"]), Process),
        Rule(Item(&["tokio", "process", "Command", "new"]), Process),
        Rule(Item(&["std", "process", "id"]), Process),
    ]
};

/// Single names that, called bare and not bound in the function, are almost always these
/// imports (`use tokio::time::sleep;` at the top of the file).
pub(crate) const BARE: &[(&str, &[&str])] = &[
    ("sleep", &["tokio", "time", "sleep"]),
    ("sleep_until", &["tokio", "time", "sleep_until"]),
    ("interval", &["tokio", "time", "interval"]),
    ("spawn", &["tokio", "spawn"]),
    ("spawn_blocking", &["tokio", "task", "spawn_blocking"]),
    ("spawn_local", &["tokio", "task", "spawn_local"]),
    ("block_in_place", &["tokio", "task", "block_in_place"]),
    ("thread_rng", &["rand", "thread_rng"]),
    ("random", &["rand", "random"]),
    ("random_range", &["rand", "random_range"]),
    ("random_bool", &["rand", "random_bool"]),
    ("OsRng", &["rand", "rngs", "OsRng"]),
    (
        "unbounded_channel",
        &["tokio", "sync", "mpsc", "unbounded_channel"],
    ),
    ("read_to_string", &["std", "fs", "read_to_string"]),
    (
        "available_parallelism",
        &["std", "thread", "available_parallelism"],
    ),
    ("lookup_host", &["tokio", "net", "lookup_host"]),
    ("select_all", &["futures", "future", "select_all"]),
    ("select_ok", &["futures", "future", "select_ok"]),
];

/// Equivalent roots: the same item reachable under another path.
fn canonical(path: &[String]) -> Vec<String> {
    let mut p: Vec<String> = path.to_vec();
    if p.first().is_some_and(|r| r == "core") {
        p[0] = "std".to_owned();
    }
    if p.first().is_some_and(|r| r == "futures_util") {
        p[0] = "futures".to_owned();
    }
    // Re-exports: `chrono::prelude::Utc`, `chrono::offset::Utc` are `chrono::Utc`.
    if p.len() > 2 && p[0] == "chrono" && (p[1] == "prelude" || p[1] == "offset") {
        p.remove(1);
    }
    if p.len() > 2 && p[0] == "rand" && p[1] == "prelude" {
        p.remove(1);
    }
    if p.len() > 2 && p[0] == "futures" && p[1] == "prelude" {
        p.remove(1);
    }
    p
}

/// The category of a rooted path (its first segment a crate root).
pub(crate) fn classify_rooted(path: &[String]) -> Option<Category> {
    let path = canonical(path);
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    RULES.iter().find_map(|Rule(pattern, category)| {
        let hit = match pattern {
            Pattern::Item(item) => {
                *item == path.as_slice()
                    // `rand::StdRng::from_entropy` (older rand re-exports) and `chrono::Utc::now`.
                    || (item.len() == path.len() + 1 && item[0] == path[0] && item[2..] == path[1..] && item[1] == "rngs")
            }
            Pattern::Under(prefix) => path.len() > prefix.len() && path[..prefix.len()] == **prefix,
        };
        hit.then_some(*category)
    })
}

/// The category of a path whose first segment is not bound in the function nor a crate root:
/// it came from an import outside the function. Matched by the rules' tails of at least two
/// segments (`time::SystemTime::now`, `Instant::now`, `fs::read_to_string`), or by a bare name.
pub(crate) fn classify_floating(path: &[String]) -> Option<(Category, Vec<String>)> {
    if path.len() == 1 {
        let (_, full) = BARE.iter().find(|(name, _)| *name == path[0])?;
        let full: Vec<String> = full.iter().map(|s| (*s).to_owned()).collect();
        return classify_rooted(&full).map(|c| (c, full));
    }
    RULES.iter().find_map(|Rule(pattern, category)| {
        let Pattern::Item(item) = pattern else { return None };
        let k = path.len();
        (k < item.len() && item[item.len() - k..].iter().zip(path).all(|(a, b)| a == b)).then(|| {
            let full = item.iter().map(|s| (*s).to_owned()).collect();
            (*category, full)
        })
    })
}

/// Method names that are nondeterministic on any realistic receiver, whatever its type.
pub(crate) fn classify_method(method: &str, args: usize) -> Option<Category> {
    use Category::*;
    Some(match (method, args) {
        ("elapsed", 0) => Elapsed,
        // rand's `Rng`, `SliceRandom`, `IteratorRandom`, `Distribution`, `RngCore`.
        ("gen_range" | "gen_bool" | "gen_ratio" | "random_range" | "random_bool" | "random_ratio", _) => {
            Randomness
        }
        ("gen" | "r#gen" | "sample_iter" | "next_u32" | "next_u64" | "fill_bytes" | "try_fill_bytes", _) => {
            Randomness
        }
        (
            "shuffle" | "partial_shuffle" | "choose" | "choose_multiple" | "choose_weighted" | "choose_mut",
            _,
        ) => Randomness,
        ("sample", 1) => Randomness,
        // A request built with reqwest or an AWS SDK fluent builder, sent.
        ("send", 0) | ("send_with", _) => Network,
        ("fetch_one" | "fetch_all" | "fetch_optional", 1) => Network,
        ("to_socket_addrs", 0) => Network,
        // Tasks and threads on any handle (`Handle::current().spawn`, a `JoinSet`, a `LocalSet`).
        ("spawn" | "spawn_blocking" | "spawn_local" | "spawn_on", _) => Spawning,
        ("block_on", 1) => Spawning,
        ("join_next", 0) => Racy,
        (
            "buffer_unordered" | "try_buffer_unordered" | "for_each_concurrent" | "try_for_each_concurrent",
            _,
        ) => Racy,
        _ => return None,
    })
}

/// Method names that read a clock, draw a random number or make an id when called on a value
/// that is not the workflow's context: a clock, id or random *provider* behind a trait.
pub(crate) fn classify_provider_method(method: &str, args: usize) -> Option<Category> {
    use Category::*;
    Some(match (method, args) {
        (
            "now" | "now_utc" | "utc_now" | "now_local" | "today" | "now_millis" | "now_ms" | "now_secs"
            | "unix_now",
            0,
        ) => WallClock,
        ("random" | "random_u64" | "random_u32" | "random_f64", 0) => Randomness,
        ("new_v4" | "now_v7" | "new_uuid" | "uuid" | "uuid_v4", 0) => Ids,
        _ => return None,
    })
}

/// Method names on a `static` (SCREAMING_CASE) that read or change shared mutable state.
pub(crate) const GLOBAL_STATE_METHODS: &[&str] = &[
    "load",
    "store",
    "swap",
    "fetch_add",
    "fetch_sub",
    "fetch_and",
    "fetch_or",
    "fetch_xor",
    "fetch_nand",
    "fetch_max",
    "fetch_min",
    "fetch_update",
    "compare_exchange",
    "compare_exchange_weak",
    "lock",
    "try_lock",
    "read",
    "write",
    "try_read",
    "try_write",
    "borrow",
    "borrow_mut",
    "with",
    "with_borrow",
    "with_borrow_mut",
    "set",
    "replace",
    "take",
    "insert",
    "remove",
    "entry",
    "push",
    "pop",
    "clear",
    "get_mut",
    "alter",
];

/// Types whose `static`s are mutable through a shared reference.
pub(crate) fn is_interior_mutable(type_name: &str) -> bool {
    type_name.starts_with("Atomic")
        || matches!(
            type_name,
            "Mutex" | "RwLock" | "RefCell" | "Cell" | "DashMap" | "DashSet" | "UnsafeCell" | "ArcSwap"
        )
}

/// Types of hash collections, whose iteration order is random per process.
pub(crate) fn is_hash_collection(type_name: &str) -> bool {
    matches!(
        type_name,
        "HashMap" | "HashSet" | "DashMap" | "DashSet" | "AHashMap" | "AHashSet" | "IndexedHashMap"
    )
}

/// Hasher builders with no per-process seed: a hash collection built with one iterates in the
/// same order on every run of a build.
pub(crate) fn is_fixed_hasher(type_name: &str) -> bool {
    matches!(
        type_name,
        "BuildHasherDefault" | "FxBuildHasher" | "FnvBuildHasher" | "BuildNoHashHasher" | "FixedState"
    )
}

/// `Path`/`PathBuf` methods that read the file system.
pub(crate) const PATH_IO_METHODS: &[&str] = &[
    "exists",
    "try_exists",
    "is_file",
    "is_dir",
    "is_symlink",
    "metadata",
    "symlink_metadata",
    "read_dir",
    "read_link",
    "canonicalize",
];

/// `Path`/`PathBuf` methods that give a path back.
pub(crate) const PATH_BUILDING_METHODS: &[&str] = &[
    "join",
    "with_extension",
    "with_file_name",
    "to_path_buf",
    "as_path",
    "to_owned",
    "clone",
];

/// Whether a type's last identifier is the standard library's path type.
pub(crate) fn is_path_type(ty: &str) -> bool {
    matches!(ty, "Path" | "PathBuf")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        path.split("::").map(str::to_owned).collect()
    }

    #[test]
    fn rooted_paths_match_in_full() {
        assert_eq!(
            classify_rooted(&segs("std::time::SystemTime::now")),
            Some(Category::WallClock)
        );
        assert_eq!(
            classify_rooted(&segs("chrono::offset::Utc::now")),
            Some(Category::WallClock)
        );
        assert_eq!(
            classify_rooted(&segs("std::hash::RandomState::new")),
            Some(Category::Randomness)
        );
        assert_eq!(
            classify_rooted(&segs("tokio::sync::mpsc::channel")),
            Some(Category::Channels)
        );
        assert_eq!(
            classify_rooted(&segs("tokio::process::Command::new")),
            Some(Category::Process)
        );
        assert_eq!(
            classify_rooted(&segs("std::fs::anything")),
            Some(Category::Filesystem)
        );
        assert_eq!(
            classify_rooted(&segs("rand::rngs::StdRng::from_entropy")),
            Some(Category::Randomness)
        );
        for ok in [
            "std::net::Ipv4Addr::new",
            "std::time::Duration::from_secs",
            "std::time::UNIX_EPOCH",
            "uuid::Uuid::new_v5",
            "rand::rngs::StdRng::seed_from_u64",
            "std::collections::HashMap::new",
            "reqwest::Client::new",
            "std::env::consts::OS",
        ] {
            assert_eq!(classify_rooted(&segs(ok)), None, "{ok}");
        }
    }

    #[test]
    fn floating_paths_match_specific_tails() {
        assert_eq!(
            classify_floating(&segs("SystemTime::now")).map(|c| c.0),
            Some(Category::WallClock)
        );
        assert_eq!(
            classify_floating(&segs("fs::read_to_string")).map(|c| c.0),
            Some(Category::Filesystem)
        );
        assert_eq!(
            classify_floating(&segs("Utc::now")).map(|c| c.0),
            Some(Category::WallClock)
        );
        assert_eq!(
            classify_floating(&segs("sleep")).map(|c| c.0),
            Some(Category::Sleeping)
        );
        for ok in [
            "fs::normalize",
            "net::Ipv4Addr::new",
            "my::SystemTime::now",
            "now",
            "Duration::from_secs",
            "Client::new",
        ] {
            assert_eq!(classify_floating(&segs(ok)).map(|c| c.0), None, "{ok}");
        }
    }
}
