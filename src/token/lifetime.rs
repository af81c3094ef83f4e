//! Where a token is in its life: not yet valid, valid, expiring, expired. The clock is a
//! parameter so tests, `--now` and the window's countdown all use the same code.

use super::claim_set::Claims;
use super::time::{DateClaim, HumanTime, with_duration};

/// A token within its last 10 % of lifetime, or its last minute, is "expiring".
const EXPIRING_FRACTION: f64 = 0.10;
const EXPIRING_SECONDS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LifetimeState {
    NotYetValid,
    Valid,
    Expiring,
    Expired,
    NoExpiry,
    /// `exp` or `nbf` is present but not a usable NumericDate.
    Invalid,
    /// Opaque or encrypted: the lifetime cannot be read locally (introspection can tell).
    Unknown,
}

impl LifetimeState {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NotYetValid => "not yet valid",
            Self::Valid => "valid",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
            Self::NoExpiry => "no expiry",
            Self::Invalid => "invalid dates",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Lifetime {
    pub state: LifetimeState,
    /// Negative once expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<HumanTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<HumanTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<HumanTime>,
    /// `exp` plus the leeway: the last instant a verifier with that leeway accepts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_until: Option<HumanTime>,
    pub leeway_seconds: u64,
    /// Share of iat (or nbf) → exp already elapsed, 0.0 to 1.0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_fraction: Option<f64>,
    /// One line: "expires in 4 min 3 s", "expired 2 h ago".
    pub summary: String,
}

impl Lifetime {
    /// For tokens whose claims cannot be read here.
    #[must_use]
    pub fn unknown(leeway: u64, why: &str) -> Self {
        Self {
            state: LifetimeState::Unknown,
            expires_in_seconds: None,
            expires_at: None,
            not_before: None,
            issued_at: None,
            accepted_until: None,
            leeway_seconds: leeway,
            used_fraction: None,
            summary: why.to_string(),
        }
    }

    /// A signed wrapper around a token (`cty: JWT`) that has no dates of its own lives as
    /// long as the token inside; `inner` is that token's lifetime, when there is one.
    #[must_use]
    pub fn or_nested(self, inner: impl FnOnce() -> Option<Self>) -> Self {
        if !matches!(self.state, LifetimeState::NoExpiry | LifetimeState::Unknown) {
            return self;
        }
        match inner() {
            Some(mut lifetime) => {
                lifetime.summary = format!("{} (the nested token)", lifetime.summary);
                lifetime
            }
            None => self,
        }
    }

    /// Computes the lifetime from the claims at `now`.
    #[must_use]
    pub fn compute<C: Claims>(claims: Option<&C>, now: i64, leeway: u64) -> Self {
        let exp = DateClaim::read(claims, "exp");
        let nbf = DateClaim::read(claims, "nbf");
        let iat = DateClaim::read(claims, "iat");
        let human = |t: Option<i64>| t.map(|t| HumanTime::new(t, now));
        let leeway_i = i64::try_from(leeway).unwrap_or(i64::MAX);

        let start = nbf.instant().or(iat.instant());
        let used_fraction = match (start, exp.instant()) {
            (Some(s), Some(e)) if e > s => {
                Some(((now - s) as f64 / (e - s) as f64).clamp(0.0, 1.0))
            }
            _ => None,
        };
        let (state, summary) = match (&exp, &nbf) {
            (DateClaim::Malformed(why), _) => (LifetimeState::Invalid, format!("exp {why}")),
            (_, DateClaim::Malformed(why)) => (LifetimeState::Invalid, format!("nbf {why}")),
            (_, DateClaim::Present(n)) if now < *n => (
                LifetimeState::NotYetValid,
                with_duration("not valid for another ", (n - now).unsigned_abs(), ""),
            ),
            (DateClaim::Absent, _) => (LifetimeState::NoExpiry, "no expiry (no exp claim)".into()),
            (DateClaim::Present(e), _) if now >= *e => (
                LifetimeState::Expired,
                with_duration("expired ", (now - e).unsigned_abs(), " ago"),
            ),
            (DateClaim::Present(e), _) => {
                let left = e - now;
                let expiring = left < EXPIRING_SECONDS
                    || used_fraction.is_some_and(|f| f >= 1.0 - EXPIRING_FRACTION);
                let state = if expiring {
                    LifetimeState::Expiring
                } else {
                    LifetimeState::Valid
                };
                (state, with_duration("expires in ", left.unsigned_abs(), ""))
            }
        };
        Self {
            state,
            expires_in_seconds: exp.instant().map(|e| e - now),
            expires_at: human(exp.instant()),
            not_before: human(nbf.instant()),
            issued_at: human(iat.instant()),
            accepted_until: human(exp.instant().map(|e| e.saturating_add(leeway_i))),
            leeway_seconds: leeway,
            used_fraction,
            summary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn at(claims: Value, now: i64) -> Lifetime {
        Lifetime::compute(claims.as_object(), now, 60)
    }

    #[test]
    fn states_follow_the_clock() {
        let c = json!({"iat": 1000, "exp": 2000});
        assert_eq!(at(c.clone(), 1500).state, LifetimeState::Valid);
        assert_eq!(at(c.clone(), 1950).state, LifetimeState::Expiring);
        assert_eq!(at(c.clone(), 2000).state, LifetimeState::Expired);
        assert_eq!(at(c.clone(), 2000).summary, "expired 0 s ago");
        assert_eq!(at(c, 1757).summary, "expires in 4 min 3 s");
        assert_eq!(
            at(json!({"nbf": 5000, "exp": 9000}), 1000).state,
            LifetimeState::NotYetValid
        );
        assert_eq!(at(json!({}), 1).state, LifetimeState::NoExpiry);
        assert_eq!(at(json!({"exp": "2030"}), 1).state, LifetimeState::Invalid);
    }

    #[test]
    fn accepted_until_adds_the_leeway() {
        let l = at(json!({"exp": 2000}), 1000);
        assert_eq!(l.accepted_until.unwrap().unix, 2060);
        assert_eq!(l.expires_in_seconds, Some(1000));
    }
}
