//! `wasibox inspect MODULE`.

use clap::Args;
use std::process::ExitCode;
use wasibox_core::inspect::inspect as inspect_module;
use wasibox_core::Version;

/// Arguments of `wasibox inspect`.
#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The module (.wasm or .wat; `-` reads it from stdin).
    module: String,
}

/// Print what the module imports from WASI and whether it would link. Exits 0 when it
/// would, 1 when something would fail to link, 2 when the file cannot be read, 125 when
/// it is not a module.
pub fn inspect(args: InspectArgs) -> ExitCode {
    let wasm = match crate::load_module(&args.module) {
        Ok(w) => w,
        Err(crate::LoadError::Read(e)) => return crate::errors::usage_error(e),
        Err(crate::LoadError::Parse(e)) => {
            eprintln!("wasibox: {e}");
            return ExitCode::from(125);
        }
    };
    let info = match inspect_module(&wasm) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("wasibox: {}: not a valid module: {e}", args.module);
            return ExitCode::from(125);
        }
    };
    let version = match info.wasi_version {
        Some(Version::Preview1) => "wasi_snapshot_preview1",
        Some(Version::Unstable) => "wasi_unstable",
        None => "none (imports no WASI functions)",
    };
    let kind = match (info.is_command, info.is_reactor) {
        (true, false) => "command (_start)",
        (false, true) => "reactor (_initialize)",
        (true, true) => "both _start and _initialize (node:wasi refuses to start it)",
        (false, false) => "neither command nor reactor (no _start, no _initialize)",
    };
    println!("module:  {}", args.module);
    println!("wasi:    {version}");
    println!("kind:    {kind}");
    println!(
        "memory:  {}",
        info.memory_export.as_deref().unwrap_or("not exported (WASI calls will see no memory)")
    );
    println!("imports: {} WASI function(s)", info.wasi_functions.len());
    for (v, f) in &info.wasi_functions {
        println!("  {}::{}", v.module(), f.name());
    }
    let other: Vec<_> = info.imports.iter().filter(|i| Version::from_module(&i.module).is_none()).collect();
    if !other.is_empty() {
        println!("other imports (not provided by wasibox):");
        for i in &other {
            println!("  {}::{}", i.module, i.name);
        }
    }
    let mut problems = info.problems.clone();
    for i in other {
        problems.push(format!("{}::{} is not provided by wasibox", i.module, i.name));
    }
    if problems.is_empty() {
        println!("link:    ok");
        ExitCode::SUCCESS
    } else {
        println!("link:    would fail");
        for p in problems {
            println!("  {p}");
        }
        ExitCode::from(1)
    }
}
