//! `std_io MODE`: stdin, stdout and stderr through Rust std.
//!
//! Modes: `upper` copies stdin to stdout upper-cased, line by line, and reports the line
//! count on stderr; `wc` prints byte, line and word counts of stdin; `interleave`
//! alternates writes to stdout and stderr; `big` writes 1 000 numbered lines to stdout;
//! `bytes` reads stdin as raw bytes and prints them in hex.

use std::io::{self, BufRead, Read, Write};

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    match mode.as_str() {
        "upper" => {
            let mut n = 0;
            for line in stdin.lock().lines() {
                writeln!(out, "{}", line.unwrap().to_uppercase()).unwrap();
                n += 1;
            }
            out.flush().unwrap();
            eprintln!("{n} lines");
        }
        "wc" => {
            let mut s = String::new();
            stdin.lock().read_to_string(&mut s).unwrap();
            writeln!(out, "{} {} {}", s.len(), s.lines().count(), s.split_whitespace().count()).unwrap();
        }
        "interleave" => {
            for i in 0..5 {
                writeln!(out, "out {i}").unwrap();
                out.flush().unwrap();
                eprintln!("err {i}");
            }
        }
        "big" => {
            let mut w = io::BufWriter::new(out);
            for i in 0..1_000 {
                writeln!(w, "line {i}").unwrap();
            }
            w.flush().unwrap();
            eprintln!("done");
        }
        "bytes" => {
            let mut v = Vec::new();
            stdin.lock().read_to_end(&mut v).unwrap();
            let hex: Vec<String> = v.iter().map(|b| format!("{b:02x}")).collect();
            writeln!(out, "{} bytes: {}", v.len(), hex.join(" ")).unwrap();
        }
        _ => {
            eprintln!("unknown mode {mode:?}");
            std::process::exit(2);
        }
    }
}
