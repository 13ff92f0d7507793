//! `wasibox`: run and inspect WASI modules from the command line.
//!
//! The CLI only parses flags and wires a backend (the host's own by default: `posix`, or
//! `windows` on Windows; `mem` on request) to the core through the engine glue; all WASI
//! behaviour lives in the libraries.

mod inspect_cmd;
mod run_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Run and inspect WASI (preview1 and wasi_unstable) modules.
#[derive(Parser, Debug)]
#[command(name = "wasibox", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a WASI command module (.wasm or .wat).
    Run(Box<run_cmd::RunArgs>),
    /// Show a module's WASI imports, version, kind, and anything that would fail to link.
    Inspect(inspect_cmd::InspectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run_cmd::run(*args),
        Command::Inspect(args) => inspect_cmd::inspect(args),
    }
}

/// Read a module: binary wasm as is, text (`.wat` or anything that is not binary)
/// through the `wat` crate.
pub(crate) fn load_module(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    wat::parse_bytes(&bytes)
        .map(|b| b.into_owned())
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))
}
