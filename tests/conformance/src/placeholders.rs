//! Placeholder bindings shared by every phase of one requirement run (AWS's `variables.py`),
//! plus the few Python value semantics the official matcher relies on (`str()`, `repr()`, `==`).
//!
//! - `Variables` bind first: `NAME: literal`, or `NAME: ${GEN_STR:n}` = random `[a-z0-9]{n}`;
//!   a non-string literal is bound to its Python `str()` (`true` becomes `True`).
//! - A whole string value `${NAME}` in an expectation binds `NAME` to the actual value on its first
//!   occurrence; later occurrences must be equal ([`whole_placeholder`]).
//! - `${/re/}` is a regex search on Python's `str(actual)` ([`regex_placeholder`]).
//! - Inside any other string, known `${NAME}`s are replaced by `str(value)`; unknown ones stay.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};
use serde_yaml_ng::Value as Yaml;

/// The name → value bindings of one requirement run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceholderContext {
    bindings: BTreeMap<String, Value>,
}

impl PlaceholderContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// A context with the requirement's `Variables` bound, in order.
    pub fn from_variables(variables: &[(String, Yaml)]) -> Self {
        let mut ctx = Self::new();
        ctx.bind_variables(variables);
        ctx
    }

    /// Binds `Variables` (overwriting earlier bindings of the same names, as AWS does).
    pub fn bind_variables(&mut self, variables: &[(String, Yaml)]) {
        for (name, value) in variables {
            let bound = match value {
                Yaml::String(text) => match gen_str_len(text) {
                    Some(len) => gen_str(len),
                    None => text.clone(),
                },
                other => py_str(&yaml_to_json(other)),
            };
            self.bindings.insert(name.clone(), Value::String(bound));
        }
    }

    /// Binds `name` to `value`; rebinding to a different (Python-unequal) value is an error.
    pub fn bind(&mut self, name: &str, value: Value) -> Result<(), String> {
        match self.bindings.get(name) {
            Some(old) if !py_eq(old, &value) => Err(format!(
                "placeholder ${{{name}}} already bound to {}, cannot rebind to {}",
                py_repr(old),
                py_repr(&value)
            )),
            Some(_) => Ok(()),
            None => {
                self.bindings.insert(name.to_owned(), value);
                Ok(())
            }
        }
    }

    /// The value bound to `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.bindings.get(name)
    }

    /// Whether `name` is bound.
    pub fn has(&self, name: &str) -> bool {
        self.bindings.contains_key(name)
    }

    /// All bindings, sorted by name.
    pub fn bindings(&self) -> &BTreeMap<String, Value> {
        &self.bindings
    }

    /// Replaces every known `${NAME}` (NAME = `[A-Za-z_][A-Za-z0-9_]*`) in `text` by the Python
    /// `str()` of its value; unknown placeholders are left as they are.
    pub fn substitute_str(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let name_len = identifier_len(after);
            let bound = (name_len > 0 && after[name_len..].starts_with('}'))
                .then(|| self.bindings.get(&after[..name_len]))
                .flatten();
            match bound {
                Some(value) => {
                    out.push_str(&py_str(value));
                    rest = &after[name_len + 1..];
                }
                None => {
                    out.push_str("${");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Substitutes known placeholders in every string of a JSON value (mapping keys excluded).
    pub fn substitute_json(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.substitute_str(text)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.substitute_json(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.substitute_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Substitutes known placeholders in every string of a YAML value (mapping keys excluded),
    /// keeping the mapping order.
    pub fn substitute_yaml(&self, value: &Yaml) -> Yaml {
        match value {
            Yaml::String(text) => Yaml::String(self.substitute_str(text)),
            Yaml::Sequence(items) => Yaml::Sequence(items.iter().map(|v| self.substitute_yaml(v)).collect()),
            Yaml::Mapping(map) => Yaml::Mapping(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.substitute_yaml(v)))
                    .collect(),
            ),
            Yaml::Tagged(tagged) => self.substitute_yaml(&tagged.value),
            other => other.clone(),
        }
    }
}

/// Length of the leading `[A-Za-z_][A-Za-z0-9_]*` identifier of `text` (0 if none).
fn identifier_len(text: &str) -> usize {
    let mut len = 0;
    for (i, c) in text.char_indices() {
        let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
        if !ok {
            break;
        }
        len = i + 1;
    }
    len
}

/// `n` when `text` is exactly `${GEN_STR:n}`.
fn gen_str_len(text: &str) -> Option<usize> {
    let digits = text.strip_prefix("${GEN_STR:")?.strip_suffix('}')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A random string of `len` characters from `[a-z0-9]` (the value of `${GEN_STR:len}`).
pub fn gen_str(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

/// The placeholder name when `text` is a whole-value placeholder `${NAME}` (and not a regex
/// `${/re/}`). Like AWS's `^\$\{(.+)\}$`, NAME is everything between the first `${` and the
/// last `}`, so `${A}-${B}` is one placeholder named `A}-${B`.
pub fn whole_placeholder(text: &str) -> Option<&str> {
    if regex_placeholder(text).is_some() {
        return None;
    }
    let name = text.strip_prefix("${")?.strip_suffix('}')?;
    (!name.is_empty() && !name.contains('\n')).then_some(name)
}

/// The pattern when `text` is a regex placeholder `${/re/}`.
pub fn regex_placeholder(text: &str) -> Option<&str> {
    let pattern = text.strip_prefix("${/")?.strip_suffix("/}")?;
    (!pattern.is_empty() && !pattern.contains('\n')).then_some(pattern)
}

/// Compiles a Python-style regular expression for `re.search`-like use.
pub fn compile_regex(pattern: &str) -> Result<regex_lite::Regex, String> {
    regex_lite::Regex::new(pattern)
        .map_err(|e| format!("invalid regex pattern {}: {e}", py_repr_str(pattern)))
}

/// Converts a YAML value to JSON (keys become strings; tags are dropped; NaN/inf become null).
pub fn yaml_to_json(value: &Yaml) -> Value {
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    other => py_str(&yaml_to_json(other)),
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}

/// Python's `a == b` for JSON-decoded values: `1 == 1.0 == True`, dicts compare as sets of keys.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => match (py_number(a), py_number(b)) {
            (Some(x), Some(y)) => x.eq(y),
            _ => false,
        },
    }
}

/// A Python number: bools are the ints 0 and 1.
#[derive(Clone, Copy)]
enum PyNum {
    Int(i128),
    Float(f64),
}

impl PyNum {
    /// Exact comparison, as Python compares ints with floats.
    fn eq(self, other: PyNum) -> bool {
        match (self, other) {
            (PyNum::Int(a), PyNum::Int(b)) => a == b,
            (PyNum::Float(a), PyNum::Float(b)) => a == b,
            (PyNum::Int(i), PyNum::Float(f)) | (PyNum::Float(f), PyNum::Int(i)) => {
                f.is_finite() && f.trunc() == f && f.abs() < 1e38 && f as i128 == i
            }
        }
    }
}

fn py_number(value: &Value) -> Option<PyNum> {
    match value {
        Value::Bool(b) => Some(PyNum::Int(i128::from(*b))),
        Value::Number(n) => Some(if let Some(i) = n.as_i64() {
            PyNum::Int(i128::from(i))
        } else if let Some(u) = n.as_u64() {
            PyNum::Int(i128::from(u))
        } else {
            PyNum::Float(n.as_f64().unwrap_or(f64::NAN))
        }),
        _ => None,
    }
}

/// Python's `str(value)`: strings as they are, everything else as [`py_repr`].
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr(value)`: `None`, `True`, `1.0`, `'text'`, `[1, 2]`, `{'k': 'v'}`.
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(u)) => u.to_string(),
            _ => py_float_repr(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => format!("[{}]", items.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// [`py_repr`] of a YAML value, keeping the mapping order of the file.
pub fn py_repr_yaml(value: &Yaml) -> String {
    match value {
        Yaml::Sequence(items) => format!(
            "[{}]",
            items.iter().map(py_repr_yaml).collect::<Vec<_>>().join(", ")
        ),
        Yaml::Mapping(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_yaml(k), py_repr_yaml(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Yaml::Tagged(tagged) => py_repr_yaml(&tagged.value),
        other => py_repr(&yaml_to_json(other)),
    }
}

/// Python's `repr(str)`: single quotes unless the text contains `'` and no `"`.
pub fn py_repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !py_printable(c) => {
                let code = u32::from(c);
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An approximation of Python's `str.isprintable()` for one character.
fn py_printable(c: char) -> bool {
    let separator = matches!(
        c,
        '\u{a0}' | '\u{ad}' | '\u{1680}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{2064}' | '\u{3000}' | '\u{feff}'
    );
    !c.is_control() && !separator
}

/// Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents in
/// `-4..16` (always with a fractional part), otherwise `1e+16` / `1.5e-05` style.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let body = if (-4..16).contains(&exp) {
        let point = exp + 1;
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{first}{fraction}e{exp_sign}{:02}", exp.unsigned_abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Yaml {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn gen_str_generates_lowercase_alphanumerics_of_the_requested_length() {
        let ctx = PlaceholderContext::from_variables(&[
            ("A".into(), Yaml::String("${GEN_STR:10}".into())),
            ("B".into(), Yaml::String("${GEN_STR:10}".into())),
            ("LIT".into(), Yaml::String("plain ${GEN_STR:x}".into())),
            ("NUM".into(), yaml("5")),
            ("FLAG".into(), yaml("true")),
        ]);
        let a = py_str(ctx.get("A").unwrap());
        assert_eq!(a.len(), 10);
        assert!(a.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_ne!(ctx.get("A"), ctx.get("B"), "two generated values should differ");
        assert_eq!(ctx.get("LIT"), Some(&json!("plain ${GEN_STR:x}")));
        assert_eq!(ctx.get("NUM"), Some(&json!("5")));
        assert_eq!(ctx.get("FLAG"), Some(&json!("True")));
        assert_eq!(gen_str(0), "");
    }

    #[test]
    fn substitution_replaces_known_names_only() {
        let mut ctx = PlaceholderContext::new();
        ctx.bind("X", json!("abc")).unwrap();
        ctx.bind("N", json!(2)).unwrap();
        ctx.bind("T", json!(true)).unwrap();
        assert_eq!(ctx.substitute_str("\"${X}\""), "\"abc\"");
        assert_eq!(
            ctx.substitute_str("${X}-${N}-${T}-${UNKNOWN}-${}-$X-${X"),
            "abc-2-True-${UNKNOWN}-${}-$X-${X"
        );
        assert_eq!(ctx.substitute_str("${/.*${X}/}"), "${/.*abc/}");
        assert_eq!(
            ctx.substitute_json(&json!({"${X}": ["${X}", 1]})),
            json!({"${X}": ["abc", 1]})
        );
        assert_eq!(
            ctx.substitute_yaml(&yaml("b: ${X}\na: ['x${N}']")),
            yaml("b: abc\na: [x2]")
        );
    }

    #[test]
    fn binding_is_first_wins_and_rebinding_must_be_equal() {
        let mut ctx = PlaceholderContext::new();
        ctx.bind("ID1", json!("a")).unwrap();
        assert!(ctx.bind("ID1", json!("a")).is_ok());
        let err = ctx.bind("ID1", json!("b")).unwrap_err();
        assert_eq!(
            err,
            "placeholder ${ID1} already bound to 'a', cannot rebind to 'b'"
        );
        ctx.bind("N", json!(2)).unwrap();
        assert!(ctx.bind("N", json!(2.0)).is_ok());
    }

    #[test]
    fn placeholder_forms_are_recognised_like_aws() {
        assert_eq!(whole_placeholder("${ID1}"), Some("ID1"));
        assert_eq!(whole_placeholder("${A}-${B}"), Some("A}-${B"));
        assert_eq!(whole_placeholder("\"${ID1}\""), None);
        assert_eq!(whole_placeholder("${}"), None);
        assert_eq!(whole_placeholder("${/x/}"), None);
        assert_eq!(
            regex_placeholder("${/.*TransientError$/}"),
            Some(".*TransientError$")
        );
        assert_eq!(regex_placeholder("${//}"), None);
        assert!(compile_regex(".*TransientError$")
            .unwrap()
            .is_match("my.TransientError"));
        assert!(compile_regex("(")
            .unwrap_err()
            .starts_with("invalid regex pattern '('"));
    }

    #[test]
    fn python_equality_mixes_ints_floats_and_bools() {
        assert!(py_eq(&json!(2), &json!(2.0)));
        assert!(py_eq(&json!(1), &json!(true)));
        assert!(!py_eq(&json!(2), &json!(2.5)));
        assert!(!py_eq(&json!("2"), &json!(2)));
        assert!(py_eq(&json!({"a": [1, null]}), &json!({"a": [1.0, null]})));
        assert!(!py_eq(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!py_eq(&json!(null), &json!(false)));
    }

    #[test]
    fn python_str_and_repr() {
        assert_eq!(py_str(&json!("x")), "x");
        assert_eq!(py_str(&json!(null)), "None");
        assert_eq!(py_str(&json!(true)), "True");
        assert_eq!(py_str(&json!(3)), "3");
        assert_eq!(py_str(&json!(3.0)), "3.0");
        assert_eq!(
            py_repr(&json!({"a": [1, "it's", "q\"'"], "b": false})),
            r#"{'a': [1, "it's", 'q"\''], 'b': False}"#
        );
        assert_eq!(py_repr_str("a\\b\n\u{1}é\u{a0}"), "'a\\\\b\\n\\x01é\\xa0'");
        assert_eq!(
            py_repr_yaml(&yaml("z: 1\na: [x, null]")),
            "{'z': 1, 'a': ['x', None]}"
        );
    }

    #[test]
    fn python_float_repr() {
        let cases = [
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.25e-7, "1.25e-07"),
            (123456.789, "123456.789"),
            (1e100, "1e+100"),
            (-0.0, "-0.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::INFINITY, "inf"),
        ];
        for (value, expected) in cases {
            assert_eq!(py_float_repr(value), expected, "repr({value})");
        }
    }
}
