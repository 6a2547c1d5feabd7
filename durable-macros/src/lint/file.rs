//! What the macro can read of the file its workflow is in: `use` items (so file-level imports
//! and `use .. as` aliases resolve), helper fns and inherent/trait methods (linted where the
//! workflow body calls them), the types of statics (interior mutability) and of struct fields
//! (a `HashMap` field), `macro_rules!`, and string constants (operation names the generated
//! docs show). Only the workflow's own file is read: rustc
//! re-expands the macro whenever that file changes, so what the lint saw is never stale.
//! Outside a compiler (rust-analyzer may not say where a span comes from) the lint falls
//! back to the function's own tokens.

use std::collections::HashMap;
use std::rc::Rc;

/// The items of the module that holds the workflow, and of the inline modules inside it.
#[derive(Default)]
pub(crate) struct FileContext {
    pub(crate) uses: Vec<syn::ItemUse>,
    /// Free fns, by path from the workflow's module (`helper`, `metrics::next_run`).
    pub(crate) fns: HashMap<Vec<String>, Rc<syn::ItemFn>>,
    /// Methods of `impl Type` and `impl Trait for Type` blocks: (type, method) → fn.
    pub(crate) methods: HashMap<(String, String), Rc<syn::ImplItemFn>>,
    /// Statics (also those declared in `thread_local!`), by name: whether interior mutable.
    pub(crate) statics: HashMap<String, bool>,
    /// Struct fields: (struct, field) → type.
    pub(crate) fields: HashMap<(String, String), syn::Type>,
    /// Other item names of the module (structs, enums, consts, mods, traits, types).
    pub(crate) items: Vec<String>,
    pub(crate) macros: HashMap<String, proc_macro2::TokenStream>,
    /// `impl From<Source> for Target`: source type → the `from` fns.
    pub(crate) from_impls: HashMap<String, Vec<Rc<syn::ImplItemFn>>>,
    /// Fns marked `#[step]`: called to build a step, never run in the body.
    pub(crate) step_fns: std::collections::HashSet<Vec<String>>,
    /// Constants, by path from the workflow's module.
    pub(crate) consts: HashMap<Vec<String>, FileConst>,
    /// Initializers of statics that are not interior mutable (`Lazy::new(|| ..)`), by name.
    pub(crate) static_inits: HashMap<String, syn::Expr>,
    /// `type` aliases: name → aliased type.
    pub(crate) type_aliases: HashMap<String, syn::Type>,
    /// Structs and enums that derive `Default` (theirs runs each field's `Default`).
    pub(crate) derives_default: std::collections::HashSet<String>,
    /// What deserializing a struct runs besides parsing: its `#[serde(default ..)]`,
    /// `deserialize_with` and `with` hooks, by struct. The workflow input is deserialized on
    /// every invocation, so these run on every replay.
    pub(crate) serde_hooks: HashMap<String, Vec<SerdeHook>>,
    /// Methods of trait impls with a type argument, by (that argument, method):
    /// `impl PartialEq<Health> for Lease` → (`Health`, `eq`) → `Lease::eq`.
    pub(crate) trait_arg_methods: HashMap<(String, String), Vec<ImplOf>>,
    /// Fns imported into the file's modules: the path used → the path imported.
    fn_aliases: HashMap<Vec<String>, Vec<String>>,
    /// Item macros expanded so far (a bound: a macro may invoke itself).
    expansions: usize,
}

/// Code serde runs while deserializing a struct.
#[derive(Clone, Debug)]
pub(crate) enum SerdeHook {
    /// `#[serde(default)]` on a field (its type's `Default`) or on the struct (its own).
    DefaultOf(String),
    /// `#[serde(default = "path")]`, `deserialize_with = "path"`, `with = "module"`: a fn.
    Fn(Vec<String>),
}

/// The `use` items of the file and of its inline modules: (module path + imported name, the
/// path it names from the file's root).
fn collect_module_uses(
    items: &[syn::Item],
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Vec<String>)>,
) {
    for item in items {
        match item {
            syn::Item::Use(u) => use_leaves(&u.tree, Vec::new(), prefix, out),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    prefix.push(m.ident.to_string());
                    collect_module_uses(inner, prefix, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }
}

fn use_leaves(
    tree: &syn::UseTree,
    mut path: Vec<String>,
    module: &[String],
    out: &mut Vec<(Vec<String>, Vec<String>)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            path.push(p.ident.to_string());
            use_leaves(&p.tree, path, module, out);
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_leaves(t, path.clone(), module, out);
            }
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            path.push(name.clone());
            out.push((with(module, &name), from_root(module, &path)));
        }
        syn::UseTree::Rename(r) => {
            path.push(r.ident.to_string());
            out.push((with(module, &r.rename.to_string()), from_root(module, &path)));
        }
        syn::UseTree::Glob(_) => {}
    }
}

