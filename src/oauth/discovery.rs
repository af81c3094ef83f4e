//! OIDC discovery, RFC 8414 metadata and JWKS fetching, with an in-memory cache and a single
//! refetch when a token names a `kid` the cached JWKS lacks (key rotation).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::exchange::Endpoint;
use super::http::{HttpClient, HttpError};
use crate::jose::{self, Key, KeyError, KeySource, VerifyOptions};
use crate::token::compare::difference_in;
use crate::token::parse::Jws;
use crate::token::report::{SignatureStatus, SignatureVerdict};

/// A JWKS is refetched for an unknown kid at most this often, per JWKS URL.
pub const REFETCH_COOLDOWN: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{issuer} has no discovery document: {openid} and {oauth} both failed ({reason})")]
    NotFound {
        issuer: String,
        openid: String,
        oauth: String,
        reason: String,
    },
    #[error("the discovery document at {url} says issuer \"{found}\", not \"{expected}\": {diff}")]
    IssuerMismatch {
        url: String,
        found: String,
        expected: String,
        diff: String,
    },
    #[error("the discovery document at {url} has no jwks_uri")]
    NoJwksUri { url: String },
    #[error("the jwks_uri in the discovery document at {url} cannot be used: {reason}")]
    BadJwksUri { url: String, reason: String },
    #[error("the JWKS at {url} is unusable: {source}")]
    Jwks { url: String, source: KeyError },
    #[error("the key is unusable: {0}")]
    Key(#[from] KeyError),
}

impl DiscoveryError {
    /// True when the network or the server failed, rather than the user's input.
    #[must_use]
    pub fn is_network(&self) -> bool {
        match self {
            Self::Http(e) => !e.is_bad_url(),
            Self::NotFound { .. }
            | Self::Jwks { .. }
            | Self::NoJwksUri { .. }
            | Self::BadJwksUri { .. } => true,
            // A misspelt issuer and an unusable key are the user's to fix.
            Self::IssuerMismatch { .. } | Self::Key(_) => false,
        }
    }

    /// What the user can do about it.
    #[must_use]
    pub fn hint(&self) -> &'static str {
        match self {
            Self::IssuerMismatch { .. } => {
                "give the issuer exactly as the server writes it: tokens from it carry that iss"
            }
            Self::Http(h) if h.is_bad_url() => {
                "give a full https:// URL (plain http only for 127.0.0.1, ::1 or localhost)"
            }
            Self::BadJwksUri { .. } => {
                "the server's metadata is misconfigured; give its JWKS URL or a key directly"
            }
            e if e.is_network() => {
                "check the URL and that the server is reachable; the error above is what it said"
            }
            _ => "check the key you gave",
        }
    }
}

/// The parts of authorization server metadata tokenscope uses, plus the whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub issuer: String,
    pub jwks_uri: Option<String>,
    /// Where it was found.
    pub url: String,
    pub document: Value,
}

/// Fetches the metadata of `issuer`: OIDC discovery first, then RFC 8414.
pub async fn discover(http: &HttpClient, issuer: &str) -> Result<Metadata, DiscoveryError> {
    HttpClient::check_url(issuer)?;
    let openid = openid_configuration_url(issuer);
    let oauth = rfc8414_url(issuer);
    let response = match http.get_json(&openid).await {
        Ok(r) => r,
        Err(first) => match http.get_json(&oauth).await {
            Ok(r) => r,
            Err(HttpError::Status { .. }) | Err(HttpError::NotJson { .. }) => {
                return Err(DiscoveryError::NotFound {
                    issuer: issuer.to_string(),
                    openid,
                    oauth,
                    reason: first.to_string(),
                });
            }
            Err(other) => return Err(other.into()),
        },
    };
    let found = response
        .value
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if found != issuer {
        return Err(DiscoveryError::IssuerMismatch {
            url: response.url.clone(),
            diff: difference_in(&found, issuer, "the metadata"),
            found,
            expected: issuer.to_string(),
        });
    }
    Ok(Metadata {
        issuer: found,
        jwks_uri: response
            .value
            .get("jwks_uri")
            .and_then(Value::as_str)
            .map(str::to_string),
        url: response.url,
        document: response.value,
    })
}

