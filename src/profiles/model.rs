//! What a profile is: an authorization server plus a client. Every field here is written to
//! `profiles.toml`, so no field may hold a secret: secrets are `Sensitive`, which has no
//! `Serialize`, so a secret field here would not compile. A secret a user writes into the
//! file by hand is refused when read (see `file.rs`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One type for profiles.toml, the CLI and the requests: the registered names.
pub use crate::oauth::client_auth::AuthMethod;

/// A profile's name: what `--profile NAME` and the keychain entries use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProfileName(String);

/// Longest profile name accepted.
pub const MAX_NAME_CHARS: usize = 64;

impl ProfileName {
    /// A name of 1 to 64 letters, digits, `-`, `_` or `.`, not starting with `-` or `.`
    /// (so it never reads as an option or a hidden file).
    pub fn new(name: &str) -> Result<Self, String> {
        if name.is_empty() {
            return Err("a profile name cannot be empty".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "profile name \"{name}\" is longer than {MAX_NAME_CHARS} characters"
            ));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(format!(
                "profile name \"{}\" holds {bad:?}: use letters, digits, '-', '_' and '.'",
                name.escape_debug()
            ));
        }
        if name.starts_with(['-', '.']) {
            return Err(format!(
                "profile name \"{name}\" cannot start with '-' or '.'"
            ));
        }
        Ok(Self(name.to_string()))
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProfileName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::new(&text).map_err(serde::de::Error::custom)
    }
}

/// An absolute http(s) URL without a fragment, checked when read so a typo is reported
/// with its line. Whether plain http is allowed is the profile's `allow_http` (see
/// [`Profile::check_http`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct EndpointUrl(String);

impl EndpointUrl {
    /// Checks `text` is an absolute http or https URL with no fragment.
    pub fn new(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text).map_err(|e| format!("\"{text}\" is not a URL: {e}"))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(format!(
                "\"{text}\" must be an https:// URL, not {}:",
                url.scheme()
            ));
        }
        if url.fragment().is_some() {
            return Err(format!("\"{text}\" cannot have a #fragment"));
        }
        Ok(Self(text.to_string()))
    }

    /// The URL as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for http:// on a host other than 127.0.0.1, ::1 or localhost.
    #[must_use]
    pub fn is_insecure(&self) -> bool {
        let Ok(url) = url::Url::parse(&self.0) else {
            return true;
        };
        url.scheme() == "http"
            && !match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    }
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EndpointUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::new(&text).map_err(serde::de::Error::custom)
    }
}

/// Endpoints given by hand; each one given wins over discovery.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointOverrides {
    /// Token endpoint (RFC 6749 §3.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<EndpointUrl>,
    /// Authorization endpoint (RFC 6749 §3.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<EndpointUrl>,
    /// Device authorization endpoint (RFC 8628 §3.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<EndpointUrl>,
    /// Introspection endpoint (RFC 7662).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection: Option<EndpointUrl>,
    /// Revocation endpoint (RFC 7009).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<EndpointUrl>,
    /// UserInfo endpoint (OIDC Core §5.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo: Option<EndpointUrl>,
    /// The signing keys (a JWKS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<EndpointUrl>,
}

impl EndpointOverrides {
    /// True when no endpoint is given by hand.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Extra request parameters a server needs (`prompt`, `acr_values`, a tenant's own …), per
/// request. Values here are never secret: they are written to the file as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraParams {
    /// Added to the authorization request's query.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorize: BTreeMap<String, String>,
    /// Added to every token request but a refresh.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token: BTreeMap<String, String>,
    /// Added to a refresh request.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refresh: BTreeMap<String, String>,
}

