//! Things a server did that tokenscope accepted but a user should know about: the answer was
//! usable, and another client might not have been so tolerant.

use std::fmt;

/// One tolerated deviation from the RFCs, found in a response.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// JSON sent with a content type that is not JSON (e.g. `text/plain`).
    JsonAsText { content_type: String },
    /// `expires_in` as a string of digits instead of a number (RFC 6749 §5.1).
    ExpiresInAsString { value: String },
    /// `expires_in` that is neither: ignored, so the token's lifetime is unknown.
    ExpiresInUnusable { value: String },
    /// A token response without `token_type` (required by RFC 6749 §5.1).
    NoTokenType,
    /// `token_type` other than Bearer (e.g. DPoP, N_A): the token may not work as a bearer.
    NotBearer { token_type: String },
    /// Introspection `active` as a string instead of a boolean (RFC 7662 §2.2).
    ActiveAsString { value: String },
    /// A 2xx answer whose body was not read whole (size cap); only an API call allows it.
    BodyCapped { limit: usize },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::JsonAsText { content_type } => write!(
                f,
                "the body is JSON but was sent as \"{content_type}\"; accepted, though stricter clients refuse it"
            ),
            Self::ExpiresInAsString { value } => write!(
                f,
                "expires_in is the string \"{value}\", not a number (RFC 6749 §5.1); accepted"
            ),
            Self::ExpiresInUnusable { value } => write!(
                f,
                "expires_in is {value}, not a number of seconds; the token's lifetime is unknown"
            ),
            Self::NoTokenType => f.write_str(
                "the response has no token_type (RFC 6749 §5.1 requires it); assumed Bearer",
            ),
            Self::NotBearer { token_type } => write!(
                f,
                "token_type is \"{token_type}\", not Bearer: sending it as a bearer token may be refused"
            ),
            Self::ActiveAsString { value } => write!(
                f,
                "active is the string \"{value}\", not a boolean (RFC 7662 §2.2); accepted"
            ),
            Self::BodyCapped { limit } => write!(
                f,
                "the body is larger than {} KiB; only its start was read",
                limit / 1024
            ),
        }
    }
}
