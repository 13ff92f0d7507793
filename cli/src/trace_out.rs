//! `wasibox run --trace`: where the trace goes, in which format, for which calls, from
//! the flags or from the environment.
//!
//! | flag | variable | meaning |
//! |---|---|---|
//! | `--trace[=FILE]` | `WASIBOX_LOG=all` | trace; to FILE (`-`: stderr, the default) |
//! | `--trace-filter LIST` | `WASIBOX_LOG=LIST` | only these families or functions |
//! | `--trace-format text\|json` | `WASIBOX_LOG_FORMAT` | one strace-like line, or one JSON object, per call |
//! | | `WASIBOX_LOG_FILE` | where, when `--trace` does not say |
//!
//! `WASIBOX_LOG` is off when unset, empty, `0`, `off` or `none`; `1`, `on` or `all` trace
//! every call; anything else is a filter (`fd,path,clock_time_get`). A flag wins over its
//! variable; any of the three flags turns tracing on.

use clap::{Args, ValueEnum};
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use wasibox_core::{Filtered, TraceEvent, TraceFilter, Tracer};

/// The format of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TraceFormat {
    /// One strace-like line per call.
    Text,
    /// One JSON object per line (func, module, raw, args, errno, errno_name, results,
    /// exit, duration_ns).
    Json,
}

/// The tracing flags of `wasibox run`.
#[derive(Args, Debug, Default)]
pub(crate) struct TraceArgs {
    /// Log every WASI call (decoded arguments, result, errno, duration) to stderr, or to
    /// FILE with --trace=FILE. Also on with WASIBOX_LOG (see --help).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    trace: Option<String>,
    /// The trace's format [env: WASIBOX_LOG_FORMAT].
    #[arg(long, value_enum, value_name = "FORMAT")]
    trace_format: Option<TraceFormat>,
    /// Trace only these function families (args, clock, fd, path, poll, proc, random,
    /// sock) or functions (fd_write), comma-separated.
    #[arg(long, value_name = "LIST")]
    trace_filter: Option<String>,
}

/// The environment variables that configure tracing, as read from the process.
pub(crate) struct TraceEnv {
    /// `WASIBOX_LOG`.
    pub(crate) log: Option<OsString>,
    /// `WASIBOX_LOG_FILE`.
    pub(crate) file: Option<OsString>,
    /// `WASIBOX_LOG_FORMAT`.
    pub(crate) format: Option<OsString>,
}

impl TraceEnv {
    /// The process's environment.
    pub(crate) fn from_process() -> TraceEnv {
        TraceEnv {
            log: std::env::var_os("WASIBOX_LOG"),
            file: std::env::var_os("WASIBOX_LOG_FILE"),
            format: std::env::var_os("WASIBOX_LOG_FORMAT"),
        }
    }
}

/// Where the trace goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// The process's stderr.
    Stderr,
    /// A file, created (or truncated).
    File(std::path::PathBuf),
}

/// A resolved trace configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TraceConfig {
    pub(crate) format: TraceFormat,
    pub(crate) filter: TraceFilter,
    pub(crate) destination: Destination,
}

/// Decide from the flags and the environment whether to trace, and how. `Err` is a
/// user mistake (an unknown filter item, a bad variable value), reported with exit 2.
pub(crate) fn config(args: &TraceArgs, env: &TraceEnv) -> Result<Option<TraceConfig>, String> {
    let text = |name: &str, v: &OsString| {
        v.to_str().map(str::to_string).ok_or_else(|| format!("{name} is not valid UTF-8"))
    };
    let log = env.log.as_ref().map(|v| text("WASIBOX_LOG", v)).transpose()?;
    let log = log.as_deref().map(str::trim).filter(|v| !matches!(*v, "" | "0" | "off" | "none"));
    let flags_on = args.trace.is_some() || args.trace_format.is_some() || args.trace_filter.is_some();
    if !flags_on && log.is_none() {
        return Ok(None);
    }
    let filter = match (&args.trace_filter, log) {
        (Some(list), _) => TraceFilter::parse(list).map_err(|e| format!("--trace-filter: {e}"))?,
        (None, Some("1" | "on" | "all") | None) => TraceFilter::ALL,
        (None, Some(list)) => TraceFilter::parse(list).map_err(|e| format!("WASIBOX_LOG: {e}"))?,
    };
    let format = match (args.trace_format, &env.format) {
        (Some(f), _) => f,
        (None, None) => TraceFormat::Text,
        (None, Some(v)) => match text("WASIBOX_LOG_FORMAT", v)?.trim() {
            "" | "text" => TraceFormat::Text,
            "json" => TraceFormat::Json,
            other => return Err(format!("WASIBOX_LOG_FORMAT: unknown format \"{other}\" (text or json)")),
        },
    };
    let file = match (&args.trace, &env.file) {
        (Some(f), _) => Some(f.clone()),
        (None, Some(v)) => Some(text("WASIBOX_LOG_FILE", v)?),
        (None, None) => None,
    };
    let destination = match file.as_deref() {
        None | Some("-") => Destination::Stderr,
        Some("") => return Err("--trace= needs a file name (or - for stderr)".into()),
        Some(path) => Destination::File(path.into()),
    };
    Ok(Some(TraceConfig { format, filter, destination }))
}