fn with(module: &[String], name: &str) -> Vec<String> {
    let mut p = module.to_vec();
    p.push(name.to_owned());
    p
}

/// A `use` path written in `module`, from the file's root: `self::`, `super::` and `crate::`
/// as Rust reads them; any other path starts in the module (a child module's name).
fn from_root(module: &[String], path: &[String]) -> Vec<String> {
    let mut base = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        _ => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
    }
    base.extend(rest.iter().cloned());
    base
}

/// The serde hooks among `attrs` of a field (of type `ty`) or a struct (named `ty`).
fn serde_hooks(attrs: &[syn::Attribute], ty: Option<String>) -> Vec<SerdeHook> {
    let mut hooks = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let value = meta.value()?;
                let hook = matches!(key.as_str(), "default" | "deserialize_with" | "with");
                if let (
                    true,
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(path),
                        ..
                    }),
                ) = (hook, value.parse::<syn::Expr>()?)
                {
                    let mut segs: Vec<String> = path.value().split("::").map(str::to_owned).collect();
                    if key == "with" {
                        segs.push("deserialize".to_owned());
                    }
                    hooks.push(SerdeHook::Fn(segs));
                }
            } else if key == "default" {
                hooks.extend(ty.clone().map(SerdeHook::DefaultOf));
            } else if meta.input.peek(syn::token::Paren) {
                // `rename_all(serialize = ..)` and the like: not hooks.
                let content;
                syn::parenthesized!(content in meta.input);
                content.parse::<proc_macro2::TokenStream>()?;
            }
            Ok(())
        });
    }
    hooks
}

/// A method and the type whose impl declares it.
pub(crate) type ImplOf = (String, Rc<syn::ImplItemFn>);

/// A `const` of the file.
pub(crate) struct FileConst {
    /// Its value when it is a string literal.
    pub(crate) value: Option<String>,
    /// Whether it is `pub`.
    pub(crate) public: bool,
}

impl FileContext {
    /// The context for the workflow fn `workflow` in a file's text (the module that declares it).
    pub(crate) fn from_text(text: &str, workflow: &str) -> Option<FileContext> {
        let file = syn::parse_file(text).ok()?;
        // Not found (an editor buffer not yet saved, a workflow generated by another macro):
        // what the file says is not what is being compiled, so the lint does without it.
        let items = find_module(&file.items, workflow)?;
        let mut cx = FileContext::default();
        let mut module_uses: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        cx.collect(items, &mut Vec::new());
        collect_module_uses(items, &mut Vec::new(), &mut module_uses);
        cx.link_module_uses(&module_uses);
        Some(cx)
    }

    /// Reads the file the macro was invoked in.
    pub(crate) fn of_invocation(workflow: &str) -> Option<Rc<FileContext>> {
        if !proc_macro::is_available() {
            return None;
        }
        let path = proc_macro::Span::call_site().local_file()?;
        // Read anew on every call: the parsed items hold compiler tokens, which must not
        // outlive the macro call that made them.
        let text = std::fs::read_to_string(path).ok()?;
        FileContext::from_text(&text, workflow).map(Rc::new)
    }

    /// A fn imported into a module (`use super::policy::rate;`, `pub use bands::band;`) is
    /// also that module's fn: helpers in the module call it by its bare name, and a re-export
    /// makes it reachable by the shorter path.
    fn link_module_uses(&mut self, module_uses: &[(Vec<String>, Vec<String>)]) {
        for (alias, target) in module_uses {
            if !self.fns.contains_key(alias) {
                self.fn_aliases.insert(alias.clone(), target.clone());
            }
        }
    }

    /// The path the file declares the fn at `segs` under, following imports and re-exports.
    pub(crate) fn canonical_fn(&self, segs: &[String]) -> Option<Vec<String>> {
        let mut path = segs.to_vec();
        for _ in 0..4 {
            if self.fns.contains_key(&path) {
                return Some(path);
            }
            path = self.fn_aliases.get(&path)?.clone();
        }
        None
    }

