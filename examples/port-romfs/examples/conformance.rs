//! The conformance runner for the ROM port:
//! `cargo run -p wasibox-example-romfs --example conformance -- [--filter TEXT] [-v] [--save FILE]`.

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    std::process::exit(wasibox_conformance::port::main(&support::adapter::RomPort));
}
