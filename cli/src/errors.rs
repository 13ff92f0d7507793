//! How the CLI reports a user's mistake: one line, `wasibox: error: ...`, exit status 2
//! (what clap and most Unix tools use for bad usage). Distinct from 125 (the module was
//! read but cannot be compiled or linked), 134 (the guest trapped) and the guest's own
//! exit code.

use clap::error::ErrorKind;
use std::process::ExitCode;

/// Exit status of a usage error.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Report a user's mistake and give the exit status for it.
pub(crate) fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("wasibox: error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

/// Report a command line clap refused, in one line (help and version go out as clap
/// writes them).
pub(crate) fn clap_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return if e.exit_code() == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_USAGE) };
        }
        _ => {}
    }
    usage_error(one_line(&e.to_string()))
}

/// clap's message without its usage block and "try --help" footer, on one line.
fn one_line(rendered: &str) -> String {
    let body = ["\nUsage:", "\nFor more information"]
        .iter()
        .filter_map(|cut| rendered.find(cut))
        .min()
        .map_or(rendered, |at| &rendered[..at]);
    let body = body.trim().strip_prefix("error:").unwrap_or(body).trim();
    let mut line = String::new();
    for part in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(part);
    }
    format!("{line} (see --help)")
}

/// An I/O error without the "(os error N)" tail.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(at) => s[..at].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_messages_become_one_line() {
        let rendered =
            "error: invalid value 'nope' for '--backend <BACKEND>'\n  [possible values: posix, mem]\n\n\
                        Usage: wasibox run [OPTIONS]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            super::one_line(rendered),
            "invalid value 'nope' for '--backend <BACKEND>' [possible values: posix, mem] (see --help)"
        );
    }
}
