//! NumericDate reading and the human forms of instants and durations that the report shows.

use chrono::{DateTime, Datelike as _, Local, Offset as _, TimeZone, Timelike as _, Utc};
use serde_json::Value;

use super::claim_set::Claims;

/// Latest instant accepted as a NumericDate: 9999-12-31T23:59:59Z. Anything later is a
/// mistake (milliseconds instead of seconds, most often) and chrono could not show it.
const MAX_NUMERIC_DATE: f64 = 253_402_300_799.0;

/// A date claim as found in the token: present, absent, or present but unusable. A string
/// `exp` is malformed, never absent — treating it as absent would hide a broken token.
#[derive(Debug, Clone, PartialEq)]
pub enum DateClaim {
    Absent,
    Present(i64),
    Malformed(String),
}

impl DateClaim {
    /// Reads claim `name` from a claims map.
    #[must_use]
    pub fn read<C: Claims>(claims: Option<&C>, name: &str) -> Self {
        match claims.and_then(|c| c.get(name)) {
            None => Self::Absent,
            Some(v) => Self::from_value(v),
        }
    }

    #[must_use]
    pub fn from_value(value: &Value) -> Self {
        let Value::Number(n) = value else {
            return Self::Malformed(format!(
                "is {}, not a number of seconds since 1970",
                super::parse::json_type(value)
            ));
        };
        let Some(f) = n.as_f64() else {
            return Self::Malformed("is not a representable number".into());
        };
        if f < 0.0 {
            return Self::Malformed(format!("is negative ({n}), before 1970"));
        }
        if n.as_u64().is_none() && n.as_f64().is_some_and(|f| f > u64::MAX as f64) {
            return Self::Malformed(format!("({n}) is beyond any representable date"));
        }
        if f > MAX_NUMERIC_DATE {
            let hint = if f / 1000.0 <= MAX_NUMERIC_DATE {
                " (milliseconds instead of seconds?)"
            } else {
                ""
            };
            return Self::Malformed(format!("({n}) is after the year 9999{hint}"));
        }
        // NumericDate may have a fraction (RFC 7519 §2); whole seconds are what we compare.
        Self::Present(f.floor() as i64)
    }

    #[must_use]
    pub fn instant(&self) -> Option<i64> {
        match self {
            Self::Present(t) => Some(*t),
            _ => None,
        }
    }
}

/// An instant and the clock it is told against. Its three forms a person wants (UTC, local
/// time, relative to now) are written when they are shown or printed, not when a report is
/// computed: a report holds half a dozen instants, few of them are ever looked at, and the
/// local form needs the time zone database. Serialized, it carries all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanTime {
    pub unix: i64,
    now: i64,
}

impl HumanTime {
    #[must_use]
    pub fn new(unix: i64, now: i64) -> Self {
        Self { unix, now }
    }

    /// "2011-03-22 18:43:00 UTC"; the bare number when chrono cannot show the instant.
    #[must_use]
    pub fn utc(&self) -> String {
        let Some(utc) = self.instant() else {
            return self.unix.to_string();
        };
        let mut text = stamp(&utc);
        text.push_str(" UTC");
        text
    }

    /// "2011-03-22 19:43:00 +01:00", in this machine's time zone.
    #[must_use]
    pub fn local(&self) -> String {
        let Some(utc) = self.instant() else {
            return self.unix.to_string();
        };
        let local = utc.with_timezone(&Local);
        let mut text = stamp(&local);
        push_offset(&mut text, local.offset().fix().local_minus_utc());
        text
    }

    /// The instant, when chrono can show it (years 1 to 9999, roughly).
    fn instant(&self) -> Option<DateTime<Utc>> {
        Utc.timestamp_opt(self.unix, 0).single()
    }

    /// "in 4 min 3 s", "2 h ago", "now".
    #[must_use]
    pub fn relative(&self) -> String {
        relative(self.unix - self.now)
    }
}

impl serde::Serialize for HumanTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("HumanTime", 4)?;
        s.serialize_field("unix", &self.unix)?;
        s.serialize_field("utc", &self.utc())?;
        s.serialize_field("local", &self.local())?;
        s.serialize_field("relative", &self.relative())?;
        s.end()
    }
}

