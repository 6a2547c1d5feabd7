//! The lint on small workflow bodies: what it rejects, and what it must accept.

use crate::ctxt::Ctxt;

fn errors(item: proc_macro2::TokenStream) -> Vec<String> {
    let mut f: syn::ItemFn = syn::parse2(item).unwrap();
    let cx = Ctxt::default();
    let sig = f.sig.clone();
    let ops = super::lint_workflow(&cx, &sig, &mut f.block, None);
    crate::check::duplicate_names(&cx, &ops);
    cx.finish()
        .map_or_else(Vec::new, |e| e.into_iter().map(|e| e.to_string()).collect())
}

macro_rules! rejects {
    ($name:ident, $needle:literal, { $($body:tt)* }) => {
        #[test]
        fn $name() {
            let errs = errors(quote::quote! {
                async fn wf(ctx: DurableContext, input: Input) -> Result<(), DurableError> { $($body)* }
            });
            assert!(errs.iter().any(|e| e.contains($needle)), "expected an error containing {:?}, got {errs:#?}", $needle);
        }
    };
}

macro_rules! accepts {
    ($name:ident, { $($body:tt)* }) => {
        #[test]
        fn $name() {
            let errs = errors(quote::quote! {
                async fn wf(ctx: DurableContext, input: Input) -> Result<(), DurableError> { $($body)* }
            });
            assert!(errs.is_empty(), "expected no error, got {errs:#?}");
        }
    };
}

rejects!(hash_for_loop_creating_steps, "HashMap", {
    let prices: HashMap<String, u32> = load();
    for (sku, price) in &prices {
        ctx.step(sku.clone(), move |_| async move { Ok::<_, String>(*price) })
            .await?;
    }
    Ok(())
});

rejects!(hash_keys_collected_unsorted, "prices.keys()", {
    let prices = HashMap::from([("a", 1), ("b", 2)]);
    let skus: Vec<_> = prices.keys().cloned().collect();
    ctx.step(skus.join(","), |_| async { Ok::<_, String>(()) })
        .await?;
    Ok(())
});

#[test]
fn hash_parameter_iterated() {
    let errs = errors(quote::quote! {
        async fn wf(ctx: DurableContext, stock: HashMap<String, u32>) -> Result<(), DurableError> {
            let first = stock.iter().next();
            Ok(())
        }
    });
    assert!(errs.iter().any(|e| e.contains("stock.iter()")), "{errs:#?}");
}

rejects!(hash_map_formatted_into_a_name, "HashMap", {
    let mut seen = HashMap::new();
    seen.insert("a", 1);
    ctx.step(format!("record-{seen:?}"), |_| async { Ok::<_, String>(()) })
        .await?;
    let text = serde_json::to_string(&seen).unwrap();
    Ok(())
});

rejects!(static_counter, "COUNTER.fetch_add()", {
    if COUNTER.fetch_add(1, Ordering::SeqCst) == 0 {
        ctx.step("first", |_| async { Ok::<_, String>(()) }).await?;
    }
    Ok(())
});

rejects!(elapsed_on_recorded_time, ".elapsed()", {
    let start = ctx.now().await?;
    let waited = start.elapsed().unwrap();
    Ok(())
});

rejects!(aliased_clock_in_body, "std::time::SystemTime::now", {
    use std::time::SystemTime as Clock;
    let t = Clock::now();
    Ok(())
});

rejects!(chrono_offset_path, "chrono::offset::Utc::now", {
    let t = chrono::offset::Utc::now();
    Ok(())
});

rejects!(rand_method_chain, "rand::rng", {
    let n = rand::rng().random_range(0..10);
    Ok(())
});

rejects!(thread_rng_method_on_local, ".gen_range()", {
    let mut rng = make_rng();
    let n = rng.gen_range(0..10);
    Ok(())
});

rejects!(request_sent, ".send()", {
    let client = reqwest::Client::new();
    let res = client.get("http://127.0.0.1:1").send().await;
    Ok(())
});

rejects!(clock_in_format, "SystemTime::now", {
    let label = format!("run-{:?}", SystemTime::now());
    Ok(())
});

rejects!(random_in_matches_guard, "rand::random", {
    let ok = matches!(input.n, Some(v) if v > rand::random::<u32>());
    Ok(())
});

rejects!(clock_in_tracing_field, "SystemTime::now", {
    tracing::info!(at = ?SystemTime::now(), "starting");
    Ok(())
});

rejects!(handle_spawn, "tokio::runtime::Handle::current", {
    tokio::runtime::Handle::current().spawn(async {});
    Ok(())
});

rejects!(buffer_unordered, ".buffer_unordered()", {
    let results: Vec<u32> = futures::stream::iter(jobs).buffer_unordered(4).collect().await;
    Ok(())
});

rejects!(futures_unordered_collected, "FuturesUnordered", {
    let pending = jobs.into_iter().map(run).collect::<FuturesUnordered<_>>();
    Ok(())
});

