//! Expand phase: IR into tokens. No validation happens here.

mod docs;
pub(crate) mod step;
pub(crate) mod workflow;

use proc_macro2::TokenStream;
use quote::quote;

/// The path generated code names everything through: `::durable_runtime::__private`, or
/// `<crate = "..">::__private`.
pub(crate) fn private(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::durable_runtime::__private),
    }
}

/// `snake_case` to `CamelCase`.
pub(crate) fn camel_case(snake: &str) -> String {
    snake
        .trim_start_matches("r#")
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn camel_case() {
        assert_eq!(super::camel_case("process_order"), "ProcessOrder");
        assert_eq!(super::camel_case("greet"), "Greet");
        assert_eq!(super::camel_case("_a__b_"), "AB");
    }
}
