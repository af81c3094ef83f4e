//! Colours, text sizes and the small widgets every area shares, and presenter-mode masking.

pub(super) mod mask;
pub(super) mod secret_field;
pub(super) mod style;
