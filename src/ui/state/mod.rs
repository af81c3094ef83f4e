//! What the window holds: the run-time state (tokens, selection, jobs), one token's entry and
//! its caches, the intents panels return, and the settings eframe saves.

pub(super) mod app_state;
pub(super) mod entry;
pub(super) mod exchange_log;
pub mod flow_run;
pub(super) mod flows;
pub(super) mod intent;
pub(super) mod servers;
pub(super) mod settings;