/// A tracer that writes one line per call.
struct LineWriter {
    out: Box<dyn Write + Send>,
    format: TraceFormat,
    line: String,
    /// Calls are timed on the host's own clock: the platform's clocks are the guest's
    /// (virtual under --deterministic and mem, recorded under --record), and reading
    /// them would change the run.
    start: std::time::Instant,
}

impl Tracer for LineWriter {
    fn trace(&mut self, event: &TraceEvent<'_>) {
        self.line.clear();
        let _ = match self.format {
            TraceFormat::Text => event.write_text(&mut self.line),
            TraceFormat::Json => event.write_json(&mut self.line),
        };
        self.line.push('\n');
        // A trace that cannot be written must not change what the guest sees.
        let _ = self.out.write_all(self.line.as_bytes());
    }

    fn now(&mut self) -> Option<u64> {
        Some(u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX))
    }
}

impl TraceConfig {
    /// The tracer: opens (creates) the file now, so that a bad path is reported before
    /// the guest runs. Lines go to stderr one write each (they interleave with the
    /// guest's own stderr line by line, as strace's do); to a file, buffered, flushed
    /// when the run ends.
    pub(crate) fn tracer(&self) -> Result<Box<dyn Tracer>, String> {
        let out: Box<dyn Write + Send> = match &self.destination {
            Destination::Stderr => Box::new(std::io::stderr()),
            Destination::File(path) => {
                let file = File::create(path).map_err(|e| {
                    format!("cannot create trace file {}: {}", path.display(), crate::errors::io_text(&e))
                })?;
                Box::new(BufWriter::new(file))
            }
        };
        let writer =
            LineWriter { out, format: self.format, line: String::new(), start: std::time::Instant::now() };
        Ok(if self.filter == TraceFilter::ALL {
            Box::new(writer)
        } else {
            Box::new(Filtered { filter: self.filter, tracer: writer })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasibox_core::Func;

    fn env(log: Option<&str>, file: Option<&str>, format: Option<&str>) -> TraceEnv {
        TraceEnv { log: log.map(Into::into), file: file.map(Into::into), format: format.map(Into::into) }
    }

    #[test]
    fn off_unless_a_flag_or_the_variable_says_so() {
        let none = TraceArgs::default();
        assert_eq!(config(&none, &env(None, Some("t.log"), Some("json"))), Ok(None));
        for off in ["", "0", "off", "none"] {
            assert_eq!(config(&none, &env(Some(off), None, None)), Ok(None), "{off:?}");
        }
        let all = config(&none, &env(Some("all"), None, None)).unwrap().unwrap();
        assert_eq!(
            all,
            TraceConfig {
                format: TraceFormat::Text,
                filter: TraceFilter::ALL,
                destination: Destination::Stderr
            }
        );
    }

    #[test]
    fn the_variable_gives_a_filter_file_and_format_and_flags_win() {
        let none = TraceArgs::default();
        let c = config(&none, &env(Some("fd,path_open"), Some("t.log"), Some("json"))).unwrap().unwrap();
        assert!(c.filter.contains(Func::FdWrite) && c.filter.contains(Func::PathOpen));
        assert!(!c.filter.contains(Func::PathUnlinkFile));
        assert_eq!(c.destination, Destination::File("t.log".into()));
        assert_eq!(c.format, TraceFormat::Json);
        let flags = TraceArgs {
            trace: Some("-".into()),
            trace_format: Some(TraceFormat::Text),
            trace_filter: Some("clock".into()),
        };
        let c = config(&flags, &env(Some("fd"), Some("t.log"), Some("json"))).unwrap().unwrap();
        assert!(c.filter.contains(Func::ClockTimeGet) && !c.filter.contains(Func::FdWrite));
        assert_eq!((c.format, c.destination), (TraceFormat::Text, Destination::Stderr));
        let filter_only = TraceArgs { trace_filter: Some("path".into()), ..TraceArgs::default() };
        assert!(config(&filter_only, &env(None, None, None)).unwrap().is_some());
    }

    #[test]
    fn mistakes_are_named() {
        let none = TraceArgs::default();
        let e = config(&none, &env(Some("fd,bogus"), None, None)).unwrap_err();
        assert!(e.starts_with("WASIBOX_LOG: unknown function or family \"bogus\""), "{e}");
        let e = config(&none, &env(Some("all"), None, Some("yaml"))).unwrap_err();
        assert!(e.contains("WASIBOX_LOG_FORMAT"), "{e}");
        let bad = TraceArgs { trace_filter: Some("fd,".into()), ..TraceArgs::default() };
        assert!(config(&bad, &env(None, None, None)).unwrap_err().starts_with("--trace-filter: empty item"));
    }
}
