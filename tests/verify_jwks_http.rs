//! JWKS and discovery over HTTP against a local server: caching, one refetch on an unknown
//! kid after rotation, the cooldown, and clear errors for what is not a JWKS.

#[path = "util/sign.rs"]
mod sign;
mod util;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sign::{TestKey, sign_jws};
use tokenscope::jose::KeySource;
use tokenscope::oauth::discovery::{KeyResolver, REFETCH_COOLDOWN};
use tokenscope::token::parse::{Jws, Token};
use tokenscope::token::report::SignatureStatus;
use util::http_server::{Reply, TestServer};

fn jws(text: &str) -> Jws {
    match tokenscope::token::parse(text).unwrap() {
        Token::Jws(j) => j,
        _ => panic!("not a JWS"),
    }
}

struct Keys {
    k1: TestKey,
    k2: TestKey,
}

fn setup() -> (Arc<Keys>, String, String) {
    let keys = Arc::new(Keys {
        k1: TestKey::for_alg("RS256"),
        k2: TestKey::for_alg("RS256"),
    });
    let claims = json!({"sub": "alice"});
    let t1 = sign_jws(&keys.k1, &json!({"alg": "RS256", "kid": "k1"}), &claims);
    let t2 = sign_jws(&keys.k2, &json!({"alg": "RS256", "kid": "k2"}), &claims);
    (keys, t1, t2)
}

fn serve(keys: &Arc<Keys>, both: bool) -> impl Fn(&str) -> Reply + Send + Sync + 'static {
    let keys = keys.clone();
    move |_| {
        let mut list = vec![keys.k1.jwk(Some("k1"))];
        if both {
            list.push(keys.k2.jwk(Some("k2")));
        }
        Reply::json(&json!({ "keys": list }))
    }
}

/// A server holding only k1, a resolver with `cooldown` that has fetched it once (verifying
/// t1), the source naming it, and t2, signed by the key the server does not hold yet.
async fn fetched_once(
    cooldown: Duration,
) -> (Arc<Keys>, String, TestServer, KeyResolver, KeySource) {
    let (keys, t1, t2) = setup();
    let server = TestServer::start(serve(&keys, false));
    let resolver = KeyResolver::with_cooldown(cooldown);
    let source = KeySource::JwksUrl(server.url("/jwks"));
    assert_eq!(
        resolver.verify(&jws(&t1), &source).await.status,
        SignatureStatus::Valid
    );
    (keys, t2, server, resolver, source)
}

#[tokio::test]
async fn kid_found_and_cached() {
    let (keys, t1, _) = setup();
    let server = TestServer::start(serve(&keys, false));
    let resolver = KeyResolver::new();
    let source = KeySource::JwksUrl(server.url("/jwks"));
    for _ in 0..3 {
        let v = resolver.verify(&jws(&t1), &source).await;
        assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
        assert!(
            v.warnings
                .iter()
                .any(|w| w.contains("plain http from a loopback host")),
            "http is accepted for loopback, with a notice: {:?}",
            v.warnings
        );
    }
    assert_eq!(server.requests(), 1, "the JWKS is cached in memory");
}

#[tokio::test]
async fn unknown_kid_refetches_once_and_finds_the_rotated_key() {
    let (keys, t2, server, resolver, source) = fetched_once(Duration::ZERO).await;
    server.set(serve(&keys, true));
    let v = resolver.verify(&jws(&t2), &source).await;
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
    assert_eq!(server.requests(), 2, "exactly one refetch");
}

#[tokio::test]
async fn cooldown_prevents_a_refetch_and_the_error_names_the_kids() {
    let (keys, t2, server, resolver, source) = fetched_once(REFETCH_COOLDOWN).await;
    server.set(serve(&keys, true));
    for _ in 0..3 {
        let v = resolver.verify(&jws(&t2), &source).await;
        assert_eq!(v.status, SignatureStatus::Invalid);
        assert!(
            v.detail.starts_with(&format!(
                "no key with kid \"k2\" at {} (keys there: \"k1\"); not refetched: the JWKS was fetched ",
                server.url("/jwks")
            )) && v.detail.ends_with("s ago and is refetched at most every 30 s"),
            "{}",
            v.detail
        );
    }
    assert_eq!(server.requests(), 1, "no refetch within the 30 s cooldown");
}

