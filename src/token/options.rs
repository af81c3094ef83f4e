//! What the user expects of a token and the clock to judge it by: the input of every check,
//! in a module of its own so the checks and the report that gathers them do not import each
//! other.

/// Default clock skew allowance, as most verifiers use.
pub const DEFAULT_LEEWAY: u64 = 60;

/// What the user expects of the token, and the clock to judge it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub now: i64,
    pub leeway: u64,
    pub expected_iss: Option<String>,
    /// The token passes when its `aud` contains any of these.
    pub expected_aud: Vec<String>,
    /// Every one of these must be granted.
    pub required_scopes: Vec<String>,
}

impl Options {
    /// The leeway as a signed number of seconds, for arithmetic with instants.
    #[must_use]
    pub fn leeway_seconds(&self) -> i64 {
        i64::try_from(self.leeway).unwrap_or(i64::MAX)
    }

    #[must_use]
    pub fn at(now: i64) -> Self {
        Self {
            now,
            leeway: DEFAULT_LEEWAY,
            expected_iss: None,
            expected_aud: Vec::new(),
            required_scopes: Vec::new(),
        }
    }
}
