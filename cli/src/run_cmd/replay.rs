//! `--record FILE` and `--replay FILE`: a run's every host input saved to a log, and the
//! run again from that log alone (see `wasibox_core::replay` for the format).

use super::{exit_code, fail, run_guest, Common, EngineArg, World};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wasibox_core::replay::{digest, Recorder, Replayer, RunSetup};
use wasibox_core::{Platform, Tracer};

/// Exit status of a replay that left its recording.
pub(crate) const EXIT_DIVERGED: u8 = 121;

/// Run the guest in `world` through a [`Recorder`] writing to `path`.
pub(crate) fn record<P: Platform + 'static>(common: &Common, world: World<P>, path: &Path) -> ExitCode {
    let file = match File::create(path) {
        Ok(f) => BufWriter::new(f),
        Err(e) => return fail(format!("cannot create the recording {}: {e}", path.display())),
    };
    let backend = world.backend;
    let recorder = Recorder::new(world.platform, file);
    // Adopted in descriptor order: stdio, then preopens, then sockets.
    let world = adopt_all(Unadopted {
        platform: recorder,
        stdio: world.stdio,
        preopens: world.preopens,
        sockets: world.sockets,
        backend,
    });
    let setup = RunSetup {
        module_digest: digest([common.wasm.as_slice()]),
        module_len: common.wasm.len() as u64,
        version: common.version,
        policy: common.policy,
        limits: common.limits,
        args: common.args.iter().map(|a| a.as_bytes().to_vec()).collect(),
        env: common.env.iter().map(|(k, v)| format!("{k}={v}").into_bytes()).collect(),
        stdio: world.stdio.each_ref().map(|h| h.as_ref().map(|h| h.id())),
        preopens: world.preopens.iter().map(|(g, h)| (g.clone(), h.id())).collect(),
        sockets: world.sockets.iter().map(|h| h.id()).collect(),
        handles: 0,
        note: note(backend, common),
    };
    if let Err(e) = world.platform.start(&setup) {
        return fail(format!("cannot write the recording {}: {e}", path.display()));
    }
    let ctx = match world.build(common) {
        Ok(ctx) => ctx,
        Err(e) => return fail(e),
    };
    let (result, ctx) = run_guest(common, ctx);
    if let Err(e) = ctx.platform().finish(&result) {
        let _ = exit_code(result);
        return fail(format!("cannot write the recording {}: {e}", path.display()));
    }
    exit_code(result)
}

/// A world whose platform is the recorder but whose handles are still the inner platform's.
struct Unadopted<P: Platform> {
    platform: Recorder<P>,
    stdio: [Option<P::Handle>; 3],
    preopens: Vec<(String, P::Handle)>,
    sockets: Vec<P::Handle>,
    backend: &'static str,
}

fn adopt_all<P: Platform>(w: Unadopted<P>) -> World<Recorder<P>> {
    let rec = w.platform;
    let [a, b, c] = w.stdio;
    let stdio = [a.map(|h| rec.adopt(h)), b.map(|h| rec.adopt(h)), c.map(|h| rec.adopt(h))];
    let preopens = w.preopens.into_iter().map(|(g, h)| (g, rec.adopt(h))).collect();
    let sockets = w.sockets.into_iter().map(|h| rec.adopt(h)).collect();
    World { platform: rec, stdio, preopens, sockets, backend: w.backend }
}

/// What the recording says about where it was made, for people reading it.
fn note(backend: &str, common: &Common) -> String {
    let mut n = format!("wasibox {} run, backend {backend}", env!("CARGO_PKG_VERSION"));
    if let Some(d) = &common.deterministic {
        n.push_str(&format!(", deterministic (seed {})", d.seed));
    }
    n
}

/// `wasibox run --replay LOG MODULE [ARGS]...`.
pub(crate) fn replay(
    log: &Path,
    module: &str,
    wasm: Vec<u8>,
    args: &[String],
    engine: EngineArg,
    cache_dir: Option<PathBuf>,
    tracer: Option<Box<dyn Tracer>>,
) -> ExitCode {
    let bytes = match std::fs::read(log) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read the recording {}: {e}", log.display())),
    };
    let replayer = match Replayer::new(bytes) {
        Ok(r) => r,
        Err(e) => return fail(format!("{} is not a usable recording: {e}", log.display())),
    };
    let setup = replayer.setup().clone();
    if digest([wasm.as_slice()]) != setup.module_digest || wasm.len() as u64 != setup.module_len {
        eprintln!(
            "wasibox: warning: {module} is not the module that was recorded ({} bytes, digest {:016x}; \
             the recording's: {} bytes, digest {:016x}); replaying it anyway",
            wasm.len(),
            digest([wasm.as_slice()]),
            setup.module_len,
            setup.module_digest
        );
    }
    let text = |b: &Vec<u8>| String::from_utf8_lossy(b).into_owned();
    let mut guest_args: Vec<String> = setup.args.iter().map(text).collect();
    if !args.is_empty() {
        guest_args.truncate(1);
        guest_args.extend(args.iter().cloned());
    }
    let env = setup
        .env
        .iter()
        .map(|kv| {
            let kv = text(kv);
            match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv, String::new()),
            }
        })
        .collect();
    let common = Common {
        wasm,
        args: guest_args,
        env,
        version: setup.version,
        policy: setup.policy,
        limits: setup.limits,
        trace: std::cell::Cell::new(tracer),
        engine,
        cache_dir,
        deterministic: None,
        record: None,
    };
    // What the recorded run wrote to its stdout and stderr is shown again, as it comes.
    for (id, fd) in [(setup.stdio[1], 1), (setup.stdio[2], 2)] {
        if let Some(id) = id {
            replayer.set_output(id, move |b| {
                let _ = if fd == 1 {
                    write_flushed(std::io::stdout().lock(), b)
                } else {
                    write_flushed(std::io::stderr().lock(), b)
                };
            });
        }
    }
    let handle = |id: u32| replayer.handle(id);
    let stdio = setup.stdio.map(|id| id.and_then(handle));
    let preopens: Option<Vec<_>> =
        setup.preopens.iter().map(|(g, id)| handle(*id).map(|h| (g.clone(), h))).collect();
    let sockets: Option<Vec<_>> = setup.sockets.iter().map(|id| handle(*id)).collect();
    let (Some(preopens), Some(sockets)) = (preopens, sockets) else {
        return fail(format!("{} names a handle it never adopted", log.display()));
    };
    let world = World { platform: replayer, stdio, preopens, sockets, backend: "replay" };
    let ctx = match world.build(&common) {
        Ok(ctx) => ctx,
        Err(e) => return fail(e),
    };
    let (result, ctx) = run_guest(&common, ctx);
    match ctx.platform().finish(&result) {
        Ok(()) => exit_code(result),
        Err(d) => {
            eprintln!("wasibox: the replay diverged from {}: {d}", log.display());
            ExitCode::from(EXIT_DIVERGED)
        }
    }
}

fn write_flushed(mut w: impl Write, b: &[u8]) -> std::io::Result<()> {
    w.write_all(b)?;
    w.flush()
}
