//! A small image, written by hand as a firmware would carry it: the tests and
//! `docs/porting.md` use it.

use crate::image::RomEntry;

/// ```text
/// /
/// ├── hello.txt
/// └── etc/
///     ├── motd
///     └── empty/
/// ```
pub static DEMO_IMAGE: &[RomEntry] = &[
    RomEntry::root(),                                         // 0
    RomEntry::file(0, "hello.txt", b"Hello from the ROM!\n"), // 1
    RomEntry::dir(0, "etc"),                                  // 2
    RomEntry::file(2, "motd", b"Have a nice day.\n"),         // 3
    RomEntry::dir(2, "empty"),                                // 4
];
