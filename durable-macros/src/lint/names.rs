//! Name resolution as far as the function's own tokens allow: parameters and `let` bindings
//! shadow, items declared in a block are visible in all of it, and `use` items inside the
//! body (with `as` aliases and globs) are followed to the path they name.

use super::rules;
use std::collections::HashMap;
use syn::{Pat, Type};

/// What a local value is known to be, from its type annotation or initializer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ValueFacts {
    /// The last identifier of its type, when known (`Order` for `order: Order`).
    pub(crate) ty: Option<std::rc::Rc<str>>,
    /// A `HashMap`/`HashSet` (random iteration order).
    pub(crate) hash: bool,
    /// An RNG seeded from a value (deterministic).
    pub(crate) seeded_rng: bool,
    /// A `DurableContext` (or a clone of one).
    pub(crate) ctx: bool,
}

/// What a name is bound to.
#[derive(Clone, Debug)]
pub(crate) enum Binding {
    /// A local value: parameter, `let`, pattern binding, closure parameter.
    Value(ValueFacts),
    /// An item declared in the body (fn, mod, struct, const, static, macro).
    Item { interior_mutable: bool },
    /// A `use` item: the full path it names.
    Use(Vec<String>),
}

/// How a written path resolves.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// To a path from a crate root (after following `use` items).
    Rooted(Vec<String>),
    /// Its first segment is not bound in the function and is not a crate root: it comes from
    /// an import outside the function (or the prelude).
    Floating(Vec<String>),
    /// To something declared in the function (or `crate::`/`self::`/`super::`).
    Local,
}

#[derive(Default)]
struct Frame {
    names: HashMap<String, Binding>,
    /// Modules imported with `use path::*`.
    globs: Vec<Vec<String>>,
}

/// The scopes in force at a point of the body, innermost last.
pub(crate) struct Names {
    frames: Vec<Frame>,
}

impl Names {
    pub(crate) fn new() -> Self {
        Names {
            frames: vec![Frame::default()],
        }
    }

    pub(crate) fn push(&mut self) {
        self.frames.push(Frame::default());
    }

    pub(crate) fn pop(&mut self) {
        if self.frames.len() > 1 {
            self.frames.pop();
        }
    }

    pub(crate) fn bind(&mut self, name: String, binding: Binding) {
        if let Some(frame) = self.frames.last_mut() {
            frame.names.insert(name, binding);
        }
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<&Binding> {
        self.frames.iter().rev().find_map(|f| f.names.get(name))
    }

    /// Facts about a local value named `name` (none when it is not a local value).
    pub(crate) fn value(&self, name: &str) -> Option<ValueFacts> {
        match self.lookup(name) {
            Some(Binding::Value(facts)) => Some(facts.clone()),
            _ => None,
        }
    }

    /// Binds every name a pattern introduces, with `facts` for a plain identifier pattern.
    pub(crate) fn bind_pat(&mut self, pat: &Pat, facts: ValueFacts) {
        match pat {
            Pat::Ident(pi) => {
                self.bind(pi.ident.to_string(), Binding::Value(facts));
                if let Some((_, sub)) = &pi.subpat {
                    self.bind_pat(sub, ValueFacts::default());
                }
            }
            Pat::Type(pt) => {
                let mut facts = facts;
                // A written hash type decides (a fixed hasher makes the order deterministic,
                // whatever the constructor); `_` and other types keep what the value said.
                if names_hash_type(&pt.ty) {
                    facts.hash = type_is_hash(&pt.ty);
                } else {
                    facts.hash |= type_is_hash(&pt.ty);
                }
                if facts.ty.is_none() {
                    facts.ty = super::type_last_ident(&pt.ty).map(Into::into);
                }
                facts.ctx |= super::type_last_ident(&pt.ty).is_some_and(|t| t == "DurableContext");
                self.bind_pat(&pt.pat, facts);
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, facts),
            Pat::Paren(p) => self.bind_pat(&p.pat, facts),
            Pat::Wild(_) => {}
            Pat::Tuple(t) => t
                .elems
                .iter()
                .for_each(|p| self.bind_pat(p, ValueFacts::default())),
            Pat::TupleStruct(t) => t
                .elems
                .iter()
                .for_each(|p| self.bind_pat(p, ValueFacts::default())),
            Pat::Slice(s) => s
                .elems
                .iter()
                .for_each(|p| self.bind_pat(p, ValueFacts::default())),
            Pat::Struct(s) => s
                .fields
                .iter()
                .for_each(|f| self.bind_pat(&f.pat, ValueFacts::default())),
            Pat::Or(o) => o
                .cases
                .iter()
                .for_each(|p| self.bind_pat(p, ValueFacts::default())),
            _ => {}
        }
    }

    /// Records a `use` item: each name it brings in, or a glob.
    pub(crate) fn bind_use(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.bind_use(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        let full = self.expand_use(prefix);
                        self.bind(last, full);
                    }
                } else {
                    prefix.push(name.clone());
                    let full = self.expand_use(prefix);
                    prefix.pop();
                    self.bind(name, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let full = if r.ident == "self" {
                    self.expand_use(prefix)
                } else {
                    prefix.push(r.ident.to_string());
                    let full = self.expand_use(prefix);
                    prefix.pop();
                    full
                };
                if rules::is_hash_collection(&r.ident.to_string()) {
                    add_hash_alias(r.rename.to_string());
                }
                self.bind(r.rename.to_string(), full);
            }
            syn::UseTree::Glob(_) => {
                if let Binding::Use(full) = self.expand_use(prefix) {
                    if let Some(frame) = self.frames.last_mut() {
                        frame.globs.push(full);
                    }
                }
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.bind_use(t, prefix)),
        }
    }