    fn collect(&mut self, items: &[syn::Item], prefix: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Use(u) if prefix.is_empty() => self.uses.push(u.clone()),
                syn::Item::Fn(f) => {
                    let mut path = prefix.clone();
                    path.push(f.sig.ident.to_string());
                    if f.attrs
                        .iter()
                        .any(|a| a.path().segments.last().is_some_and(|s| s.ident == "step"))
                    {
                        self.step_fns.insert(path.clone());
                    }
                    self.fns.insert(path, Rc::new(f.clone()));
                    if prefix.is_empty() {
                        self.items.push(f.sig.ident.to_string());
                    }
                }
                syn::Item::Impl(imp) => {
                    let Some(ty) = super::type_last_ident(&imp.self_ty) else {
                        continue;
                    };
                    let from_source = imp.trait_.as_ref().and_then(|(_, path, _)| {
                        let last = path.segments.last()?;
                        if last.ident != "From" {
                            return None;
                        }
                        match &last.arguments {
                            syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                                syn::GenericArgument::Type(t) => super::type_last_ident(t),
                                _ => None,
                            },
                            _ => None,
                        }
                    });
                    // `impl PartialEq<Health> for Lease`, `impl Add<Duration> for FromNow`: the
                    // trait's type argument, so `lease == Health::Expired` finds `Lease::eq`.
                    let trait_arg =
                        imp.trait_
                            .as_ref()
                            .and_then(|(_, path, _)| match &path.segments.last()?.arguments {
                                syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                                    syn::GenericArgument::Type(t) => super::type_last_ident(t),
                                    _ => None,
                                },
                                _ => None,
                            });
                    for it in &imp.items {
                        if let syn::ImplItem::Fn(f) = it {
                            let f = Rc::new(f.clone());
                            if let Some(source) = &from_source {
                                self.from_impls.entry(source.clone()).or_default().push(f.clone());
                            }
                            if let Some(arg) = trait_arg.as_ref().filter(|a| **a != ty) {
                                self.trait_arg_methods
                                    .entry((arg.clone(), f.sig.ident.to_string()))
                                    .or_default()
                                    .push((ty.clone(), f.clone()));
                            }
                            self.methods.insert((ty.clone(), f.sig.ident.to_string()), f);
                        }
                    }
                }
                syn::Item::Const(c) => {
                    if prefix.is_empty() {
                        self.items.push(c.ident.to_string());
                    }
                    let mut path = prefix.clone();
                    path.push(c.ident.to_string());
                    let value = match &*c.expr {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some(s.value()),
                        _ => None,
                    };
                    let public = matches!(c.vis, syn::Visibility::Public(_));
                    self.consts.insert(path, FileConst { value, public });
                }
                syn::Item::Static(s) => {
                    let interior =
                        interior_mutable(&s.ty) || matches!(s.mutability, syn::StaticMutability::Mut(_));
                    self.statics.insert(s.ident.to_string(), interior);
                    if !interior {
                        self.static_inits.insert(s.ident.to_string(), (*s.expr).clone());
                    }
                }
                syn::Item::Struct(s) => {
                    if prefix.is_empty() {
                        self.items.push(s.ident.to_string());
                    }
                    if derives(&s.attrs, "Default") {
                        self.derives_default.insert(s.ident.to_string());
                    }
                    let mut hooks = serde_hooks(&s.attrs, Some(s.ident.to_string()));
                    for field in &s.fields {
                        hooks.extend(serde_hooks(&field.attrs, super::type_last_ident(&field.ty)));
                    }
                    if !hooks.is_empty() {
                        self.serde_hooks.insert(s.ident.to_string(), hooks);
                    }
                    for field in &s.fields {
                        if let Some(name) = &field.ident {
                            self.fields
                                .insert((s.ident.to_string(), name.to_string()), field.ty.clone());
                        }
                    }
                }
                syn::Item::Mod(m) => {
                    if prefix.is_empty() {
                        self.items.push(m.ident.to_string());
                    }
                    if let Some((_, inner)) = &m.content {
                        prefix.push(m.ident.to_string());
                        self.collect(inner, prefix);
                        prefix.pop();
                    }
                }
                syn::Item::Macro(m) => {
                    let name = m
                        .mac
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default();
                    if name == "macro_rules" {
                        if let Some(ident) = &m.ident {
                            self.macros.insert(ident.to_string(), m.mac.tokens.clone());
                        }
                    } else if name == "thread_local" {
                        // `static NAME: Type = ..;` declarations: per-thread state, unless the
                        // type cannot change (`static LIMIT: u32 = const { 500 };` is a constant).
                        for (name, ty, init) in thread_local_decls(&m.mac.tokens) {
                            let constant = ty.as_ref().is_some_and(|t| !interior_mutable(t));
                            self.statics.insert(name.clone(), !constant);
                            // Its initializer runs once per thread: what it reads is linted.
                            if let (true, Some(init)) = (constant, init) {
                                self.static_inits.insert(name, init);
                            }
                        }
                    } else if name == "lazy_static" {
                        for name in thread_local_names(&m.mac.tokens) {
                            self.statics.insert(name, false);
                        }
                    } else if let Some(definition) = self.macros.get(&name).cloned() {
                        // A `macro_rules!` of the file invoked as an item: what it generates
                        // (helper fns, statics, impls) is part of the file.
                        let expanded = super::rules_expand::expand(&definition, &m.mac.tokens)
                            .and_then(|tokens| syn::parse2::<syn::File>(tokens).ok());
                        if let (Some(generated), true) = (expanded, self.expansions < 64) {
                            self.expansions += 1;
                            self.collect(&generated.items, prefix);
                        }
                    }
                }
                syn::Item::Type(t) => {
                    if prefix.is_empty() {
                        self.items.push(t.ident.to_string());
                    }
                    self.type_aliases.insert(t.ident.to_string(), (*t.ty).clone());
                }
                syn::Item::Trait(t) => {
                    if prefix.is_empty() {
                        self.items.push(t.ident.to_string());
                    }
                    // Default methods: what an impl that does not override them runs.
                    for it in &t.items {
                        if let syn::TraitItem::Fn(f) = it {
                            if let Some(block) = &f.default {
                                let method = syn::ImplItemFn {
                                    attrs: f.attrs.clone(),
                                    vis: syn::Visibility::Inherited,
                                    defaultness: None,
                                    sig: f.sig.clone(),
                                    block: block.clone(),
                                };
                                self.methods
                                    .insert((t.ident.to_string(), f.sig.ident.to_string()), Rc::new(method));
                            }
                        }
                    }
                }
                other if prefix.is_empty() => {
                    if let Some(ident) = item_ident(other) {
                        self.items.push(ident.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    /// The names this file gives hash collections: `use std::collections::HashMap as Map;`
    /// and `type Index<K, V> = HashMap<K, V>;` (also aliases of aliases), not those with a
    /// fixed hasher; and the hash collection names that are the file's own types (a
    /// `struct HashMap` of its own, or one imported from one of its modules).
    pub(crate) fn hash_aliases(
        &self,
    ) -> (
        std::collections::HashSet<String>,
        std::collections::HashSet<String>,
    ) {
        fn walk(
            tree: &syn::UseTree,
            root: Option<&str>,
            own_root: &dyn Fn(&str) -> bool,
            aliases: &mut std::collections::HashSet<String>,
            own: &mut std::collections::HashSet<String>,
        ) {
            match tree {
                syn::UseTree::Path(p) => {
                    let first = p.ident.to_string();
                    walk(&p.tree, Some(root.unwrap_or(&first)), own_root, aliases, own);
                }
                syn::UseTree::Name(n)
                    if super::rules::is_hash_collection(&n.ident.to_string())
                        && root.is_some_and(own_root) =>
                {
                    own.insert(n.ident.to_string());
                }
                syn::UseTree::Rename(r)
                    if super::rules::is_hash_collection(&r.ident.to_string())
                        && !root.is_some_and(own_root) =>
                {
                    aliases.insert(r.rename.to_string());
                }
                syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, root, own_root, aliases, own)),
                _ => {}
            }
        }
        let own_root =
            |root: &str| matches!(root, "crate" | "self" | "super") || self.items.iter().any(|i| i == root);
        let mut aliases = std::collections::HashSet::new();
        let mut own: std::collections::HashSet<String> = self
            .items
            .iter()
            .filter(|i| super::rules::is_hash_collection(i))
            .cloned()
            .collect();
        for u in &self.uses {
            walk(&u.tree, None, &own_root, &mut aliases, &mut own);
        }
        super::names::set_hash_aliases(aliases.clone(), own.clone());
        loop {
            let found: Vec<String> = self
                .type_aliases
                .iter()
                .filter(|(name, ty)| !aliases.contains(*name) && super::names::type_is_hash(ty))
                .map(|(name, _)| name.clone())
                .collect();
            if found.is_empty() {
                return (aliases, own);
            }
            aliases.extend(found);
            super::names::set_hash_aliases(aliases.clone(), own.clone());
        }
    }

    /// The methods named `method` across the file's impls.
    pub(crate) fn methods_named(&self, method: &str) -> Vec<(&str, &Rc<syn::ImplItemFn>)> {
        self.methods
            .iter()
            .filter(|((_, m), _)| m == method)
            .map(|((t, _), f)| (t.as_str(), f))
            .collect()
    }
}