impl Metadata {
    /// A string member of the document (an endpoint URL, usually).
    #[must_use]
    pub fn member(&self, name: &str) -> Option<&str> {
        self.document.get(name).and_then(Value::as_str)
    }

    /// A list-of-strings member (`grant_types_supported`, `scopes_supported` …); empty when
    /// absent.
    #[must_use]
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.document
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// `token_endpoint`.
    #[must_use]
    pub fn token_endpoint(&self) -> Option<&str> {
        self.member("token_endpoint")
    }

    /// `introspection_endpoint` (RFC 7662; Entra ID has none).
    #[must_use]
    pub fn introspection_endpoint(&self) -> Option<&str> {
        self.member("introspection_endpoint")
    }

    /// `revocation_endpoint` (RFC 7009).
    #[must_use]
    pub fn revocation_endpoint(&self) -> Option<&str> {
        self.member("revocation_endpoint")
    }

    /// `userinfo_endpoint` (OIDC).
    #[must_use]
    pub fn userinfo_endpoint(&self) -> Option<&str> {
        self.member("userinfo_endpoint")
    }

    /// `authorization_endpoint`.
    #[must_use]
    pub fn authorization_endpoint(&self) -> Option<&str> {
        self.member("authorization_endpoint")
    }

    /// `device_authorization_endpoint` (RFC 8628).
    #[must_use]
    pub fn device_authorization_endpoint(&self) -> Option<&str> {
        self.member("device_authorization_endpoint")
    }
}

/// OpenID Connect Discovery §4: the well-known path appended to the issuer.
#[must_use]
pub fn openid_configuration_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
#[must_use]
pub fn rfc8414_url(issuer: &str) -> String {
    match reqwest::Url::parse(issuer) {
        Ok(url) => {
            let path = url.path().trim_end_matches('/');
            let origin = url.origin().ascii_serialization();
            format!("{origin}/.well-known/oauth-authorization-server{path}")
        }
        Err(_) => format!(
            "{}/.well-known/oauth-authorization-server",
            issuer.trim_end_matches('/')
        ),
    }
}

#[derive(Debug, Clone)]
struct CachedJwks {
    keys: Vec<Key>,
    fetched: Instant,
}

/// Resolves a `KeySource` to keys (fetching and caching discovery and JWKS in memory only)
/// and verifies a token with them. One per process; share it behind an `Arc`.
#[derive(Debug)]
pub struct KeyResolver {
    http: HttpClient,
    cooldown: Duration,
    jwks: Mutex<HashMap<String, CachedJwks>>,
    metadata: Mutex<HashMap<String, Metadata>>,
    options: VerifyOptions,
}

impl Default for KeyResolver {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyResolver {
    #[must_use]
    pub fn new() -> Self {
        Self::with_cooldown(REFETCH_COOLDOWN)
    }

    /// A resolver with another refetch cooldown (tests use a short one).
    #[must_use]
    pub fn with_cooldown(cooldown: Duration) -> Self {
        Self {
            http: HttpClient::new(),
            cooldown,
            jwks: Mutex::new(HashMap::new()),
            metadata: Mutex::new(HashMap::new()),
            options: VerifyOptions::default(),
        }
    }

    /// Fetch with `http` (its timeout, `allow_http` and exchange log) instead of a default
    /// client.
    #[must_use]
    pub fn with_http(mut self, http: HttpClient) -> Self {
        self.http = http;
        self
    }

    /// Also try keys embedded in the token header (shown as proving nothing).
    #[must_use]
    pub fn use_embedded_key(mut self, yes: bool) -> Self {
        self.options.use_embedded_key = yes;
        self
    }

