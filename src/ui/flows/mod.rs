//! Views that set tokens against each other or against what happened: the diff of two
//! tokens (before and after a refresh, access against ID token, two pasted ones).

pub mod compare;