#[tokio::test]
async fn a_failed_refetch_keeps_the_first_answer_and_says_why() {
    let (_, t2, server, resolver, source) = fetched_once(Duration::ZERO).await;
    server.set(|_| Reply::new(503, "text/plain", "maintenance"));
    let v = resolver.verify(&jws(&t2), &source).await;
    assert_eq!(v.status, SignatureStatus::Invalid, "{v:?}");
    assert!(v.detail.contains("no key with kid \"k2\""), "{}", v.detail);
    assert!(
        v.warnings
            .iter()
            .any(|w| w.contains("refetching it failed") && w.contains("503")),
        "{:?}",
        v.warnings
    );
}

#[tokio::test]
async fn html_and_oversized_bodies_are_clear_errors() {
    let (_, t1, _) = setup();
    let server = TestServer::start(|path| {
        if path == "/big" {
            Reply::new(200, "application/json", vec![b' '; 1024 * 1024 + 10])
        } else {
            Reply::new(
                200,
                "text/html",
                "<!doctype html><html><head><title>Sign in - Corporate Proxy</title></head></html>",
            )
        }
    });
    let resolver = KeyResolver::new();
    let err = resolver
        .try_verify(&jws(&t1), &KeySource::JwksUrl(server.url("/jwks")))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("an HTML page instead of JSON") && msg.contains("Sign in - Corporate Proxy"),
        "{msg}"
    );
    assert!(err.is_network());

    let err = resolver
        .try_verify(&jws(&t1), &KeySource::JwksUrl(server.url("/big")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("more than 1 MiB"), "{err}");
}

#[tokio::test]
async fn plain_http_is_refused_for_remote_hosts() {
    let (_, t1, _) = setup();
    let err = KeyResolver::new()
        .try_verify(
            &jws(&t1),
            &KeySource::JwksUrl("http://keys.example.com/jwks".into()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("only loopback hosts"), "{err}");
}

#[tokio::test]
async fn discovery_checks_the_issuer_exactly_and_falls_back_to_rfc8414() {
    let (keys, t1, _) = setup();
    let server = TestServer::start(|_| Reply::json(&json!({})));
    let base = server.base.clone();
    let k = keys.clone();
    server.set(move |path| match path {
        "/.well-known/oauth-authorization-server" => {
            Reply::json(&json!({"issuer": base, "jwks_uri": format!("{base}/keys")}))
        }
        "/keys" => Reply::json(&json!({"keys": [k.k1.jwk(Some("k1"))]})),
        _ => Reply::new(404, "text/plain", "not found"),
    });
    let resolver = KeyResolver::new();
    let v = resolver
        .verify(&jws(&t1), &KeySource::Issuer(server.base.clone()))
        .await;
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);

    let err = resolver
        .try_verify(&jws(&t1), &KeySource::Issuer(format!("{}/", server.base)))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("the expected value has a trailing '/' that the metadata does not"),
        "{msg}"
    );
}

#[test]
fn cli_exit_status_3_when_the_jwks_is_not_json() {
    let server = TestServer::start(|_| {
        Reply::new(502, "text/html", "<html><title>Bad Gateway</title></html>")
    });
    let (_, t1, _) = setup();
    let run = util::tokenscope(&["inspect", "--jwks-url", &server.url("/jwks"), &t1], "");
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("HTTP 502") && run.stderr.contains("Bad Gateway"),
        "{}",
        run.stderr
    );
}

#[test]
fn server_words_cannot_write_escape_sequences_to_the_terminal() {
    let server = TestServer::start(|_| {
        Reply::new(
            502,
            "text/html",
            "<html><title>\u{1b}]0;owned\u{7}\u{1b}[2JBad Gateway</title></html>",
        )
    });
    let (_, t1, _) = setup();
    let run = util::tokenscope(&["inspect", "--jwks-url", &server.url("/jwks"), &t1], "");
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("Bad Gateway"), "{}", run.stderr);
    for output in [&run.stderr, &run.stdout] {
        assert!(!output.contains(['\u{1b}', '\u{7}']), "{output:?}");
    }
}