    /// Verifies `jws` with the key(s) from `source`; every failure is a verdict.
    pub async fn verify(&self, jws: &Jws, source: &KeySource) -> SignatureVerdict {
        self.try_verify(jws, source)
            .await
            .unwrap_or_else(|e| SignatureVerdict {
                status: SignatureStatus::Unverified,
                detail: format!("not verified: {e}"),
                hint: Some(e.hint().into()),
                key: None,
                alg_problem: None,
                warnings: Vec::new(),
            })
    }

    /// Like `verify`, but a key that cannot be obtained is an error (the CLI's exit 2 or 3).
    pub async fn try_verify(
        &self,
        jws: &Jws,
        source: &KeySource,
    ) -> Result<SignatureVerdict, DiscoveryError> {
        let jwks_uri = match source {
            KeySource::Secret(s) => {
                return Ok(jose::verify(jws, &[jose::keys::hmac_secret(s)?], self.options).verdict);
            }
            KeySource::SecretBase64(s) => {
                return Ok(
                    jose::verify(jws, &[jose::keys::hmac_secret_base64(s)?], self.options).verdict,
                );
            }
            KeySource::KeyFile { path, text } => {
                return Ok(
                    jose::verify(jws, &jose::keys::from_text(text, path)?, self.options).verdict,
                );
            }
            KeySource::KeyText(t) => {
                return Ok(jose::verify(
                    jws,
                    &jose::keys::from_text(t, "the key given")?,
                    self.options,
                )
                .verdict);
            }
            KeySource::JwksUrl(u) => u.clone(),
            KeySource::Issuer(issuer) => {
                let metadata = self.metadata(issuer).await?;
                let jwks_uri = metadata.jwks_uri.ok_or_else(|| DiscoveryError::NoJwksUri {
                    url: metadata.url.clone(),
                })?;
                // A jwks_uri the server wrote is the server's fault, not the user's input.
                return self
                    .verify_jwks(jws, &jwks_uri)
                    .await
                    .map_err(|e| match e {
                        DiscoveryError::Http(h) if h.is_bad_url() => DiscoveryError::BadJwksUri {
                            url: metadata.url,
                            reason: h.to_string(),
                        },
                        other => other,
                    })
                    .map(|v| with_http_notice(v, &jwks_uri));
            }
        };
        let verdict = self.verify_jwks(jws, &jwks_uri).await?;
        Ok(with_http_notice(verdict, &jwks_uri))
    }

    /// Verifies with the JWKS at `jwks_uri`, refetching once for an unknown kid.
    async fn verify_jwks(
        &self,
        jws: &Jws,
        jwks_uri: &str,
    ) -> Result<SignatureVerdict, DiscoveryError> {
        let keys = self.jwks(jwks_uri, false).await?;
        let first = jose::verify(jws, &keys, self.options);
        let Some(kid) = first.unknown_kid else {
            return Ok(first.verdict);
        };
        let age = self.lock_jwks().get(jwks_uri).map(|c| c.fetched.elapsed());
        let refetched = match self.jwks(jwks_uri, true).await {
            Ok(keys) => keys,
            // The first answer stands; the failed refetch is said, not swallowed.
            Err(e) => {
                let mut verdict = first.verdict;
                verdict.warnings.push(format!(
                    "kid {} is not in the JWKS, and refetching it failed: {e}",
                    jose::verify::display_kid(&kid)
                ));
                return Ok(verdict);
            }
        };
        let second = jose::verify(jws, &refetched, self.options);
        let mut verdict = second.verdict;
        if second.unknown_kid.is_some() {
            let skipped = age
                .filter(|a| *a < self.cooldown)
                .map(|a| {
                    format!(
                        "; not refetched: the JWKS was fetched {} s ago and is refetched at most every {} s",
                        a.as_secs(),
                        self.cooldown.as_secs()
                    )
                })
                .unwrap_or_default();
            let known: Vec<String> = refetched
                .iter()
                .filter_map(|k| k.kid.as_deref())
                .map(jose::verify::display_kid)
                .collect();
            let missing = format!(
                "no key with kid {} at {jwks_uri} (keys there: {}){skipped}",
                jose::verify::display_kid(&kid),
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            );
            // When keys without a kid were tried, why they failed stays in the verdict.
            verdict.detail = match verdict.detail.split_once(" did not verify it: ") {
                Some((_, why)) => {
                    format!("{missing}, and the keys without a kid did not verify it: {why}")
                }
                None => missing,
            };
        }
        Ok(verdict)
    }

