//! Callback ids minted by the local engine: opaque, unguessable (128 random bits), and
//! self-routing — they carry the execution and operation they belong to, so an answer can be
//! delivered without a global index (the emulator does the same with base64 JSON).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SEP: char = '\u{1f}';

/// Mints the id of callback operation `operation_id` of execution `arn`.
pub(crate) fn mint(arn: &str, operation_id: &str) -> String {
    encode(format!("{arn}{SEP}{operation_id}{SEP}{:032x}", fastrand::u128(..)).as_bytes())
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

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = ALPHABET.iter().position(|a| a == c)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i) & 0xff) as u8);
        }
    }
    Some(out)
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
