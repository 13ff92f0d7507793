//! `wasibox`: run and inspect WASI modules from the command line.
//!
//! The CLI only parses flags and wires a backend (the host's own by default: `posix`, or
//! `windows` on Windows; `mem` on request) to the core through the engine glue; all WASI
//! behaviour lives in the libraries.

mod errors;
mod inspect_cmd;
mod run_cmd;
mod trace_out;

use clap::{CommandFactory, Parser, Subcommand};
use std::io::Read;
use std::process::ExitCode;

/// `wasibox --version --verbose`-like detail for `--version`.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nWASI: wasi_snapshot_preview1, wasi_unstable",
    "\nengines: wasmtime, wasmi",
    "\nbackends: posix (Unix), windows (Windows), mem (everywhere)"
);

const EXAMPLES: &str = "\
Examples:
  wasibox run hello.wasm                          run a program
  wasibox run --dir ./data::/data app.wasm -v in  preopen ./data as /data; -v and in go to the guest
  wasibox run --backend mem --seed 7 app.wasm     a deterministic run in memory
  wasibox run --trace app.wasm                    log every WASI call to stderr
  wasibox run --trace=calls.jsonl --trace-format json --trace-filter fd,path app.wasm
  WASIBOX_LOG=path,fd_write wasibox run app.wasm  the same switch from the environment
  wasibox run - < app.wasm                        read the module from stdin
  wasibox inspect app.wasm                        its WASI imports, and whether it links
  wasibox completions bash > ~/.local/share/bash-completion/completions/wasibox

Exit status: the guest's exit code (low 8 bits); 128+N if it raised signal N;
2 for a usage error (unknown flag or value, missing module file, bad --dir);
125 if the module cannot be compiled or linked; 134 if the guest traps.";

/// Run and inspect WASI (preview1 and wasi_unstable) modules.
#[derive(Parser, Debug)]
#[command(name = "wasibox", version, long_version = LONG_VERSION, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a WASI command module (.wasm or .wat; `-` reads it from stdin).
    #[command(after_help = run_cmd::RUN_EXAMPLES)]
    Run(Box<run_cmd::RunArgs>),
    /// Show a module's WASI imports, version, kind, and anything that would fail to link.
    Inspect(inspect_cmd::InspectArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return errors::clap_error(e),
    };
    match cli.command {
        Command::Run(args) => run_cmd::run(*args),
        Command::Inspect(args) => inspect_cmd::inspect(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "wasibox", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// Why a module could not be loaded.
pub(crate) enum LoadError {
    /// The file could not be read: the user's mistake (exit 2).
    Read(String),
    /// It was read but is neither binary wasm nor valid text (exit 125).
    Parse(String),
}

/// Read a module: binary wasm as is, text (`.wat` or anything that is not binary)
/// through the `wat` crate. `-` is standard input.
pub(crate) fn load_module(path: &str) -> Result<Vec<u8>, LoadError> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).map_err(|e| {
            LoadError::Read(format!("cannot read the module from stdin: {}", errors::io_text(&e)))
        })?;
        buf
    } else {
        std::fs::read(path)
            .map_err(|e| LoadError::Read(format!("cannot read module {path}: {}", errors::io_text(&e))))?
    };
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    let name = if path == "-" { "<stdin>" } else { path };
    wat::parse_bytes(&bytes)
        .map(|b| b.into_owned())
        .map_err(|e| LoadError::Parse(format!("cannot parse {name}: {e}")))
}