    async fn metadata(&self, issuer: &str) -> Result<Metadata, DiscoveryError> {
        if let Some(m) = self.lock_metadata().get(issuer).cloned() {
            return Ok(m);
        }
        let m = discover(&self.http, issuer).await?;
        self.lock_metadata().insert(issuer.to_string(), m.clone());
        Ok(m)
    }

    /// The JWKS at `url`, from the cache unless `refresh` is asked and the cooldown passed.
    async fn jwks(&self, url: &str, refresh: bool) -> Result<Vec<Key>, DiscoveryError> {
        if let Some(cached) = self.lock_jwks().get(url).cloned() {
            let may_refetch = cached.fetched.elapsed() >= self.cooldown;
            if !refresh || !may_refetch {
                return Ok(cached.keys);
            }
        }
        let response = self.http.get_json_as(Endpoint::Jwks, url).await?;
        let keys = jose::keys::from_jwks(&response.value, &format!("JWKS at {url}")).map_err(
            |source| DiscoveryError::Jwks {
                url: url.to_string(),
                source,
            },
        )?;
        self.lock_jwks().insert(
            url.to_string(),
            CachedJwks {
                keys: keys.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(keys)
    }

    // A poisoned lock only means another task panicked mid-insert; the map is still usable.
    fn lock_jwks(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedJwks>> {
        self.jwks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    fn lock_metadata(&self) -> std::sync::MutexGuard<'_, HashMap<String, Metadata>> {
        self.metadata
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Keys fetched over plain http (allowed for loopback only) come with a notice.
fn with_http_notice(mut verdict: SignatureVerdict, jwks_uri: &str) -> SignatureVerdict {
    if jwks_uri.starts_with("http://") {
        verdict.warnings.push(format!(
            "the keys came over plain http from a loopback host ({jwks_uri}); anything but a local test server must use https"
        ));
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::{Metadata, openid_configuration_url, rfc8414_url};

    #[test]
    fn metadata_names_the_endpoints_it_advertises() {
        let m = Metadata {
            issuer: "https://as.example".into(),
            jwks_uri: None,
            url: "https://as.example/.well-known/openid-configuration".into(),
            document: serde_json::json!({
                "token_endpoint": "https://as.example/token",
                "revocation_endpoint": "https://as.example/revoke",
                "grant_types_supported": ["client_credentials", 7, "refresh_token"],
                "introspection_endpoint": 42
            }),
        };
        assert_eq!(m.token_endpoint(), Some("https://as.example/token"));
        assert_eq!(m.revocation_endpoint(), Some("https://as.example/revoke"));
        assert_eq!(m.introspection_endpoint(), None, "not a string");
        assert_eq!(m.userinfo_endpoint(), None);
        assert_eq!(
            m.list("grant_types_supported"),
            ["client_credentials", "refresh_token"]
        );
        assert!(m.list("scopes_supported").is_empty());
    }

    #[test]
    fn rfc8414_inserts_well_known_before_the_path() {
        assert_eq!(
            rfc8414_url("https://as.example/tenant/a"),
            "https://as.example/.well-known/oauth-authorization-server/tenant/a"
        );
        assert_eq!(
            rfc8414_url("https://as.example"),
            "https://as.example/.well-known/oauth-authorization-server"
        );
        // The trailing slash of an issuer is not part of either document's path.
        assert_eq!(
            openid_configuration_url("https://as.example/realms/demo/"),
            "https://as.example/realms/demo/.well-known/openid-configuration"
        );
    }
}