rejects!(pointer_address, "as usize", {
    let key = &input as *const Input as usize;
    Ok(())
});

rejects!(mpsc_channel_rooted, "tokio::sync::mpsc::channel", {
    let (tx, rx) = tokio::sync::mpsc::channel::<u32>(8);
    Ok(())
});

rejects!(process_command_rooted, "tokio::process::Command::new", {
    let out = tokio::process::Command::new("date").output().await;
    Ok(())
});

rejects!(random_state, "std::hash::RandomState::new", {
    let s = std::hash::RandomState::new();
    Ok(())
});

rejects!(body_macro_rules_hiding_a_clock, "SystemTime::now", {
    macro_rules! stamp {
        () => {
            SystemTime::now()
        };
    }
    let t = stamp!();
    Ok(())
});

rejects!(nested_helper_fn_used, "Uuid::new_v4", {
    fn request_id() -> String {
        Uuid::new_v4().to_string()
    }
    let id = request_id();
    Ok(())
});

rejects!(trait_clock_provider, ".now()", {
    let clock = SystemClock;
    let t = clock.now();
    Ok(())
});

rejects!(idempotency_advice_says_ctx_uuid, "ctx.uuid()", {
    let key = uuid::Uuid::new_v4();
    Ok(())
});

accepts!(locals_shadow_known_names, {
    let sleep = Duration::from_secs(5);
    ctx.wait("pause", sleep).await?;
    fn random() -> u32 {
        4
    }
    let r = random();
    Ok(())
});

accepts!(own_modules_and_value_types, {
    let p = fs::normalize("a/../b");
    let ip = std::net::Ipv4Addr::new(127, 0, 0, 1);
    let addr: std::net::IpAddr = "10.0.0.1".parse().unwrap();
    let d = std::time::Duration::from_secs(3);
    let epoch = std::time::UNIX_EPOCH + d;
    let os = std::env::consts::OS;
    Ok(())
});

accepts!(step_body_bound_to_a_variable, {
    let body = |_| async move { Ok::<_, String>(SystemTime::now()) };
    let t = ctx.step("stamp", body).await?;
    Ok(())
});

accepts!(saga_steps_and_compensations, {
    let mut saga = ctx.saga();
    let id = saga
        .step(
            "reserve",
            |_| async { Ok::<_, String>(Uuid::new_v4().to_string()) },
            |id, _| async move {
                reqwest::Client::new()
                    .delete(format!("http://127.0.0.1:1/{id}"))
                    .send()
                    .await
                    .map(|_| ())
            },
        )
        .await?;
    Ok(())
});

accepts!(callback_submitter_and_condition_check, {
    let answer: String = ctx
        .wait_for_callback("approval", |id, _| async move {
            reqwest::Client::new()
                .post("http://127.0.0.1:1")
                .body(id)
                .send()
                .await
                .map(|_| ())
        })
        .await?;
    let state = ctx
        .wait_for_condition("ready", 0u32, strategy, |n, _| async move {
            Ok::<_, String>(n + fastrand::u32(..3))
        })
        .await?;
    Ok(())
});

accepts!(hash_iteration_that_cannot_depend_on_order, {
    let prices: HashMap<String, u64> = input.prices.clone();
    let total: u64 = prices.values().sum();
    let n = prices.iter().filter(|(_, p)| **p > 10).count();
    let mut skus: Vec<_> = prices.keys().cloned().collect();
    skus.sort();
    let set: BTreeSet<_> = prices.keys().collect();
    let mut sum = 0;
    for (_, p) in &prices {
        sum += p;
    }
    let cheap = prices.get("a").copied().unwrap_or(0);
    Ok(())
});

accepts!(seeded_rng_is_deterministic, {
    let mut rng = StdRng::seed_from_u64(ctx.random_u64().await?);
    let n = rng.gen_range(0..10);
    let mut items = vec![1, 2, 3];
    items.shuffle(&mut rng);
    Ok(())
});

accepts!(biased_select_and_ctx_operations, {
    let now = ctx.now().await?;
    let id = ctx.uuid().await?;
    let later = ctx.now().await?;
    let waited = later.duration_since(now).unwrap();
    tokio::select! { biased; a = ctx.wait("a", d) => {}, b = ctx.wait("b", d) => {} }
    Ok(())
});

accepts!(same_name_inside_map_items_and_child_contexts, {
    ctx.step("load", |_| async { Ok::<_, String>(()) }).await?;
    ctx.map("items", items, |item_ctx, item, i| async move {
        item_ctx.step("load", |_| async { Ok::<_, String>(()) }).await
    })
    .await?;
    ctx.run_in_child_context("group", |child| async move {
        child.step("load", |_| async { Ok::<_, String>(()) }).await
    })
    .await?;
    Ok(())
});

accepts!(immutable_statics_and_consts, {
    let rate = RATES[2];
    let limit = MAX_ITEMS.min(input.n);
    let name = CONFIG.get().map(|c| c.name.clone());
    Ok(())
});

