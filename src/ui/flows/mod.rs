//! Views that show how tokens came to be or set them against each other: the flow view (the
//! steps of a login, a fetch or a refresh) and the diff of two tokens (before and after a
//! refresh, access against ID token, two pasted ones).

pub mod compare;
mod device_code;
mod flow_step;
pub mod flow_view;
pub mod flows_window;
mod qr;
