//! Talking to authorization servers: HTTP, discovery, JWKS and the OAuth endpoints (token,
//! introspection, revocation, userinfo, any API). Async, reqwest with rustls. Every call
//! keeps its `Exchange`; an OAuth error response is a result, not a transport failure.
//! The interactive flows (authorization code + PKCE, device) are in `flow`.

pub mod client_auth;
pub mod discovery;
pub mod endpoints;
pub mod error;
pub mod exchange;
mod failure;
pub mod flow;
pub mod grants;
pub mod http;
pub mod id_token;
pub mod loopback;
pub mod outcome;
pub mod request;
pub mod warning;
pub mod www_authenticate;
