//! The conformance runner for the ROM port:
//! `cargo run -p wasibox-example-romfs --example conformance -- [--filter TEXT] [-v] [--save FILE]`.

#[path = "../tests/adapter/mod.rs"]
mod adapter;

fn main() {
    std::process::exit(wasibox_conformance::port::main(&adapter::RomPort));
}
