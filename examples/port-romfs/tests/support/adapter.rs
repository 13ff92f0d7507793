//! The conformance adapter of the ROM port: how `wasibox-conformance` runs its cases on
//! [`RomPlatform`].

use super::board::{TestBoard, EPOCH_NS};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use wasibox_conformance::case::Case;
use wasibox_conformance::exec::{fixture_tree, FixtureItem, Observed};
use wasibox_conformance::port::{read_only_skip, snapshot, Outputs, Port, Prepared};
use wasibox_example_romfs::{RomConfig, RomEntry, RomImage, RomPlatform, Stream};

/// Why a case that checks that stdout is not a terminal is skipped: the suite's stdio are
/// pipes, the ROM port's console is a character device (wasi-libc's `isatty` says 1).
pub const TERMINAL: &str =
    "the console is a terminal (a character device); the case expects stdout to be a pipe";

/// The cases that look at whether stdout is a terminal.
const CONSOLE_IS_A_TERMINAL: &[&str] = &["posix/c_misc_process"];

/// The ROM port under the conformance suite.
pub struct RomPort;

/// The ROM image of a case: its fixtures as directories `pre0`, `pre1`, ... of the root.
/// A ROM lives as long as the firmware, so each image is leaked, once per fixture set.
fn image_of(case: &Case) -> Result<RomImage, String> {
    static IMAGES: Mutex<Option<HashMap<Vec<PathBuf>, RomImage>>> = Mutex::new(None);
    let key: Vec<PathBuf> = case.preopens.iter().map(|(_, host, _)| host.clone()).collect();
    let mut cache = IMAGES.lock().map_err(|e| e.to_string())?;
    if let Some(image) = cache.get_or_insert_with(HashMap::new).get(&key) {
        return Ok(*image);
    }
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut entries = vec![RomEntry::root()];
    for (i, host) in key.iter().enumerate() {
        let top = entries.len();
        entries.push(RomEntry::dir(0, leak(format!("pre{i}"))));
        let mut dirs: HashMap<String, usize> = HashMap::new();
        for (rel, item) in fixture_tree(host).map_err(|e| format!("{}: {e}", host.display()))? {
            let (parent, name) = match rel.rsplit_once('/') {
                Some((dir, name)) => (dirs[dir], name.to_string()),
                None => (top, rel.clone()),
            };
            let name = leak(name);
            match item {
                FixtureItem::Dir => {
                    dirs.insert(rel, entries.len());
                    entries.push(RomEntry::dir(parent, name));
                }
                FixtureItem::File(data) => entries.push(RomEntry::file(parent, name, Box::leak(data.into()))),
                // A ROM image holds no symlinks: the suite knows (`symlinks` below).
                FixtureItem::Link(_) => {}
            }
        }
    }
    let image = RomImage::new(Box::leak(entries.into())).map_err(|e| format!("bad image: {e:?}"))?;
    cache.get_or_insert_with(HashMap::new).insert(key, image);
    Ok(image)
}

impl Port for RomPort {
    type Platform = RomPlatform<TestBoard>;
    type Run = usize;

    fn name(&self) -> &'static str {
        "romfs"
    }

    fn skip(&self, case: &Case, reference: &Observed) -> Option<String> {
        if CONSOLE_IS_A_TERMINAL.contains(&case.name.as_str()) {
            return Some(TERMINAL.to_string());
        }
        read_only_skip(reference)
    }

    fn symlinks(&self) -> bool {
        false
    }

    fn prepare(&self, case: &Case) -> Result<Prepared<Self::Platform, usize>, String> {
        let board = TestBoard::with_input(&case.stdin);
        let config = RomConfig { epoch_ns: EPOCH_NS, seed: 1 };
        let platform = RomPlatform::new(image_of(case)?, board, config);
        let preopens = (0..case.preopens.len())
            .map(|i| platform.open_dir(&format!("pre{i}")).map_err(|e| format!("open pre{i}: {e:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Prepared {
            stdin: platform.console(Stream::Stdin),
            stdout: platform.console(Stream::Stdout),
            stderr: platform.console(Stream::Stderr),
            preopens,
            run: case.preopens.len(),
            platform,
        })
    }

    fn finish(&self, platform: Self::Platform, preopens: usize) -> Result<Outputs, String> {
        let mut trees = Vec::new();
        for i in 0..preopens {
            let mut dir = platform.open_dir(&format!("pre{i}")).map_err(|e| format!("open pre{i}: {e:?}"))?;
            trees.push(snapshot(&platform, &mut dir)?);
        }
        let board = platform.board();
        Ok(Outputs { stdout: board.stdout.take(), stderr: board.stderr.take(), trees })
    }
}