#[test]
fn duplicate_names_in_one_context_are_still_rejected() {
    let errs = errors(quote::quote! {
        async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
            ctx.step("load", |_| async { Ok::<_, String>(()) }).await?;
            ctx.step("load", |_| async { Ok::<_, String>(()) }).await?;
            Ok(())
        }
    });
    assert!(
        errs.iter().any(|e| e.contains("duplicate operation name")),
        "{errs:#?}"
    );
}

/// Lints the workflow `wf` of a whole file, with what the macro reads of the file: the errors,
/// and the workflow as the macro emits it.
fn lint_file(text: &str) -> (Vec<String>, syn::ItemFn) {
    let file: syn::File = syn::parse_str(text).unwrap();
    let mut f = file
        .items
        .into_iter()
        .find_map(|i| match i {
            syn::Item::Fn(f) if f.sig.ident == "wf" => Some(f),
            _ => None,
        })
        .unwrap();
    let cx = Ctxt::default();
    let context = super::FileContext::from_text(text, "wf").map(std::rc::Rc::new);
    let sig = f.sig.clone();
    super::lint_workflow(&cx, &sig, &mut f.block, context);
    let errors = cx
        .finish()
        .map_or_else(Vec::new, |e| e.into_iter().map(|e| e.to_string()).collect());
    (errors, f)
}

fn file_errors(text: &str) -> Vec<String> {
    lint_file(text).0
}

#[test]
fn file_imports_helpers_fields_and_statics_are_seen() {
    let errs = file_errors(
        r#"
        use std::time::SystemTime as Clock;
        use std::collections::HashMap;
        static CACHE: std::sync::OnceLock<std::sync::Mutex<Vec<u32>>> = std::sync::OnceLock::new();
        struct Order { lines: HashMap<String, u32> }
        fn due() -> u64 { Clock::now().elapsed().unwrap().as_secs() }
        trait Ids { fn fresh(&self) -> String { uuid::Uuid::new_v4().to_string() } }
        async fn wf(ctx: DurableContext, order: Order) -> Result<(), DurableError> {
            let t = Clock::now();
            let d = due();
            let ids: Box<dyn Ids> = make();
            let id = ids.fresh();
            for (sku, _) in &order.lines { ctx.step(sku.clone(), |_| async { Ok::<_, String>(()) }).await?; }
            let cached = CACHE.get();
            Ok(())
        }
        "#,
    );
    for needle in [
        "std::time::SystemTime::now",
        "due()` → `",
        "Ids::fresh()",
        "order.lines",
        "CACHE",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
}

#[test]
fn file_step_fns_and_helpers_run_in_steps_are_not_linted() {
    let errs = file_errors(
        r#"
        use std::collections::BTreeMap;
        #[step(name = "charge")]
        async fn charge(cents: u64) -> Result<u64, String> { let _ = std::env::var("KEY"); Ok(cents) }
        fn fetch_rate() -> u64 { std::fs::read_to_string("/tmp/rate").map(|s| s.len() as u64).unwrap_or(1) }
        fn sleep(d: u64) -> u64 { d * 2 }
        async fn wf(ctx: DurableContext, cents: u64) -> Result<(), DurableError> {
            let paid = ctx.run(charge(cents)).await?;
            let rate = ctx.step("rate", |_| async { Ok::<_, String>(fetch_rate()) }).await?;
            let doubled = sleep(paid);
            let totals: BTreeMap<u32, u64> = BTreeMap::new();
            for (k, v) in &totals { ctx.step(format!("t-{k}"), |_| async { Ok::<_, String>(()) }).await?; }
            Ok(())
        }
        "#,
    );
    assert!(errs.is_empty(), "{errs:#?}");
}

rejects!(path_methods_that_read_the_disk, ".exists()", {
    let inbox: PathBuf = Path::new("/mnt/inbox").join(&input.file);
    if !inbox.exists() {
        ctx.wait("await-upload", Duration::from_secs(60)).await?;
    }
    Ok(())
});

rejects!(path_built_inline_then_probed, ".is_file()", {
    if Path::new("/etc/flags").join("beta").is_file() {
        ctx.step("beta", |_| async { Ok::<_, String>(()) }).await?;
    }
    Ok(())
});

accepts!(path_arithmetic_without_io, {
    let key = Path::new("invoices").join(&input.id).with_extension("pdf");
    let name = key.file_name().map(|n| n.to_string_lossy().into_owned());
    ctx.step(format!("store-{}", key.display()), move |_| async move {
        Ok::<_, String>(name)
    })
    .await?;
    Ok(())
});

#[test]
fn awaiting_a_step_fn_directly_says_to_run_it() {
    let errs = file_errors(
        r#"
        #[step]
        async fn validate(card: String) -> Result<bool, String> { Ok(!card.is_empty()) }

        #[durable_workflow]
        async fn wf(ctx: DurableContext, card: String) -> Result<bool, DurableError> {
            let ok = validate(card.clone()).await?;
            let again: bool = ctx.run(validate(card)).await?;
            Ok(ok && again)
        }
        "#,
    );
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].contains("`validate` is a `#[step]` fn"), "{errs:#?}");
    assert!(errs[0].contains("ctx.run(validate(..)).await"), "{errs:#?}");
}