    /// A `use` path as a binding: rooted paths are kept, `crate::`/`self::`/`super::` are the
    /// user's own items, and a first segment bound by an earlier `use` is followed.
    fn expand_use(&self, path: &[String]) -> Binding {
        match path.first().map(String::as_str) {
            Some("crate" | "self" | "super") | None => Binding::Item {
                interior_mutable: false,
            },
            Some(first) => match self.lookup(first) {
                Some(Binding::Use(full)) => {
                    let mut full = full.clone();
                    full.extend(path[1..].iter().cloned());
                    Binding::Use(full)
                }
                Some(Binding::Item { .. }) | Some(Binding::Value(_)) => Binding::Item {
                    interior_mutable: false,
                },
                None => Binding::Use(path.to_vec()),
            },
        }
    }

    /// Resolves a written path (`segments` as written, `leading_colon` for `::std::..`).
    pub(crate) fn resolve(&self, segments: &[String], leading_colon: bool) -> Resolved {
        let Some(first) = segments.first() else {
            return Resolved::Local;
        };
        if leading_colon {
            return Resolved::Rooted(segments.to_vec());
        }
        if matches!(first.as_str(), "crate" | "self" | "super" | "Self") {
            return Resolved::Local;
        }
        match self.lookup(first) {
            Some(Binding::Use(full)) => {
                let mut full = full.clone();
                full.extend(segments[1..].iter().cloned());
                return Resolved::Rooted(full);
            }
            Some(_) => return Resolved::Local,
            None => {}
        }
        if rules::is_known_root(first) {
            return Resolved::Rooted(segments.to_vec());
        }
        // A glob import inside the body (`use std::time::*;`): the name may come from it.
        for frame in self.frames.iter().rev() {
            for glob in frame.globs.iter().rev() {
                let mut full = glob.clone();
                full.extend(segments.iter().cloned());
                if rules::classify_rooted(&full).is_some() {
                    return Resolved::Rooted(full);
                }
            }
        }
        Resolved::Floating(segments.to_vec())
    }
}

std::thread_local! {
    /// Names the workflow's file or body gives hash collections (`use std::collections::HashMap
    /// as Map;`, `type Index<K, V> = HashMap<K, V>;`), for [`type_is_hash`]; set per lint.
    static HASH_ALIASES: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::default();
    /// Hash collection names that are the file's own types (`mod ordered { pub struct
    /// HashMap .. }` imported): not the standard library's.
    static OWN_HASH_NAMES: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::default();
}

