//! The endpoints a token is taken to: introspection (RFC 7662), revocation (RFC 7009),
//! userinfo (OIDC Core §5.3), and any API the user calls with it.

pub mod call;
pub mod introspect;
pub mod revoke;
pub mod userinfo;

pub use call::{ApiCall, ApiOutcome, ApiResponse};
pub use introspect::{IntrospectRequest, Introspection};
pub use revoke::{RetryAfter, Revocation, RevokeRequest};
pub use userinfo::{Userinfo, UserinfoRequest};

/// `token_type_hint` (RFC 7009 §2.1, RFC 7662 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenTypeHint {
    AccessToken,
    RefreshToken,
}

impl TokenTypeHint {
    /// From the wire form (`access_token`, `refresh_token`).
    #[must_use]
    pub fn parse(hint: &str) -> Option<Self> {
        match hint {
            "access_token" => Some(Self::AccessToken),
            "refresh_token" => Some(Self::RefreshToken),
            _ => None,
        }
    }

    /// The wire form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
        }
    }
}
