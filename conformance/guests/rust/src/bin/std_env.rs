//! `std_env MODE...`: arguments, environment and exit codes through Rust std.
//!
//! Modes: `args` prints every argument after the mode (Debug-quoted); `env` prints the
//! environment sorted by key; `get NAME...` prints std::env::var for each name;
//! `exit CODE` exits with CODE after printing a line; `cwd` prints whether
//! current_dir works.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("");
    match mode {
        "args" => {
            println!("{} arguments after the mode", args.len() - 2);
            for (i, a) in args.iter().enumerate().skip(2) {
                println!("arg {i}: {a:?} ({} bytes)", a.len());
            }
        }
        "args_os" => {
            for a in std::env::args_os().skip(2) {
                println!("{:?}", a);
            }
        }
        "env" => {
            let mut vars: Vec<(String, String)> = std::env::vars().collect();
            vars.sort();
            println!("{} variables", vars.len());
            for (k, v) in vars {
                println!("{k:?} = {v:?}");
            }
        }
        "get" => {
            for name in &args[2..] {
                match std::env::var(name) {
                    Ok(v) => println!("{name}: {v:?}"),
                    Err(e) => println!("{name}: error: {e}"),
                }
            }
        }
        "exit" => {
            let code: i32 = args[2].parse().unwrap();
            println!("exit {code}");
            eprintln!("bye");
            std::process::exit(code);
        }
        "cwd" => match std::env::current_dir() {
            Ok(p) => println!("current_dir: {}", p.display()),
            Err(e) => println!("current_dir: error {:?}", e.kind()),
        },
        _ => {
            eprintln!("unknown mode {mode:?}");
            std::process::exit(2);
        }
    }
}
