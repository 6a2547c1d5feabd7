//! Callback ids minted by the local engine: opaque, unguessable (128 bits from the OS's
//! cryptographic generator), and self-routing — they carry the execution and operation they
//! belong to, so an answer can be delivered without a global index (the emulator does the
//! same with base64 JSON).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const SEP: char = '\u{1f}';

/// Mints the id of callback operation `operation_id` of execution `arn`. The nonce comes from
/// the operating system's cryptographic generator: whoever holds an id may answer the
/// callback, so ids must not be predictable from earlier ones.
pub(crate) fn mint(arn: &str, operation_id: &str) -> String {
    let mut nonce = [0u8; 16];
    // The OS generator only fails where no secure source exists at all (not on Linux,
    // macOS or Windows after boot): refuse to mint a guessable id there.
    getrandom::fill(&mut nonce).expect("the operating system's random generator is unavailable");
    encode(format!("{arn}{SEP}{operation_id}{SEP}{:032x}", u128::from_be_bytes(nonce)).as_bytes())
}

/// The execution ARN and operation id inside a callback id, if it is one of ours.
pub(crate) fn parse(callback_id: &str) -> Option<(String, String)> {
    let text = String::from_utf8(decode(callback_id)?).ok()?;
    // Split from the end: operation ids are hex and nonces are hex, but an ARN carries the
    // workflow's name, which may contain anything, the separator included.
    let mut parts = text.rsplitn(3, SEP);
    let (nonce, op, arn) = (parts.next()?, parts.next()?, parts.next()?);
    if nonce.len() != 32 || arn.is_empty() || op.is_empty() {
        return None;
    }
    Some((arn.to_owned(), op.to_owned()))
}

/// URL-safe base64 without padding (the id travels in URLs and shell commands).
fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = mint(
            "arn:aws:lambda:local:0:function:f:$LATEST/durable-execution/n/i",
            "c4ca4238a0b92382",
        );
        let (arn, op) = parse(&id).unwrap();
        assert!(arn.ends_with("/n/i"));
        assert_eq!(op, "c4ca4238a0b92382");
        assert_ne!(id, mint(&arn, &op), "ids are unguessable");
        assert_eq!(parse("not-a-callback-id"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse(&encode(b"only one part")), None);
        for n in 0..10 {
            let bytes: Vec<u8> = (0..n).map(|i: u8| i.wrapping_mul(37)).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
    }

    /// A workflow named with the separator in it: its callbacks could not be answered (the
    /// id split into four parts and was refused).
    #[test]
    fn an_arn_holding_the_separator_round_trips() {
        let arn = "arn:aws:lambda:local:0:function:odd\u{1f}name:$LATEST/durable-execution/n/i";
        assert_eq!(
            parse(&mint(arn, "c4ca4238a0b92382")),
            Some((arn.to_owned(), "c4ca4238a0b92382".to_owned()))
        );
    }

    // Property tests (issue #15, fuzzed boundaries): a callback id is whatever a caller sends.
    // `PROPTEST_CASES=100000 cargo test -p durable-runtime --lib callback_id` runs them longer.
    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn config() -> ProptestConfig {
            let cases = std::env::var("PROPTEST_CASES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(512);
            ProptestConfig {
                cases,
                failure_persistence: None,
                ..ProptestConfig::default()
            }
        }

        proptest! {
            #![proptest_config(config())]

            /// Every minted id reads back to its execution and operation, whatever the ARN
            /// holds, and travels in a URL or a shell word unquoted.
            #[test]
            fn minted_ids_round_trip(arn in ".+", op in "[^\u{1f}]+") {
                let id = mint(&arn, &op);
                prop_assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{}", id);
                prop_assert_eq!(parse(&id), Some((arn, op)));
            }

            /// Any text is an id of ours or `None`, never a panic.
            #[test]
            fn any_text_parses_or_not(text in any::<String>()) {
                let _ = parse(&text);
            }

            /// Any bytes under valid base64 (the shape of our ids) are an id or `None`; ids
            /// built with a wrong nonce, an empty part or too few parts are refused.
            #[test]
            fn any_decoded_bytes_parse_or_not(
                bytes in prop::collection::vec(any::<u8>(), 0..256),
                arn in ".{0,40}",
                op in "[^\u{1f}]{0,20}",
                nonce in "[0-9a-f]{0,40}",
            ) {
                let _ = parse(&encode(&bytes));
                let forged = encode(format!("{arn}{SEP}{op}{SEP}{nonce}").as_bytes());
                let ok = !arn.is_empty() && !op.is_empty() && nonce.len() == 32;
                prop_assert_eq!(parse(&forged).is_some(), ok);
                prop_assert_eq!(parse(&encode(format!("{arn}{SEP}{op}").as_bytes())), None);
            }
        }
    }
}
