//! `raw`: one program, hundreds of cases, each calling preview1 directly.
//!
//! Usage: `raw CASE` (argv[1] is the case name; further arguments belong to the case).
//! `raw --list` prints `name<TAB>area<TAB>functions<TAB>dirs<TAB>policy` for every case.
//! Every case prints one line per check on stdout and exits 0 when every check gave
//! what the program expects (the expectation is encoded here), 1 otherwise, with a
//! `MISMATCH` line on stderr for each difference.
//!
//! File-system cases run in the `base` fixture, preopened as fd 3 (see
//! `conformance/cases/fixtures/base`), and a second preopen `other` as fd 4 when
//! the case asks for it.

use wasibox_guests::*;

mod cases_fd;
mod cases_misc;
mod cases_path;
mod cases_poll;
mod cases_rights;
mod cases_mem;

/// fd of the first preopen.
pub const D: u32 = 3;
/// fd of the second preopen (when the case has one).
pub const D2: u32 = 4;

pub struct Opts {
    /// `rights_policy: enforce`: a missing right gives ENOTCAPABLE instead of EBADF.
    pub enforce: bool,
    /// Extra arguments after the case name.
    pub args: Vec<String>,
}

pub struct Case {
    pub name: &'static str,
    pub area: &'static str,
    pub funcs: &'static str,
    pub dirs: &'static str,
    pub f: fn(&Opts),
}

#[macro_export]
macro_rules! case {
    ($name:ident, $area:literal, $funcs:literal, $dirs:literal) => {
        $crate::Case { name: stringify!($name), area: $area, funcs: $funcs, dirs: $dirs, f: $name }
    };
}

fn all_cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(cases_misc::cases());
    v.extend(cases_fd::cases());
    v.extend(cases_path::cases());
    v.extend(cases_poll::cases());
    v.extend(cases_mem::cases());
    v.extend(cases_rights::cases());
    v
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = all_cases();
    let Some(name) = args.get(1) else {
        eprintln!("usage: raw CASE | raw --list");
        std::process::exit(2);
    };
    if name == "--list" {
        for c in &cases {
            let policy = if c.name.ends_with("_enforce") { "enforce" } else { "compat" };
            say(&format!("{}\t{}\t{}\t{}\t{}", c.name, c.area, c.funcs, c.dirs, policy));
        }
        return;
    }
    let Some(c) = cases.iter().find(|c| c.name == name.as_str()) else {
        eprintln!("raw: unknown case {name}");
        std::process::exit(2);
    };
    let opts = Opts { enforce: name.ends_with("_enforce"), args: args[2..].to_vec() };
    (c.f)(&opts);
    finish();
}