#[test]
fn hash_types_through_renamed_imports_and_type_aliases_are_seen() {
    let errs = file_errors(
        r#"
        use std::collections::HashMap as Map;
        use std::collections::hash_map::RandomState;
        type Index<K, V> = std::collections::HashMap<K, V, RandomState>;
        type Tables = Index<String, u64>;
        struct Campaign { segments: Map<String, u64>, tables: Tables }
        async fn wf(ctx: DurableContext, input: Campaign) -> Result<(), DurableError> {
            let picked: Vec<String> = input.segments.iter().map(|(k, _)| k.clone()).collect();
            for (t, _) in input.tables.iter().take(3) { ctx.step(t.clone(), |_| async { Ok::<_, String>(()) }).await?; }
            let services = input.segments;
            for s in services.keys() { ctx.step(s.clone(), |_| async { Ok::<_, String>(()) }).await?; }
            Ok(())
        }
        "#,
    );
    for needle in ["input.segments.iter()", "input.tables.iter()", "services.keys()"] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
}

#[test]
fn fixed_hashers_and_the_files_own_hash_map_type_are_deterministic() {
    let errs = file_errors(
        r#"
        use std::collections::HashMap;
        use std::hash::{BuildHasherDefault, DefaultHasher};
        mod ordered { pub struct HashSet<T> { items: Vec<T> } }
        use ordered::HashSet;
        type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<DefaultHasher>>;
        async fn wf(ctx: DurableContext, input: Input) -> Result<(), DurableError> {
            let mut by_bucket: HashMap<u64, u32, BuildHasherDefault<DefaultHasher>> = HashMap::default();
            for (b, n) in &by_bucket { ctx.step(format!("b{b}"), |_| async { Ok::<_, String>(()) }).await?; }
            let fast: FastMap<u64, u32> = FastMap::default();
            for (b, _) in fast.iter() { ctx.step(format!("f{b}"), |_| async { Ok::<_, String>(()) }).await?; }
            let own: HashSet<u32> = load();
            for x in own.iter() { ctx.step(format!("o{x}"), |_| async { Ok::<_, String>(()) }).await?; }
            Ok(())
        }
        "#,
    );
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn self_paths_default_impls_from_impls_and_static_initializers_run_helpers() {
    let errs = file_errors(
        r#"
        use std::collections::HashMap;
        use once_cell::sync::Lazy;
        struct Clock;
        impl Clock {
            fn now_ms() -> u64 { std::time::SystemTime::now().elapsed().map(|d| d.as_millis() as u64).unwrap_or(0) }
            fn until(deadline: u64) -> u64 { deadline.saturating_sub(Self::now_ms()) }
        }
        struct Audit { at: String, actor: String }
        impl Default for Audit { fn default() -> Self { Audit { at: chrono::Local::now().to_rfc3339(), actor: String::new() } } }
        struct Inventory { counts: HashMap<String, u32> }
        struct Line { product: String }
        impl From<&Inventory> for Vec<Line> {
            fn from(inv: &Inventory) -> Self { inv.counts.iter().map(|(p, _)| Line { product: p.clone() }).collect() }
        }
        struct Config { batch: u64 }
        static CONFIG: Lazy<Config> = Lazy::new(|| Config { batch: std::env::var("BATCH").map(|v| v.len() as u64).unwrap_or(1) });
        static LIMITS: [u32; 2] = [1, 2];
        async fn wf(ctx: DurableContext, input: Inventory) -> Result<(), DurableError> {
            let left = Clock::until(5);
            let audit = Audit { actor: "me".into(), ..Default::default() };
            let lines: Vec<Line> = Vec::from(&input);
            let chunks = 100 / CONFIG.batch;
            let limit = LIMITS[0];
            Ok(())
        }
        "#,
    );
    for needle in [
        "Clock::until()` → `Clock::now_ms()",
        "Audit::default()",
        "From<Inventory>::from()",
        "static CONFIG",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
    assert!(!errs.iter().any(|e| e.contains("LIMITS")), "{errs:#?}");
}

#[test]
fn user_macros_are_linted_as_they_expand() {
    let errs = file_errors(
        r#"
        use std::collections::{HashMap, HashSet};
        macro_rules! for_each_region {
            ($regions:expr, |$region:ident| $body:block) => { for $region in $regions.keys() $body };
        }
        macro_rules! next_id {
            ($prefix:literal) => {{
                static COUNTER: ::std::sync::atomic::AtomicU32 = ::std::sync::atomic::AtomicU32::new(1);
                format!("{}-{}", $prefix, COUNTER.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst))
            }};
        }
        macro_rules! log_members { ($set:expr) => { tracing::info!("members {:?}", $set) }; }
        macro_rules! partitioner {
            ($name:ident) => { fn $name(key: &str) -> u64 { std::collections::hash_map::RandomState::new().hash_one(key) } };
        }
        macro_rules! total { ($m:expr) => { $m.values().sum::<u64>() }; }
        partitioner!(partition_of);
        struct Release { regions: HashMap<String, u32>, members: HashSet<String> }
        async fn wf(ctx: DurableContext, input: Release) -> Result<(), DurableError> {
            for_each_region!(input.regions, |region| {
                ctx.step(format!("deploy-{region}"), |_| async { Ok::<_, String>(()) }).await?;
            });
            let id = next_id!("LAB");
            log_members!(input.members);
            let p = partition_of("a");
            let sum = total!(input.regions);
            Ok(())
        }
        "#,
    );
    for needle in [
        "for_each_region!` → `input.regions.keys()",
        "next_id!` → `static COUNTER",
        "log_members!",
        "partition_of()",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
    assert!(
        !errs.iter().any(|e| e.contains("total!")),
        "an order-free sum is fine: {errs:#?}"
    );
}

#[test]
fn module_helpers_derived_defaults_json_arguments_and_sets_built_mid_chain() {
    let errs = file_errors(
        r#"
        use std::collections::HashSet;
        mod deploy {
            pub fn region() -> String { std::env::var("AWS_REGION").unwrap_or_default() }
            pub fn function(base: &str) -> String { format!("{base}-{}", region()) }
        }
        enum Variant { A, B }
        impl Default for Variant { fn default() -> Self { if rand::random::<bool>() { Variant::A } else { Variant::B } } }
        #[derive(Default)]
        struct Campaign { variant: Variant, sent: u32 }
        fn channel() -> &'static str { if std::process::id() % 2 == 0 { "a" } else { "b" } }
        fn unique(people: &[String]) -> Vec<String> {
            people.iter().cloned().collect::<HashSet<_>>().into_iter().collect()
        }
        async fn wf(ctx: DurableContext, people: Vec<String>) -> Result<(), DurableError> {
            let target = deploy::function("provisioner");
            let campaign = Campaign::default();
            let payload = serde_json::json!({ "channel": channel(), "to": [people.len()] });
            let roster = unique(&people);
            Ok(())
        }
        "#,
    );
    for needle in [
        "deploy::function()` → `deploy::region()",
        "Variant::default()",
        "channel()",
        "unique()",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
}

#[test]
fn display_in_format_fns_passed_by_name_map_trait_impls_and_ord_impls_run_helpers() {
    let errs = file_errors(
        r#"
        use std::collections::HashMap;
        use std::time::SystemTime;
        enum Period { Daily }
        impl Period { fn parse(s: &str) -> Self { Period::Daily } }
        impl std::fmt::Display for Period {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{:?}", SystemTime::now()) }
        }
        thread_local! { static LINE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) }; }
        fn next_line(item: String) -> (u32, String) { (LINE.with(|c| { c.set(c.get() + 1); c.get() }), item) }
        trait Valued { fn total(&self) -> f64; }
        impl Valued for HashMap<String, f64> { fn total(&self) -> f64 { self.values().fold(0.0, |a, v| a + v) } }
        struct Task(Box<String>);
        impl PartialEq for Task { fn eq(&self, o: &Self) -> bool { true } }
        impl Eq for Task {}
        impl PartialOrd for Task { fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> { Some(self.cmp(o)) } }
        impl Ord for Task { fn cmp(&self, o: &Self) -> std::cmp::Ordering { (&*self.0 as *const String as usize).cmp(&(&*o.0 as *const String as usize)) } }
        struct Portfolio { positions: HashMap<String, f64> }
        async fn wf(ctx: DurableContext, input: Portfolio, items: Vec<String>) -> Result<(), DurableError> {
            let period = Period::parse("daily");
            let name = format!("statement-{period}");
            let lines: Vec<(u32, String)> = items.into_iter().map(next_line).collect();
            let total = input.positions.total();
            let mut tasks: Vec<Task> = Vec::new();
            tasks.sort();
            Ok(())
        }
        "#,
    );
    for needle in [
        "Period::fmt()",
        "next_line()` → `LINE",
        "HashMap::total()",
        "Task::cmp()",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
}

accepts!(min_by_key_with_the_entry_key_is_order_free, {
    let bins: HashMap<String, u64> = load();
    let emptiest = bins
        .iter()
        .min_by_key(|(name, n)| (**n, (*name).clone()))
        .map(|(name, _)| name.clone());
    let first_key = bins.keys().max_by_key(|k| (k.len(), k.to_string()));
    ctx.step(format!("{emptiest:?}-{first_key:?}"), |_| async {
        Ok::<_, String>(())
    })
    .await?;
    Ok(())
});

rejects!(
    min_by_key_without_the_entry_key_depends_on_order,
    "bins.iter()",
    {
        let bins: HashMap<String, u64> = load();
        let emptiest = bins.iter().min_by_key(|(_, n)| **n).map(|(name, _)| name.clone());
        ctx.step(format!("{emptiest:?}"), |_| async { Ok::<_, String>(()) })
            .await?;
        Ok(())
    }
);

#[test]
fn input_deserialization_hooks_are_linted() {
    let errs = file_errors(
        r#"
        fn fresh_id() -> String { uuid::Uuid::new_v4().to_string() }
        mod clock { pub fn today() -> String { chrono::Utc::now().to_string() } }
        struct Window { from: String }
        impl Default for Window { fn default() -> Self { Window { from: std::env::var("FROM").unwrap() } } }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Filters { #[serde(default)] window: Window }
        #[derive(serde::Deserialize)]
        struct Input {
            #[serde(default = "fresh_id")] trace: String,
            #[serde(rename(deserialize = "d"), deserialize_with = "clock::today")] day: String,
            filters: Filters,
        }
        async fn wf(ctx: DurableContext, input: Input) -> Result<(), DurableError> { Ok(()) }
        "#,
    );
    for needle in ["fresh_id()", "clock::today()", "Window::default()"] {
        assert!(errs.iter().any(|e| e.contains(needle)), "{needle}: {errs:#?}");
    }
    // Hooks that do nothing nondeterministic, or on a type that is not the input: fine.
    let errs = file_errors(
        r#"
        fn zero() -> u32 { 0 }
        #[derive(serde::Deserialize)]
        struct Other { #[serde(default = "fresh")] x: String }
        fn fresh() -> String { uuid::Uuid::new_v4().to_string() }
        #[derive(serde::Deserialize)]
        struct Input { #[serde(default = "zero")] n: u32, #[serde(default)] tags: Vec<String> }
        async fn wf(ctx: DurableContext, input: Input) -> Result<(), DurableError> { Ok(()) }
        "#,
    );
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn defaults_of_wrapped_values_and_builder_chains_are_seen() {
    let errs = file_errors(
        r#"
        use std::collections::HashMap;
        struct Params { at: String }
        impl Default for Params { fn default() -> Self { Params { at: chrono::Utc::now().to_string() } } }
        struct Req { params: Option<Params>, by_name: HashMap<String, Params> }
        #[derive(Default)]
        struct JobBuilder { name: Option<String> }
        struct Job { token: String }
        impl JobBuilder {
            fn name(mut self, n: &str) -> Self { self.name = Some(n.to_owned()); self }
            fn build(self) -> Job { Job { token: std::iter::repeat_with(fastrand::alphanumeric).take(8).collect() } }
        }
        async fn wf(ctx: DurableContext, mut req: Req) -> Result<(), DurableError> {
            let p = req.params.clone().unwrap_or_default();
            let q = req.by_name.entry("a".into()).or_default();
            let job = JobBuilder::default().name("x").build();
            Ok(())
        }
        "#,
    );
    // `unwrap_or_default()` and `or_default()` both run `Params::default()`.
    assert_eq!(
        errs.iter().filter(|e| e.contains("`Params::default()`")).count(),
        2,
        "{errs:#?}"
    );
    assert!(
        errs.iter().any(|e| e.contains("JobBuilder::build()")),
        "{errs:#?}"
    );
    // Deterministic defaults, and a map as an invoke's payload (its JSON value is the same
    // whatever the key order, and a replay does not send it again): fine.
    let errs = file_errors(
        r#"
        use std::collections::BTreeMap;
        #[derive(Default)]
        struct Params { at: String }
        struct Req { params: Option<Params> }
        async fn wf(ctx: DurableContext, req: Req) -> Result<(), DurableError> {
            let p = req.params.unwrap_or_default();
            let counts: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
            let _: u32 = ctx.invoke("apply", "ledger", counts).await?;
            Ok(())
        }
        "#,
    );
    assert!(errs.is_empty(), "{errs:#?}");
}

rejects!(
    results_pushed_in_completion_order,
    "finished.lock()….push(..)",
    {
        let finished = Arc::new(Mutex::new(Vec::new()));
        let checks = input.providers.iter().map(|p| {
            let (ctx, finished) = (ctx.clone(), finished.clone());
            async move {
                let score: u32 = ctx
                    .step(format!("kyc-{p}"), |_| async { Ok::<_, String>(1) })
                    .await?;
                finished.lock().unwrap().push((p.clone(), score));
                Ok::<_, DurableError>(())
            }
        });
        join_all(checks).await;
        let first = finished.lock().unwrap().first().cloned();
    }
);

accepts!(results_returned_from_each_future_or_pushed_before_awaiting, {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let checks = input.providers.iter().map(|p| {
        let (ctx, seen) = (ctx.clone(), seen.clone());
        async move {
            seen.lock().unwrap().push(p.clone());
            let mut mine = Vec::new();
            let score: u32 = ctx
                .step(format!("kyc-{p}"), |_| async { Ok::<_, String>(1) })
                .await?;
            mine.push(score);
            Ok::<_, DurableError>(mine)
        }
    });
    let scores = join_all(checks).await;
});

#[test]
fn helpers_reexported_or_imported_inside_modules_are_followed() {
    let errs = file_errors(
        r#"
        mod grading {
            pub mod policy { pub fn curve() -> u32 { std::env::var("CURVE").map_or(0, |v| v.len() as u32) } }
            pub mod bands {
                use super::policy::curve;
                pub fn band(raw: u32) -> u32 { raw + curve() }
            }
            pub use bands::band;
        }
        use grading::band;
        async fn wf(ctx: DurableContext, raw: u32) -> Result<(), DurableError> {
            let b = band(raw);
            Ok(())
        }
        "#,
    );
    assert!(errs.iter().any(|e| e.contains("std::env::var")), "{errs:#?}");
}

#[test]
fn iterator_impls_aliased_types_and_async_helpers_joined_are_followed() {
    let errs = file_errors(
        r#"
        use std::sync::{Arc, Mutex};
        struct Days { at: u64 }
        impl Iterator for Days {
            type Item = u64;
            fn next(&mut self) -> Option<u64> { Some(chrono::Utc::now().timestamp() as u64 + self.at) }
        }
        struct Sampler<const N: usize>;
        impl<const N: usize> Sampler<N> { fn draw(n: usize) -> usize { fastrand::usize(..n) } }
        type Three = Sampler<3>;
        async fn tracked(log: Arc<Mutex<Vec<u32>>>, n: u32, fut: impl std::future::Future<Output = u32>) -> u32 {
            let out = fut.await;
            log.lock().unwrap().push(n);
            out
        }
        async fn wf(ctx: DurableContext, n: usize) -> Result<(), DurableError> {
            for d in (Days { at: 0 }).take(2) {}
            let picked = Three::draw(n);
            let log = Arc::new(Mutex::new(Vec::new()));
            let (a, b) = tokio::join!(tracked(log.clone(), 1, async { 1 }), tracked(log.clone(), 2, async { 2 }));
            Ok(())
        }
        "#,
    );
    for needle in [
        "Days::next()",
        "Sampler::draw()",
        "`tracked()` → `log.lock()….push(..)`",
    ] {
        assert!(errs.iter().any(|e| e.contains(needle)), "{needle}: {errs:#?}");
    }
    // The same helper awaited one call after another appends in program order: fine.
    let errs = file_errors(
        r#"
        use std::sync::{Arc, Mutex};
        async fn tracked(log: Arc<Mutex<Vec<u32>>>, n: u32) -> u32 { let x = async { n }.await; log.lock().unwrap().push(x); x }
        async fn wf(ctx: DurableContext, n: usize) -> Result<(), DurableError> {
            let log = Arc::new(Mutex::new(Vec::new()));
            tracked(log.clone(), 1).await;
            tracked(log.clone(), 2).await;
            Ok(())
        }
        "#,
    );
    assert!(errs.is_empty(), "{errs:#?}");
}

rejects!(float_sum_in_hash_order, "totals.values()", {
    let totals: HashMap<String, f64> = load();
    let gross: f64 = totals.values().sum();
    ctx.step(format!("book-{gross}"), |_| async { Ok::<_, String>(()) })
        .await?;
});

accepts!(integer_sum_in_hash_order, {
    let totals: HashMap<String, u64> = load();
    let gross: u64 = totals.values().sum();
    ctx.step(format!("book-{gross}"), |_| async { Ok::<_, String>(()) })
        .await?;
});

#[test]
fn loops_over_a_fixed_hasher_alias_get_the_clippy_allow() {
    let text = r#"
        use std::collections::HashMap;
        type FixedMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;
        async fn wf(ctx: DurableContext, n: u32) -> Result<(), DurableError> {
            let totals: FixedMap<String, u32> = FixedMap::default();
            for (k, v) in &totals {
                ctx.step(format!("p-{k}"), |_| async { Ok::<_, String>(()) }).await?;
            }
            Ok(())
        }
    "#;
    let (errs, f) = lint_file(text);
    assert!(errs.is_empty(), "{errs:#?}");
    let out = quote::quote!(#f).to_string();
    assert!(out.contains("iter_over_hash_type"), "{out}");
}

#[test]
fn from_str_ordered_keys_context_extensions_and_serialized_structs_are_followed() {
    let errs = file_errors(
        r#"
        use std::collections::{BTreeMap, HashMap};
        struct Window(u64);
        impl std::str::FromStr for Window {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> { Ok(Window(chrono::Local::now().timestamp() as u64)) }
        }
        struct Ring(u64);
        impl Ord for Ring { fn cmp(&self, o: &Self) -> std::cmp::Ordering { fastrand::u8(..).cmp(&0) } }
        trait Hours { fn until_open(&self) -> u64; }
        impl Hours for DurableContext { fn until_open(&self) -> u64 { std::time::SystemTime::now().elapsed().unwrap().as_secs() } }
        #[derive(serde::Serialize)]
        struct Spec { name: String, facets: HashMap<String, u32> }
        async fn wf(ctx: DurableContext, spec: Spec) -> Result<(), DurableError> {
            let w: Window = "tonight".parse().map_err(|e: String| DurableError::failure("Bad", e))?;
            let v = "9".parse::<Window>();
            let shards: BTreeMap<Ring, u32> = BTreeMap::new();
            let wait = ctx.until_open();
            let key = serde_json::to_string(&spec).unwrap();
            Ok(())
        }
        "#,
    );
    let count = |needle: &str| errs.iter().filter(|e| e.contains(needle)).count();
    assert_eq!(count("Window::from_str()"), 2, "{errs:#?}");
    for needle in ["Ring::cmp()", "DurableContext::until_open()", "(field `facets`)"] {
        assert!(count(needle) > 0, "{needle}: {errs:#?}");
    }
}

#[test]
fn constant_thread_locals_are_not_state_but_their_initializers_are_linted() {
    let errs = file_errors(
        r#"
        thread_local! {
            static LIMIT: u32 = const { 500 };
            static STARTED: u64 = std::process::id() as u64;
            static SEEN: std::cell::RefCell<Vec<u32>> = std::cell::RefCell::new(Vec::new());
        }
        async fn wf(ctx: DurableContext, n: u32) -> Result<(), DurableError> {
            let limit = LIMIT.with(|l| *l);
            let started = STARTED.with(|s| *s);
            let seen = SEEN.with(|s| s.borrow().len());
            Ok(())
        }
        "#,
    );
    assert!(!errs.iter().any(|e| e.contains("LIMIT")), "{errs:#?}");
    assert!(
        errs.iter()
            .any(|e| e.contains("STARTED") && e.contains("process::id")),
        "{errs:#?}"
    );
    assert!(errs.iter().any(|e| e.contains("SEEN.with()")), "{errs:#?}");
}

#[test]
fn operator_impls_into_and_retain_are_followed() {
    let errs = file_errors(
        r#"
        use std::collections::HashMap;
        use std::ops::{Add, Deref, Index};
        use std::time::{Duration, SystemTime};
        #[derive(Clone, Copy)]
        struct FromNow;
        impl Add<Duration> for FromNow { type Output = SystemTime; fn add(self, d: Duration) -> SystemTime { SystemTime::now() + d } }
        struct Epoch;
        impl Deref for Epoch { type Target = u64; fn deref(&self) -> &u64 { Box::leak(Box::new(fastrand::u64(..))) } }
        enum Health { Live }
        struct Lease { until: u64 }
        impl PartialEq<Health> for Lease { fn eq(&self, _: &Health) -> bool { std::env::var("X").is_ok() } }
        struct Pool { n: Vec<u32> }
        struct Next;
        static CURSOR: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        impl Index<Next> for Pool { type Output = u32; fn index(&self, _: Next) -> &u32 { &self.n[CURSOR.fetch_add(1, std::sync::atomic::Ordering::Relaxed)] } }
        struct Key(String);
        impl From<Option<String>> for Key { fn from(o: Option<String>) -> Self { Key(o.unwrap_or_else(|| uuid::Uuid::new_v4().to_string())) } }
        fn name(k: impl Into<Key>) -> String { k.into().0 }
        struct Table { sessions: HashMap<String, u32> }
        async fn wf(ctx: DurableContext, t: Table, lease: Lease, pool: Pool) -> Result<(), DurableError> {
            let due = FromNow + Duration::from_secs(5);
            let e = *Epoch;
            let stale = lease == Health::Live;
            let w = pool[Next];
            let n = name(None::<String>);
            let mut t = t;
            let mut sessions = std::mem::take(&mut t.sessions);
            let mut evicted = Vec::new();
            sessions.retain(|id, ttl| { if *ttl == 0 { evicted.push(id.clone()); false } else { true } });
            Ok(())
        }
        "#,
    );
    for needle in [
        "FromNow::add()",
        "Epoch::deref()",
        "Lease::eq()",
        "Pool::index()",
        "From<Option>::from()",
        "sessions.retain()",
    ] {
        assert!(errs.iter().any(|e| e.contains(needle)), "{needle}: {errs:#?}");
    }
    // Pure operator impls, and a retain that only filters: fine.
    let errs = file_errors(
        r#"
        use std::collections::HashMap;
        use std::ops::Add;
        #[derive(Clone, Copy)]
        struct Cents(u64);
        impl Add for Cents { type Output = Cents; fn add(self, o: Cents) -> Cents { Cents(self.0 + o.0) } }
        async fn wf(ctx: DurableContext, n: u64) -> Result<(), DurableError> {
            let total = Cents(n) + Cents(1);
            let mut m: HashMap<String, u32> = HashMap::new();
            m.retain(|_, v| *v > 0);
            Ok(())
        }
        "#,
    );
    assert!(errs.is_empty(), "{errs:#?}");
}
