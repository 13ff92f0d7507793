//! What the tests and the conformance runner (`examples/conformance.rs`) share.

pub mod adapter;
pub mod board;
