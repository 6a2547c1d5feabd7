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
    let mut parts = text.split(SEP);
    let (arn, op, nonce) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || nonce.len() != 32 || arn.is_empty() || op.is_empty() {
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
}
