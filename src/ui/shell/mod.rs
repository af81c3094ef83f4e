//! The window around the token: toolbar, status line, workspace list, help overlay, and the
//! centre's first-run and unreadable-token views.

pub(super) mod empty;
pub(super) mod help;
pub(super) mod layout;
pub(super) mod status;
pub(super) mod tabs;
pub(super) mod toolbar;
pub(super) mod workspace;
