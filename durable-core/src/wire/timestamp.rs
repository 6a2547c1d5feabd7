//! Timestamps on the wire.
//!
//! The invocation event carries epoch **milliseconds** as integers, the checkpoint/state API
//! carries epoch **seconds** as floats, and the JS SDK's comments claim ISO-8601 strings. One
//! type, [`EpochMillis`], accepts all three on input and writes integer milliseconds (the
//! event convention); [`api_seconds`] writes API-style seconds for history events.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in time as Unix epoch milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EpochMillis(pub i64);

impl EpochMillis {
    /// The instant `secs` whole seconds later.
    pub fn plus_seconds(self, secs: i64) -> Self {
        EpochMillis(self.0.saturating_add(secs.saturating_mul(1000)))
    }

    /// Milliseconds since the Unix epoch.
    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 / ISO-8601 date-time such as `2026-11-27T09:04:48.123Z` or
    /// `2026-11-27T10:04:48+01:00`.
    pub fn parse_rfc3339(text: &str) -> Result<Self, String> {
        parse_rfc3339(text).ok_or_else(|| format!("invalid RFC 3339 timestamp `{text}`"))
    }

    /// Formats as RFC 3339 in UTC with millisecond precision.
    pub fn to_rfc3339(self) -> String {
        let ms = self.0.rem_euclid(1000);
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )
    }
}

impl Serialize for EpochMillis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for EpochMillis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MillisVisitor { unit_ms: 1 })
    }
}

struct MillisVisitor {
    /// How many milliseconds one numeric unit is (1 for the event, 1000 for the API).
    unit_ms: i64,
}

impl Visitor<'_> for MillisVisitor {
    type Value = EpochMillis;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an epoch timestamp number or an RFC 3339 string")
    }

    // Integers are exact (no detour through f64, which rounds above 2^53); numbers beyond
    // the range of `i64` milliseconds saturate, as float casts do.
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EpochMillis, E> {
        Ok(EpochMillis(v.saturating_mul(self.unit_ms)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EpochMillis, E> {
        let v = i64::try_from(v).unwrap_or(i64::MAX);
        Ok(EpochMillis(v.saturating_mul(self.unit_ms)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<EpochMillis, E> {
        if !v.is_finite() {
            return Err(E::custom("timestamp is not a finite number"));
        }
        Ok(EpochMillis((v * self.unit_ms as f64).round() as i64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EpochMillis, E> {
        EpochMillis::parse_rfc3339(v).map_err(E::custom)
    }
}

/// Serde helpers for API-style timestamps: epoch seconds as a float on output; numbers in
/// seconds or RFC 3339 strings on input.
pub mod api_seconds {
    use super::*;

    /// Writes epoch seconds with a fraction.
    pub fn serialize<S: Serializer>(t: &EpochMillis, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(t.0 as f64 / 1000.0)
    }

    /// Reads epoch seconds (number) or an RFC 3339 string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<EpochMillis, D::Error> {
        d.deserialize_any(MillisVisitor { unit_ms: 1000 })
    }

    /// The same for optional fields.
    pub mod option {
        use super::*;

        /// Writes `null` or epoch seconds.
        pub fn serialize<S: Serializer>(t: &Option<EpochMillis>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_f64(t.0 as f64 / 1000.0),
                None => s.serialize_none(),
            }
        }

        /// Reads an optional API timestamp.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EpochMillis>, D::Error> {
            #[derive(Deserialize)]
            struct Wrap(#[serde(with = "super")] EpochMillis);
            Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
        }
    }
}

fn parse_rfc3339(text: &str) -> Option<EpochMillis> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { text.get(r)?.parse::<i64>().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded: String = frac[..digits].chars().chain("000".chars()).take(3).collect();
        millis = padded.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset_secs;
    Some(EpochMillis(secs * 1000 + millis))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_millis_seconds_and_strings() {
        let t: EpochMillis = serde_json::from_str("1795764155343").unwrap();
        assert_eq!(t.0, 1_795_764_155_343);
        let t: EpochMillis = serde_json::from_str("1795764155343.0").unwrap();
        assert_eq!(t.0, 1_795_764_155_343);
        let t: EpochMillis = serde_json::from_str("\"2026-11-27T09:04:48.123Z\"").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-27T09:04:48.123Z");
        let t2 = EpochMillis::parse_rfc3339("2026-11-27T10:04:48.123+01:00").unwrap();
        assert_eq!(t, t2);
        assert!(EpochMillis::parse_rfc3339("yesterday").is_err());
        assert!(serde_json::from_str::<EpochMillis>("true").is_err());
    }

    #[test]
    fn api_seconds_round_trip() {
        #[derive(Serialize, Deserialize)]
        struct W(#[serde(with = "api_seconds")] EpochMillis);
        let w: W = serde_json::from_str("1795764340.535").unwrap();
        assert_eq!(w.0 .0, 1_795_764_340_535);
        assert_eq!(serde_json::to_string(&w).unwrap(), "1795764340.535");
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_419, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
