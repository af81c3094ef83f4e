//! The server side of the window: the Servers list and a profile's page (form, discovery,
//! Fetch), a token's actions and its Server tab, the exchange log dock, and the one place
//! that turns the user's server intents into worker commands and the worker's answers into
//! state (`apply`, `events`).

pub mod actions;
pub mod apply;
pub mod events;
pub mod exchange_log;
pub mod fetch;
mod flow_record;
mod groups;
pub mod list;
pub mod profiles;
pub mod server_tab;
