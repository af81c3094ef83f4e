//! Where each of a profile's endpoints is: given by hand in the profile (an override, which
//! always wins), or advertised in the server's metadata. The metadata is OIDC discovery,
//! else RFC 8414; when the OIDC document lacks introspection or revocation, the RFC 8414
//! document is read too and fills what the first lacks (some servers list those two only
//! there). Fetched metadata is cached in memory with the time it was fetched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::Value;

use super::model::{EndpointOverrides, EndpointUrl, Profile};
use crate::oauth::discovery::{self, DiscoveryError};
use crate::oauth::http::HttpClient;

/// An endpoint a profile may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Token,
    Authorization,
    Device,
    Introspection,
    Revocation,
    Userinfo,
    JwksUri,
}

impl Endpoint {
    /// Every endpoint, in the order they are shown.
    pub const ALL: [Self; 7] = [
        Self::Token,
        Self::Authorization,
        Self::Device,
        Self::Introspection,
        Self::Revocation,
        Self::Userinfo,
        Self::JwksUri,
    ];

    /// Its member in server metadata (RFC 8414 §2, OIDC Discovery §3, RFC 8628 §4).
    #[must_use]
    pub fn metadata_key(self) -> &'static str {
        match self {
            Self::Token => "token_endpoint",
            Self::Authorization => "authorization_endpoint",
            Self::Device => "device_authorization_endpoint",
            Self::Introspection => "introspection_endpoint",
            Self::Revocation => "revocation_endpoint",
            Self::Userinfo => "userinfo_endpoint",
            Self::JwksUri => "jwks_uri",
        }
    }

    /// Its short name, as in the profile's `[endpoints]` table.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Authorization => "authorization",
            Self::Device => "device",
            Self::Introspection => "introspection",
            Self::Revocation => "revocation",
            Self::Userinfo => "userinfo",
            Self::JwksUri => "jwks_uri",
        }
    }

    /// The override for it in `overrides`, if any.
    #[must_use]
    pub fn override_in(self, overrides: &EndpointOverrides) -> Option<&EndpointUrl> {
        match self {
            Self::Token => overrides.token.as_ref(),
            Self::Authorization => overrides.authorization.as_ref(),
            Self::Device => overrides.device.as_ref(),
            Self::Introspection => overrides.introspection.as_ref(),
            Self::Revocation => overrides.revocation.as_ref(),
            Self::Userinfo => overrides.userinfo.as_ref(),
            Self::JwksUri => overrides.jwks_uri.as_ref(),
        }
    }
}

/// Where an endpoint's URL came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Given in the profile.
    Override,
    /// Advertised in the metadata document at this URL.
    Discovery { document: String },
    /// Neither given nor advertised (or discovery was not done).
    Unknown,
}

/// One endpoint of a profile, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub endpoint: Endpoint,
    pub url: Option<String>,
    pub origin: Origin,
}

/// A server's metadata: the documents read, first one first.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerMetadata {
    pub issuer: String,
    /// (URL, document) for each document used, in the order they are consulted.
    pub documents: Vec<(String, Value)>,
    pub fetched_at: SystemTime,
}

impl ServerMetadata {
    /// The string member `key` from the first document that has it, with that document's URL.
    #[must_use]
    pub fn member(&self, key: &str) -> Option<(&str, &str)> {
        self.documents.iter().find_map(|(url, doc)| {
            doc.get(key)
                .and_then(Value::as_str)
                .map(|v| (v, url.as_str()))
        })
    }

    /// The merged list member `key` (grant types, auth methods …), without repeats.
    #[must_use]
    pub fn list(&self, key: &str) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for (_, doc) in &self.documents {
            for v in doc.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(s) = v.as_str().filter(|s| !all.iter().any(|a| a == s)) {
                    all.push(s.to_string());
                }
            }
        }
        all
    }
}

/// Fetches `issuer`'s metadata (see the module docs). The issuer in each document must be
/// `issuer` exactly; a first document that names another is `IssuerMismatch`, a second one
/// that does is not used.
pub async fn fetch_metadata(
    http: &HttpClient,
    issuer: &str,
) -> Result<ServerMetadata, DiscoveryError> {
    let first = discovery::discover(http, issuer).await?;
    let was_openid = first.url == discovery::openid_configuration_url(issuer);
    let mut documents = vec![(first.url, first.document)];
    let lacks_some = [Endpoint::Introspection, Endpoint::Revocation]
        .iter()
        .any(|e| documents[0].1.get(e.metadata_key()).is_none());
    if was_openid && lacks_some {
        // Most servers have no RFC 8414 document; its absence is no error.
        if let Ok(second) = http.get_json(&discovery::rfc8414_url(issuer)).await
            && second.value.get("issuer").and_then(Value::as_str) == Some(issuer)
        {
            documents.push((second.url, second.value));
        }
    }
    Ok(ServerMetadata {
        issuer: issuer.to_string(),
        documents,
        fetched_at: SystemTime::now(),
    })
}

