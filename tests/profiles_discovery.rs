//! A profile's endpoints: filled from the real test server's discovery document, given by
//! hand where the profile says so, and the issuer checked.

#[path = "support/oidc.rs"]
mod oidc;
mod util;

use serde_json::json;
use tokenscope::oauth::discovery::DiscoveryError;
use tokenscope::oauth::http::HttpClient;
use tokenscope::profiles::endpoints::{self, DiscoveryCache, Endpoint, Origin, Resolved};
use tokenscope::profiles::{EndpointUrl, Profile};
use util::http_server::{Reply, TestServer};

fn profile(issuer: &str) -> Profile {
    Profile::new(EndpointUrl::new(issuer).unwrap(), "app-client")
}

fn of(resolved: &[Resolved], endpoint: Endpoint) -> &Resolved {
    resolved.iter().find(|r| r.endpoint == endpoint).unwrap()
}

#[tokio::test]
async fn discovery_fills_every_endpoint_the_profile_does_not_give() {
    let op = oidc::OidcServer::start("a");
    let mut p = profile(&op.issuer);
    p.endpoints.userinfo = Some(EndpointUrl::new("https://gateway.example/me").unwrap());
    let metadata = endpoints::fetch_metadata(&HttpClient::new(), &op.issuer)
        .await
        .expect("the test server's discovery document");
    let document = op.url("/.well-known/openid-configuration");
    // oidc-provider lists introspection and revocation itself: one document is enough.
    assert_eq!(metadata.documents.len(), 1);
    assert_eq!(metadata.documents[0].0, document);

    let resolved = endpoints::resolve(&p, Some(&metadata));
    for (endpoint, path) in [
        (Endpoint::Token, "/token"),
        (Endpoint::Authorization, "/auth"),
        (Endpoint::Device, "/device/auth"),
        (Endpoint::Introspection, "/token/introspection"),
        (Endpoint::Revocation, "/token/revocation"),
        (Endpoint::JwksUri, "/jwks"),
    ] {
        let r = of(&resolved, endpoint);
        assert_eq!(
            r.url.as_deref(),
            Some(op.url(path).as_str()),
            "{endpoint:?}"
        );
        assert_eq!(
            r.origin,
            Origin::Discovery {
                document: document.clone()
            },
            "{endpoint:?}"
        );
    }
    let userinfo = of(&resolved, Endpoint::Userinfo);
    assert_eq!(userinfo.url.as_deref(), Some("https://gateway.example/me"));
    assert_eq!(userinfo.origin, Origin::Override);
    assert!(
        metadata
            .list("grant_types_supported")
            .contains(&"client_credentials".to_string())
    );
}

#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_reported() {
    let op = oidc::OidcServer::start("a");
    // The same server under another name: its document says 127.0.0.1, not localhost.
    let asked = format!("http://localhost:{}", op.port());
    let err = endpoints::fetch_metadata(&HttpClient::new(), &asked)
        .await
        .expect_err("the issuer differs");
    match &err {
        DiscoveryError::IssuerMismatch {
            found, expected, ..
        } => {
            assert_eq!(found, &op.issuer);
            assert_eq!(expected, &asked);
        }
        other => panic!("not an issuer mismatch: {other}"),
    }
    assert!(!err.is_network(), "a misspelt issuer is the user's to fix");
    assert!(err.to_string().contains(&op.issuer), "{err}");
}

#[tokio::test]
async fn introspection_and_revocation_listed_only_in_rfc8414_metadata_are_found() {
    // Servers that do this exist; the test server does not, so a stub plays one.
    let server = TestServer::start(|_| Reply::new(404, "text/plain", "not found"));
    let issuer = server.base.clone();
    let oidc_doc = json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
    });
    let oauth_doc = json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/other-token"),
        "introspection_endpoint": format!("{issuer}/introspect"),
        "revocation_endpoint": format!("{issuer}/revoke"),
    });
    server.set(move |path| match path {
        "/.well-known/openid-configuration" => Reply::json(&oidc_doc),
        "/.well-known/oauth-authorization-server" => Reply::json(&oauth_doc),
        _ => Reply::new(404, "text/plain", "not found"),
    });
    let cache = DiscoveryCache::new();
    let http = HttpClient::new();
    let metadata = cache.get(&http, &issuer, false).await.unwrap();
    let resolved = endpoints::resolve(&profile(&issuer), Some(&metadata));
    let oauth_url = format!("{issuer}/.well-known/oauth-authorization-server");
    let introspection = of(&resolved, Endpoint::Introspection);
    assert_eq!(
        introspection.url.as_deref(),
        Some(format!("{issuer}/introspect").as_str())
    );
    assert_eq!(
        introspection.origin,
        Origin::Discovery {
            document: oauth_url.clone()
        }
    );
    assert_eq!(
        of(&resolved, Endpoint::Revocation).url.as_deref(),
        Some(format!("{issuer}/revoke").as_str())
    );
    // What the OIDC document says comes first.
    assert_eq!(
        of(&resolved, Endpoint::Token).url.as_deref(),
        Some(format!("{issuer}/token").as_str())
    );
    assert_eq!(server.requests(), 2);

    // Cached with the time it was fetched; a refresh asks again.
    let again = cache.get(&http, &issuer, false).await.unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(again.fetched_at, metadata.fetched_at);
    let refreshed = cache.get(&http, &issuer, true).await.unwrap();
    assert_eq!(server.requests(), 4);
    assert!(refreshed.fetched_at >= metadata.fetched_at);
}