/// "2011-03-22 18:43:00", written digit by digit: going through `fmt` (or chrono's `format`,
/// which re-parses its pattern per call) made the human dates most of a report's cost.
fn stamp<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    let year = t.year();
    let Ok(year @ 0..=9999) = u32::try_from(year) else {
        // Only a local time zone east of UTC can push 9999-12-31 past the year 9999.
        return format!("{year}-{:02}-{:02} {}", t.month(), t.day(), t.time());
    };
    let mut out = *b"0000-00-00 00:00:00";
    let mut put = |at: usize, value: u32, width: usize| {
        let mut value = value;
        for slot in out[at..at + width].iter_mut().rev() {
            // `value % 10` is a single digit, so the cast cannot truncate.
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, year, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    let mut text = String::with_capacity(32);
    // Digits and separators only: always ASCII.
    text.push_str(std::str::from_utf8(&out).unwrap_or_default());
    text
}

/// " +05:30": the local offset after a local time.
fn push_offset(text: &mut String, seconds: i32) {
    text.push(' ');
    text.push(if seconds < 0 { '-' } else { '+' });
    let minutes = seconds.unsigned_abs() / 60;
    for digit in [
        minutes / 600 % 10,
        minutes / 60 % 10,
        10,
        minutes % 60 / 10,
        minutes % 10,
    ] {
        text.push(char::from_digit(digit, 10).unwrap_or(':'));
    }
}

/// "in 4 min 3 s", "2 h ago", "now".
#[must_use]
pub fn relative(delta: i64) -> String {
    with_relative("", delta)
}

/// `prefix` and a relative time in one string sized for both: "issued 2 h ago". The checklist
/// writes several of these per token, and `format!` around `relative` costs two allocations.
#[must_use]
pub fn with_relative(prefix: &str, delta: i64) -> String {
    let mut out = String::with_capacity(prefix.len() + 24);
    out.push_str(prefix);
    match delta {
        0 => out.push_str("now"),
        d if d > 0 => {
            out.push_str("in ");
            push_duration(&mut out, d.unsigned_abs());
        }
        d => {
            push_duration(&mut out, d.unsigned_abs());
            out.push_str(" ago");
        }
    }
    out
}

/// A duration with its two largest units: "4 min 3 s", "2 h 5 min", "3 d 4 h", "12 s".
#[must_use]
pub fn duration(seconds: u64) -> String {
    with_duration("", seconds, "")
}

/// A duration between two words, in one string: "expires in 4 min 3 s", "expired 2 h ago".
#[must_use]
pub fn with_duration(prefix: &str, seconds: u64, suffix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 20 + suffix.len());
    out.push_str(prefix);
    push_duration(&mut out, seconds);
    out.push_str(suffix);
    out
}

/// Written without `fmt`: a report holds a dozen of these, and they were a tenth of its cost.
fn push_duration(out: &mut String, seconds: u64) {
    const UNITS: [(u64, &str); 5] = [
        (365 * 86_400, "y"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "min"),
        (1, "s"),
    ];
    let Some(first) = UNITS.iter().position(|(size, _)| seconds >= *size) else {
        out.push_str("0 s");
        return;
    };
    let (size, name) = UNITS[first];
    push_number(out, seconds / size);
    out.push(' ');
    out.push_str(name);
    if let Some((minor_size, minor_name)) = UNITS.get(first + 1)
        && (seconds % size) / minor_size > 0
    {
        out.push(' ');
        push_number(out, (seconds % size) / minor_size);
        out.push(' ');
        out.push_str(minor_name);
    }
}

fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        // `n % 10` is one digit, so the cast cannot truncate.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Seconds since 1970 now, from the system clock.
#[must_use]
pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instants_are_written_in_utc_with_their_offset_in_local_time() {
        let t = Utc.timestamp_opt(1_300_819_380, 0).unwrap();
        assert_eq!(stamp(&t), "2011-03-22 18:43:00");
        let early = Utc.timestamp_opt(0, 0).unwrap();
        assert_eq!(stamp(&early), "1970-01-01 00:00:00");
        let last = Utc.timestamp_opt(253_402_300_799, 0).unwrap();
        assert_eq!(stamp(&last), "9999-12-31 23:59:59");
        let east = last.with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap());
        assert_eq!(stamp(&east), "10000-01-01 00:59:59");
        for (seconds, text) in [(0, " +00:00"), (19_800, " +05:30"), (-12_600, " -03:30")] {
            let mut out = String::new();
            push_offset(&mut out, seconds);
            assert_eq!(out, text);
        }
        let human = HumanTime::new(1_300_819_380, 1_300_819_380 - 243);
        assert_eq!(human.utc(), "2011-03-22 18:43:00 UTC");
        assert_eq!(human.relative(), "in 4 min 3 s");
        let json = serde_json::to_value(human).unwrap();
        let names: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, ["unix", "utc", "local", "relative"]);
        assert_eq!(json["local"], human.local());
    }

    #[test]
    fn durations_read_like_speech() {
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(10), "10 s");
        assert_eq!(duration(u64::MAX), "584942417355 y 26 d");
        assert_eq!(relative(0), "now");
        assert_eq!(duration(243), "4 min 3 s");
        assert_eq!(duration(7200), "2 h");
        assert_eq!(duration(7260), "2 h 1 min");
        assert_eq!(duration(59), "59 s");
        assert_eq!(relative(-7200), "2 h ago");
        assert_eq!(relative(243), "in 4 min 3 s");
    }

    #[test]
    fn wrong_types_are_malformed_not_absent() {
        for bad in [
            json!("1300819380"),
            json!(null),
            json!(-1),
            json!(1e300),
            json!(18446744073709551616.0),
            json!([1]),
        ] {
            assert!(
                matches!(DateClaim::from_value(&bad), DateClaim::Malformed(_)),
                "{bad}"
            );
        }
        assert_eq!(
            DateClaim::from_value(&json!(1300819380.5)),
            DateClaim::Present(1300819380)
        );
    }

    #[test]
    fn milliseconds_get_a_hint() {
        let DateClaim::Malformed(why) = DateClaim::from_value(&json!(1700000000000u64)) else {
            panic!()
        };
        assert!(why.contains("milliseconds"), "{why}");
    }
}