#[tokio::test]
async fn redirects_only_within_the_same_origin() {
    let (keys, t1, _) = setup();
    let other = TestServer::start(serve(&keys, false));
    let elsewhere = other.url("/jwks");
    let k = keys.clone();
    let server = TestServer::start(move |path| match path {
        "/moved" => Reply::redirect("/jwks"),
        "/away" => Reply::redirect(&elsewhere),
        "/loop" => Reply::redirect("/loop"),
        _ => Reply::json(&json!({"keys": [k.k1.jwk(Some("k1"))]})),
    });
    let resolver = KeyResolver::new();
    let v = resolver
        .verify(&jws(&t1), &KeySource::JwksUrl(server.url("/moved")))
        .await;
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);

    let err = resolver
        .try_verify(&jws(&t1), &KeySource::JwksUrl(server.url("/away")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another origin"), "{err}");
    assert_eq!(other.requests(), 0, "the other origin is never contacted");

    let err = resolver
        .try_verify(&jws(&t1), &KeySource::JwksUrl(server.url("/loop")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("more than 3 times"), "{err}");
}

#[test]
fn cli_still_reports_every_token_when_the_key_cannot_be_fetched() {
    let server = TestServer::start(|_| Reply::new(503, "text/plain", "maintenance"));
    let (_, t1, t2) = setup();
    let response = json!({"access_token": t1, "id_token": t2}).to_string();
    let run = util::tokenscope(
        &["inspect", "--json", "--jwks-url", &server.url("/jwks")],
        &response,
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("HTTP 503").count(),
        1,
        "said once: {}",
        run.stderr
    );
    let reports = run.json();
    assert_eq!(reports.as_array().unwrap().len(), 2, "nothing is lost");
    for r in reports.as_array().unwrap() {
        assert_eq!(r["signature"]["status"], "unverified");
        assert!(
            r["signature"]["detail"]
                .as_str()
                .unwrap()
                .contains("maintenance"),
            "{}",
            r["signature"]
        );
    }
}

#[test]
fn an_unusable_url_is_bad_input_not_a_network_failure() {
    let (_, t1, _) = setup();
    for args in [
        ["--jwks-url", "http://example.com/jwks.json"],
        ["--discover", "login.example.com"],
    ] {
        let run = util::tokenscope(&["inspect", args[0], args[1], &t1], "");
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(args[1]), "{}", run.stderr);
    }
}

#[test]
fn a_bad_jwks_uri_is_the_server_at_fault_and_a_misspelt_issuer_the_user() {
    let (_, t1, _) = setup();
    let server = TestServer::start(|_| Reply::json(&json!({})));
    let base = server.base.clone();
    server.set(move |path| match path {
        "/.well-known/openid-configuration" => {
            Reply::json(&json!({"issuer": base, "jwks_uri": "http://keys.example.com/jwks"}))
        }
        _ => Reply::new(404, "text/plain", "not found"),
    });
    let run = util::tokenscope(&["inspect", "--discover", &server.base, &t1], "");
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the jwks_uri in the discovery document at")
            && run.stderr.contains("refusing plain http://"),
        "{}",
        run.stderr
    );

    let slash = format!("{}/", server.base);
    let run = util::tokenscope(&["inspect", "--discover", &slash, &t1], "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("trailing '/'"), "{}", run.stderr);
}

#[tokio::test]
async fn a_jwks_with_a_byte_order_mark_is_read() {
    let (keys, t1, _) = setup();
    let k = keys.clone();
    let server = TestServer::start(move |_| {
        let body = format!("\u{feff}{}", json!({"keys": [k.k1.jwk(Some("k1"))]}));
        Reply::new(200, "application/json", body)
    });
    let v = KeyResolver::new()
        .verify(&jws(&t1), &KeySource::JwksUrl(server.url("/jwks")))
        .await;
    assert_eq!(v.status, SignatureStatus::Valid, "{}", v.detail);
}

#[tokio::test]
async fn an_unknown_kid_with_keyless_keys_says_both_after_the_refetch() {
    let (keys, _, _) = setup();
    let k = keys.clone();
    let server = TestServer::start(move |_| {
        Reply::json(&json!({"keys": [k.k1.jwk(Some("k1")), k.k1.jwk(None)]}))
    });
    let token = sign_jws(
        &keys.k2,
        &json!({"alg": "RS256", "kid": "zz"}),
        &json!({"sub": "a"}),
    );
    let v = KeyResolver::with_cooldown(Duration::ZERO)
        .verify(&jws(&token), &KeySource::JwksUrl(server.url("/jwks")))
        .await;
    assert_eq!(v.status, SignatureStatus::Invalid);
    assert!(
        v.detail.starts_with(&format!(
            "no key with kid \"zz\" at {} (keys there: \"k1\"), and the keys without a kid did not verify it: ",
            server.url("/jwks")
        )),
        "{}",
        v.detail
    );
    assert_eq!(server.requests(), 2, "one refetch for the unknown kid");
}
