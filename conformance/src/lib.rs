//! # wasibox-conformance
//!
//! The one suite that decides whether a backend is right. Cases are JSON files in the
//! upstream wasi-testsuite format (`args`, `env`, `dirs`, `exit_code`, `stdout`,
//! `stderr`) with our extensions (`guest`, `functions`, `stdin`, `version`,
//! `rights_policy`, `preopens`, `tree`, `reactor`/`invoke`; see `cases/README.md`). Each
//! case runs on every backend in a fresh copy of its fixtures; exit code, stdout, stderr
//! and the resulting directory trees are checked against the case and, differentially,
//! between backends. A backend from outside this crate (a port to a new OS) runs the
//! suite through [`port::Port`]: see `docs/porting.md`.
//!
//! This crate runs guests; it never changes the committed fixtures (each run works on a
//! temporary copy).

#![deny(missing_docs)]

pub mod case;
pub mod exec;
pub mod guests;
pub mod port;
pub mod probe;
pub mod suite;
pub mod tree;
