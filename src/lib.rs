//! tokenscope: a token inspector for OAuth 2.0 and OpenID Connect.

pub mod cli;
pub mod config;
pub mod jose;
pub mod oauth;
pub mod ops;
pub mod profiles;
pub mod secrets;
pub mod sensitive;
pub mod token;
pub mod ui;
pub mod worker;
