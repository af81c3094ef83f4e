//! Talking to authorization servers: HTTP, discovery and JWKS. Async, reqwest with rustls.

pub mod discovery;
pub mod http;
