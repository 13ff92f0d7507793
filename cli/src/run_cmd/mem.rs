//! The mem backend: every `--dir` is copied into one in-memory filesystem at start (at
//! `/dirs/N`), the guest runs in a deterministic world (virtual clocks, seeded random),
//! and `--persist` writes the trees back to the host at exit. Stdin is read in full
//! before the run when it is not a terminal; stdout and stderr are in-memory pipes,
//! copied to the host's at exit.

use super::{fail, launch, Common, DirSpec, World};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

/// What `--backend mem` adds to a run.
pub(crate) struct MemOptions {
    /// `--seed`.
    pub(crate) seed: Option<u64>,
    /// `--persist`.
    pub(crate) persist: bool,
    /// `--mem-max-bytes`.
    pub(crate) max_bytes: Option<u64>,
    /// `--mem-max-inodes`.
    pub(crate) max_inodes: Option<u64>,
}

pub(crate) fn run(common: &Common, dirs: &[DirSpec], opts: &MemOptions) -> ExitCode {
    let mut config = MemConfig::default();
    if let Some(seed) = opts.seed {
        config.seed = seed;
    }
    if let Some(n) = opts.max_bytes {
        config.limits.max_bytes = n;
    }
    if let Some(n) = opts.max_inodes {
        config.limits.max_inodes = n;
    }
    let persist = opts.persist;
    let platform = MemPlatform::new(config);
    let fs = platform.fs().clone();
    let mut mounts = Vec::new();
    for (i, d) in dirs.iter().enumerate() {
        let at = format!("/dirs/{i}");
        if let Err(e) = fs.create_dir_all(&at) {
            return fail(format!("cannot create {at} in memory: {e:?}"));
        }
        if let Err(e) = fs.load_host_dir(&d.host, &at) {
            return crate::errors::usage_error(format!("cannot load directory {}: {e}", d.host.display()));
        }
        mounts.push((at, d));
    }
    let stdin = MemPipe::new();
    let host_stdin = std::io::stdin();
    if !host_stdin.is_terminal() {
        let mut buf = Vec::new();
        if host_stdin.lock().read_to_end(&mut buf).is_ok() {
            stdin.push(&buf);
        }
    }
    stdin.close_write();
    let stdout = MemPipe::new();
    let stderr = MemPipe::new();
    let mut handles = Vec::new();
    for (at, d) in &mounts {
        match platform.open_dir(at) {
            Ok(h) => handles.push((d.guest.clone(), h)),
            Err(e) => return fail(format!("cannot open {at} in memory: {e:?}")),
        }
    }
    let stdin = platform.pipe_handle(stdin, true, false);
    let stdout_h = platform.pipe_handle(stdout.clone(), false, true);
    let stderr_h = platform.pipe_handle(stderr.clone(), false, true);
    let world = World {
        platform,
        stdio: [Some(stdin), Some(stdout_h), Some(stderr_h)],
        preopens: handles,
        sockets: Vec::new(),
        backend: "mem",
    };
    let code = launch(common, world);
    let mut persist_error = None;
    if persist {
        for (at, d) in &mounts {
            if d.readonly {
                continue;
            }
            if let Err(e) = fs.store_to_host(at, &d.host) {
                persist_error = Some(format!("cannot write {} back: {e}", d.host.display()));
            }
        }
    }
    let _ = std::io::stdout().write_all(&stdout.take());
    let _ = std::io::stderr().write_all(&stderr.take());
    match persist_error {
        Some(e) => fail(e),
        None => code,
    }
}