impl ExtraParams {
    /// True when there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An authorization server and a client of it, as kept in `profiles.toml` under
/// `[profiles.NAME]`. Holds no secret (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The issuer exactly as the server writes it in `iss`.
    pub issuer: EndpointUrl,
    /// The client's id at the server.
    pub client_id: String,
    /// How the client authenticates (default `client_secret_basic`).
    #[serde(default)]
    pub auth_method: AuthMethod,
    /// Scopes asked for, one per entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// RFC 8707 resource indicators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// An `audience` parameter, for servers that take one instead of `resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// A fixed redirect URI, for servers that register one; absent means a loopback URI on an
    /// ephemeral port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<EndpointUrl>,
    /// Allows plain http:// to a host that is not loopback.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_http: bool,
    /// Seconds before a request to this server is given up (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u64>,
    /// Endpoints given by hand; the rest come from discovery.
    #[serde(default, skip_serializing_if = "EndpointOverrides::is_empty")]
    pub endpoints: EndpointOverrides,
    /// Extra request parameters, per request.
    #[serde(default, skip_serializing_if = "ExtraParams::is_empty")]
    pub extra_params: ExtraParams,
    /// Ids of the tokens pinned under this profile. The tokens are in the keychain; the ids
    /// are here so that renaming or removing the profile finds every one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Profile {
    /// A profile with the given issuer and client and everything else at its default.
    #[must_use]
    pub fn new(issuer: EndpointUrl, client_id: impl Into<String>) -> Self {
        Self {
            issuer,
            client_id: client_id.into(),
            auth_method: AuthMethod::default(),
            scopes: Vec::new(),
            resources: Vec::new(),
            audience: None,
            redirect_uri: None,
            allow_http: false,
            timeout_seconds: None,
            endpoints: EndpointOverrides::default(),
            extra_params: ExtraParams::default(),
            pinned: Vec::new(),
        }
    }

    /// Every URL of the profile with the name of its field.
    #[must_use]
    pub fn urls(&self) -> Vec<(&'static str, &EndpointUrl)> {
        let e = &self.endpoints;
        [
            ("issuer", Some(&self.issuer)),
            ("redirect_uri", self.redirect_uri.as_ref()),
            ("endpoints.token", e.token.as_ref()),
            ("endpoints.authorization", e.authorization.as_ref()),
            ("endpoints.device", e.device.as_ref()),
            ("endpoints.introspection", e.introspection.as_ref()),
            ("endpoints.revocation", e.revocation.as_ref()),
            ("endpoints.userinfo", e.userinfo.as_ref()),
            ("endpoints.jwks_uri", e.jwks_uri.as_ref()),
        ]
        .into_iter()
        .filter_map(|(field, url)| url.map(|u| (field, u)))
        .collect()
    }

    /// Refuses plain http to a host that is not loopback unless `allow_http` is set. The
    /// redirect URI is the browser's way back to us, not a server we send to: not checked.
    pub fn check_http(&self) -> Result<(), String> {
        if self.allow_http {
            return Ok(());
        }
        match self
            .urls()
            .into_iter()
            .find(|(field, url)| *field != "redirect_uri" && url.is_insecure())
        {
            Some((field, url)) => Err(format!(
                "{field} {url} is plain http:// to a host that is not loopback: use https, \
                 or set allow_http = true in this profile (--allow-http)"
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{EndpointUrl, ProfileName};

    #[test]
    fn names_are_short_and_plain() {
        assert!(ProfileName::new("prod-eu_1.b").is_ok());
        for bad in ["", "-x", ".x", "a b", "a/b", "é", &"a".repeat(65)] {
            assert!(ProfileName::new(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn plain_http_is_insecure_except_on_loopback() {
        let insecure = |u: &str| EndpointUrl::new(u).unwrap().is_insecure();
        assert!(insecure("http://as.example/token"));
        assert!(!insecure("http://127.0.0.1:8080/token"));
        assert!(!insecure("http://[::1]/token"));
        assert!(!insecure("http://LOCALHOST/token"));
        assert!(!insecure("https://as.example/token"));
        assert!(EndpointUrl::new("ftp://as.example").is_err());
        assert!(EndpointUrl::new("https://as.example/#x").is_err());
        assert!(EndpointUrl::new("as.example").is_err());
    }
}