/// Sets the names [`type_is_hash`] also takes for hash collections, and those it does not
/// (the file's own types), for one lint.
pub(crate) fn set_hash_aliases(
    names: std::collections::HashSet<String>,
    own: std::collections::HashSet<String>,
) {
    HASH_ALIASES.with(|a| *a.borrow_mut() = names);
    OWN_HASH_NAMES.with(|a| *a.borrow_mut() = own);
}

/// Adds one name [`type_is_hash`] takes for a hash collection (a `use .. as` in the body).
pub(crate) fn add_hash_alias(name: String) {
    HASH_ALIASES.with(|a| a.borrow_mut().insert(name));
}

/// Whether a type is a hash collection whose order is random (`HashMap<..>`, `&HashSet<..>`,
/// `std::collections::HashMap`, a name the file gives one). A map or set with a fixed hasher
/// (`HashMap<K, V, BuildHasherDefault<H>>`) iterates in the same order on every run.
pub(crate) fn type_is_hash(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => type_is_hash(&r.elem),
        Type::Paren(p) => type_is_hash(&p.elem),
        Type::Group(g) => type_is_hash(&g.elem),
        Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            is_hash_name(&name) && !fixed_hasher(&name, &s.arguments)
        }),
        _ => false,
    }
}

/// Whether a type is written as a hash collection, whatever its hasher.
fn names_hash_type(ty: &Type) -> bool {
    super::type_last_ident(ty).is_some_and(|name| is_hash_name(&name))
}

/// A hash collection's type name, or a name the file gives one.
pub(crate) fn is_hash_name(name: &str) -> bool {
    (rules::is_hash_collection(name) && !OWN_HASH_NAMES.with(|o| o.borrow().contains(name)))
        || HASH_ALIASES.with(|a| a.borrow().contains(name))
}

/// `HashMap<K, V, S>` / `HashSet<T, S>` with a hasher `S` that is not seeded per process.
fn fixed_hasher(collection: &str, args: &syn::PathArguments) -> bool {
    let syn::PathArguments::AngleBracketed(a) = args else {
        return false;
    };
    let hasher_at = match collection {
        "HashMap" | "DashMap" | "AHashMap" => 2,
        "HashSet" | "DashSet" | "AHashSet" => 1,
        _ => return false,
    };
    let types: Vec<&Type> = a
        .args
        .iter()
        .filter_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    types
        .get(hasher_at)
        .and_then(|t| super::type_last_ident(t))
        .is_some_and(|h| rules::is_fixed_hasher(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        path.split("::").map(str::to_owned).collect()
    }

    #[test]
    fn uses_and_aliases_are_followed() {
        let mut names = Names::new();
        let item: syn::ItemUse = syn::parse_quote!(
            use std::time::{SystemTime as Clock, Instant};
        );
        names.bind_use(&item.tree, &mut Vec::new());
        let item: syn::ItemUse = syn::parse_quote!(
            use std::fs;
        );
        names.bind_use(&item.tree, &mut Vec::new());
        assert_eq!(
            names.resolve(&segs("Clock::now"), false),
            Resolved::Rooted(segs("std::time::SystemTime::now"))
        );
        assert_eq!(
            names.resolve(&segs("fs::read"), false),
            Resolved::Rooted(segs("std::fs::read"))
        );
        assert_eq!(
            names.resolve(&segs("Instant::now"), false),
            Resolved::Rooted(segs("std::time::Instant::now"))
        );
        names.push();
        names.bind("sleep".into(), Binding::Value(ValueFacts::default()));
        assert_eq!(names.resolve(&segs("sleep"), false), Resolved::Local);
        names.pop();
        assert_eq!(
            names.resolve(&segs("sleep"), false),
            Resolved::Floating(segs("sleep"))
        );
    }
}