/// Every endpoint of `profile`: its override, else what `metadata` advertises.
#[must_use]
pub fn resolve(profile: &Profile, metadata: Option<&ServerMetadata>) -> Vec<Resolved> {
    Endpoint::ALL
        .iter()
        .map(|&endpoint| {
            if let Some(url) = endpoint.override_in(&profile.endpoints) {
                return Resolved {
                    endpoint,
                    url: Some(url.as_str().to_string()),
                    origin: Origin::Override,
                };
            }
            match metadata.and_then(|m| m.member(endpoint.metadata_key())) {
                Some((url, document)) => Resolved {
                    endpoint,
                    url: Some(url.to_string()),
                    origin: Origin::Discovery {
                        document: document.to_string(),
                    },
                },
                None => Resolved {
                    endpoint,
                    url: None,
                    origin: Origin::Unknown,
                },
            }
        })
        .collect()
}

/// True when every endpoint is overridden, so discovery has nothing to add.
#[must_use]
pub fn fully_overridden(profile: &Profile) -> bool {
    Endpoint::ALL
        .iter()
        .all(|e| e.override_in(&profile.endpoints).is_some())
}

/// Fetched metadata by issuer, kept for the session. Share it behind an `Arc`.
#[derive(Debug, Default)]
pub struct DiscoveryCache {
    entries: Mutex<HashMap<String, Arc<ServerMetadata>>>,
}

impl DiscoveryCache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The metadata of `issuer`, from the cache unless `refresh` is asked or none is cached.
    pub async fn get(
        &self,
        http: &HttpClient,
        issuer: &str,
        refresh: bool,
    ) -> Result<Arc<ServerMetadata>, DiscoveryError> {
        if !refresh && let Some(cached) = self.lock().get(issuer).cloned() {
            return Ok(cached);
        }
        let fetched = Arc::new(fetch_metadata(http, issuer).await?);
        self.lock().insert(issuer.to_string(), Arc::clone(&fetched));
        Ok(fetched)
    }

    /// What is cached for `issuer`, without fetching.
    #[must_use]
    pub fn cached(&self, issuer: &str) -> Option<Arc<ServerMetadata>> {
        self.lock().get(issuer).cloned()
    }

    // A poisoned lock only means another task panicked mid-insert; the map is still usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<ServerMetadata>>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Endpoint, Origin, ServerMetadata, resolve};
    use crate::profiles::{EndpointUrl, Profile};

    #[test]
    fn an_override_wins_and_a_second_document_fills_what_the_first_lacks() {
        let mut profile = Profile::new(EndpointUrl::new("https://as.example").unwrap(), "c");
        profile.endpoints.token = Some(EndpointUrl::new("https://proxy.example/token").unwrap());
        let metadata = ServerMetadata {
            issuer: "https://as.example".into(),
            documents: vec![
                (
                    "https://as.example/.well-known/openid-configuration".into(),
                    json!({"token_endpoint": "https://as.example/token",
                           "jwks_uri": "https://as.example/jwks"}),
                ),
                (
                    "https://as.example/.well-known/oauth-authorization-server".into(),
                    json!({"introspection_endpoint": "https://as.example/introspect",
                           "jwks_uri": "https://as.example/other-jwks"}),
                ),
            ],
            fetched_at: std::time::SystemTime::now(),
        };
        let resolved = resolve(&profile, Some(&metadata));
        let of = |e: Endpoint| resolved.iter().find(|r| r.endpoint == e).unwrap();
        assert_eq!(of(Endpoint::Token).origin, Origin::Override);
        assert_eq!(
            of(Endpoint::Token).url.as_deref(),
            Some("https://proxy.example/token")
        );
        assert_eq!(
            of(Endpoint::JwksUri).url.as_deref(),
            Some("https://as.example/jwks")
        );
        assert_eq!(
            of(Endpoint::Introspection).origin,
            Origin::Discovery {
                document: "https://as.example/.well-known/oauth-authorization-server".into()
            }
        );
        assert_eq!(of(Endpoint::Revocation).origin, Origin::Unknown);
        assert_eq!(of(Endpoint::Revocation).url, None);
    }
}
