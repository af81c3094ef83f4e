//! What kind of transport failure a request met: refused, TLS, a name that does not resolve,
//! or something else, with the innermost cause in the library's own words. Decided once, here,
//! on the errors' types; callers decide on the `Failure` and never on text built from it.

use std::error::Error as _;
use std::io;

use super::http::short;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    Tls,
    Dns,
    Refused,
}

impl Failure {
    fn words(self) -> &'static str {
        match self {
            Self::Tls => "TLS failed",
            Self::Dns => "the host name does not resolve",
            Self::Refused => "nothing answers on that port (is the server running?)",
        }
    }
}

/// The kind of failure, when it has one, and the innermost cause, which is the specific one
/// ("certificate not valid for name …"); the outer layers only repeat "error sending request".
pub(super) fn failure_of(e: &reqwest::Error) -> (Option<Failure>, String) {
    let causes = causes(e);
    let mut kind = tls_error(e).map(|_| Failure::Tls);
    for cause in &causes {
        match cause.downcast_ref::<io::Error>().map(io::Error::kind) {
            Some(io::ErrorKind::ConnectionRefused) => kind = kind.or(Some(Failure::Refused)),
            // While connecting, only the TLS handshake reads from the peer: an end of stream
            // there is a handshake cut short ("tls handshake eof").
            Some(io::ErrorKind::UnexpectedEof) if e.is_connect() => {
                kind = kind.or(Some(Failure::Tls));
            }
            _ => {}
        }
    }
    // A failed name lookup has no type to test: the resolver's error is an uncategorised
    // io::Error inside hyper's private ConnectError, whose own words are all there is.
    if e.is_connect() && causes.iter().any(|c| c.to_string() == "dns error") {
        kind = kind.or(Some(Failure::Dns));
    }
    let innermost = causes
        .last()
        .map_or_else(|| e.to_string(), ToString::to_string);
    (kind, short(&innermost))
}

/// The innermost cause of a failed request after a few plain words on its kind.
pub(super) fn plain_reason(e: &reqwest::Error) -> String {
    match failure_of(e) {
        (Some(kind), root) => format!("{}: {root}", kind.words()),
        (None, root) => root,
    }
}

/// The TLS error in a failed request's chain, if the failure was TLS's.
pub(super) fn tls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    causes(e)
        .into_iter()
        .find_map(|c| c.downcast_ref::<rustls::Error>())
}

/// Every cause of `e`, outermost first, looking inside each `io::Error` too: its `source()`
/// skips the error it wraps, and the socket's and rustls's errors are wrapped that way.
fn causes(e: &reqwest::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut found = Vec::new();
    let mut next = e.source();
    while let Some(cause) = next {
        found.push(cause);
        let mut wrapped = cause
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref);
        while let Some(inner) = wrapped {
            found.push(inner);
            wrapped = inner
                .downcast_ref::<io::Error>()
                .and_then(io::Error::get_ref);
        }
        next = cause.source();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    async fn failed(url: &str) -> reqwest::Error {
        reqwest::Client::new().get(url).send().await.unwrap_err()
    }

    #[tokio::test]
    async fn a_closed_port_is_refused() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let e = failed(&format!("http://127.0.0.1:{port}/jwks")).await;
        assert_eq!(failure_of(&e).0, Some(Failure::Refused));
        let reason = plain_reason(&e);
        assert!(
            reason.starts_with("nothing answers on that port (is the server running?): "),
            "{reason}"
        );
        assert!(!reason.contains("error sending request"), "{reason}");
    }

    /// A server on a free local port that reads one client's first bytes (a TLS client
    /// hello), answers `reply` (nothing: it just hangs up) and closes.
    async fn one_answer(reply: &'static [u8]) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut hello = [0u8; 512];
            let _ = socket.read(&mut hello).await;
            let _ = socket.write_all(reply).await;
        });
        port
    }

    #[tokio::test]
    async fn a_handshake_the_server_cuts_short_is_tls() {
        let port = one_answer(b"").await;
        let e = failed(&format!("https://127.0.0.1:{port}/jwks")).await;
        assert_eq!(failure_of(&e).0, Some(Failure::Tls), "{e:?}");
        assert!(plain_reason(&e).starts_with("TLS failed: "));
    }

    #[tokio::test]
    async fn a_plain_http_server_spoken_to_over_https_is_a_rustls_error() {
        let port = one_answer(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
        let e = failed(&format!("https://127.0.0.1:{port}/jwks")).await;
        assert!(tls_error(&e).is_some(), "{e:?}");
        assert_eq!(failure_of(&e).0, Some(Failure::Tls));
    }
}
