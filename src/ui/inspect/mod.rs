//! The selected token: its header strip, checklist and claims, the tree and raw views (with
//! their per-token models), and the side panel's verification and expectation forms.

pub(super) mod checklist;
pub(super) mod claims;
pub(super) mod expect;
pub(super) mod header;
pub(super) mod hints;
pub(super) mod pretty;
pub(super) mod raw;
pub(super) mod tree;
pub(super) mod tree_model;
pub(super) mod verify;
