//! The ROM port the way a firmware uses it: the demo image, a board, a context with the
//! image's root preopened at `/` and the console as stdio, and a real wasm module run by
//! the wasmi engine glue.

#[path = "support/board.rs"]
#[allow(dead_code)] // `with_input` serves the conformance adapter
mod board;

use board::{TestBoard, EPOCH_NS};
use wasibox_core::engine::wasmi::run_command;
use wasibox_core::engine::Outcome;
use wasibox_core::WasiCtx;
use wasibox_example_romfs::demo::DEMO_IMAGE;
use wasibox_example_romfs::random::SplitMix64;
use wasibox_example_romfs::{RomConfig, RomImage, RomPlatform, Stream};

const SEED: u64 = 42;

/// Run `wat` on the demo image; (outcome, stdout).
fn run(wat: &str) -> (Outcome, String) {
    let image = RomImage::new(DEMO_IMAGE).expect("the demo image is valid");
    let platform =
        RomPlatform::new(image, TestBoard::default(), RomConfig { epoch_ns: EPOCH_NS, seed: SEED });
    let root = platform.open_dir("/").expect("the root");
    let (stdin, stdout, stderr) =
        (platform.console(Stream::Stdin), platform.console(Stream::Stdout), platform.console(Stream::Stderr));
    let ctx = WasiCtx::builder(platform)
        .arg("tour.wasm")
        .preopen("/", root)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .build()
        .expect("a context");
    let wasm = wat::parse_str(wat).expect("valid WAT");
    let (outcome, store) = run_command(&wasmi::Engine::default(), &wasm, ctx);
    let platform = store.into_data().into_platform();
    let stdout = String::from_utf8(platform.board().stdout.take()).expect("UTF-8 output");
    (outcome.expect("the guest runs"), stdout)
}

fn number(line: Option<&str>, label: &str) -> u64 {
    let line = line.unwrap_or_else(|| panic!("no {label} line"));
    let n = line.strip_prefix(label).unwrap_or_else(|| panic!("{line:?} is not {label}"));
    n.parse().unwrap_or_else(|_| panic!("{line:?}: not a number"))
}

#[test]
fn a_guest_lists_reads_cannot_write_and_reads_clocks_and_random() {
    let (outcome, out) = run(include_str!("guests/tour.wat"));
    assert_eq!(outcome, Outcome::Exit(0));
    let head: Vec<&str> = out.lines().take(9).collect();
    let expected = [
        "listing:",
        "3 .",
        "3 ..",
        "4 hello.txt",
        "3 etc",
        "Hello from the ROM!",
        "create new.txt: errno 69",             // EROFS
        "open hello.txt for writing: errno 69", // EROFS
        "mkdir etc: errno 20",                  // EEXIST: Linux reports it before EROFS
    ];
    assert_eq!(head, expected, "whole output:\n{out}");
    let mut lines = out.lines().skip(9);
    let monotonic = number(lines.next(), "monotonic ");
    let realtime = number(lines.next(), "realtime ");
    let random = number(lines.next(), "random ");
    let after_poll = number(lines.next(), "after poll ");
    assert!(monotonic > 0, "the tick counter moved");
    assert!(realtime > EPOCH_NS + monotonic, "realtime is the epoch plus the ticks: {realtime}");
    let mut expected = [0u8; 8];
    SplitMix64::new(SEED).fill(&mut expected);
    assert_eq!(random, u64::from_le_bytes(expected), "random_get is the seeded generator's output");
    assert!(after_poll >= monotonic + 1_000_000, "poll slept 1 ms: {monotonic} -> {after_poll}");
}