/// Whether `#[derive(..)]` among `attrs` names `trait_name`.
fn derives(attrs: &[syn::Attribute], trait_name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == trait_name))
                })
    })
}

/// The name a type-like or constant item declares (fns, statics, macros and uses are
/// handled on their own by both walks).
pub(crate) fn item_ident(item: &syn::Item) -> Option<&syn::Ident> {
    match item {
        syn::Item::Const(c) => Some(&c.ident),
        syn::Item::Mod(m) => Some(&m.ident),
        syn::Item::Struct(s) => Some(&s.ident),
        syn::Item::Enum(e) => Some(&e.ident),
        syn::Item::Trait(t) => Some(&t.ident),
        syn::Item::Type(t) => Some(&t.ident),
        syn::Item::Union(u) => Some(&u.ident),
        _ => None,
    }
}

/// The item list of the (innermost) module that declares the fn `workflow`.
fn find_module<'a>(items: &'a [syn::Item], workflow: &str) -> Option<&'a [syn::Item]> {
    for item in items {
        match item {
            syn::Item::Fn(f) if f.sig.ident == workflow => return Some(items),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    if let Some(found) = find_module(inner, workflow) {
                        return Some(found);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a type holds state mutable through a shared reference, at any depth
/// (`Lazy<Mutex<..>>`, `OnceLock<RwLock<..>>`, `AtomicU64`).
pub(crate) fn interior_mutable(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_path_segment(&mut self, seg: &'ast syn::PathSegment) {
            if super::rules::is_interior_mutable(&seg.ident.to_string()) {
                self.0 = true;
            }
            syn::visit::visit_path_segment(self, seg);
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// `static NAME: Type = init;` declarations inside `thread_local!`: names, types, initializers.
fn thread_local_decls(
    tokens: &proc_macro2::TokenStream,
) -> Vec<(String, Option<syn::Type>, Option<syn::Expr>)> {
    use proc_macro2::{TokenStream, TokenTree};
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut decls = Vec::new();
    for (i, tt) in tokens.iter().enumerate() {
        let (TokenTree::Ident(id), Some(TokenTree::Ident(name))) = (tt, tokens.get(i + 1)) else {
            continue;
        };
        if id != "static" {
            continue;
        }
        // The type: after `:`, up to the `=` (generic arguments are not groups: `<` and `>`
        // are punctuation, but a type never contains a bare `=`).
        let is = |t: &TokenTree, c: char| matches!(t, TokenTree::Punct(p) if p.as_char() == c);
        let ty: TokenStream = tokens
            .iter()
            .skip(i + 3)
            .take_while(|t| !is(t, '='))
            .cloned()
            .collect();
        let init: TokenStream = tokens
            .iter()
            .skip(i + 3)
            .skip_while(|t| !is(t, '='))
            .skip(1)
            .take_while(|t| !is(t, ';'))
            .cloned()
            .collect();
        decls.push((
            name.to_string(),
            syn::parse2::<syn::Type>(ty).ok(),
            syn::parse2::<syn::Expr>(init).ok(),
        ));
    }
    decls
}

/// `static NAME: Type = ..;` names inside `thread_local!` / `lazy_static!`.
fn thread_local_names(tokens: &proc_macro2::TokenStream) -> Vec<String> {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut names = Vec::new();
    for (i, tt) in tokens.iter().enumerate() {
        if let TokenTree::Ident(id) = tt {
            if id == "static" {
                let mut j = i + 1;
                if matches!(tokens.get(j), Some(TokenTree::Ident(r)) if r == "ref") {
                    j += 1;
                }
                if let Some(TokenTree::Ident(name)) = tokens.get(j) {
                    names.push(name.to_string());
                }
            }
        }
    }
    names
}
