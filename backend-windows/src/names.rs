//! The Windows name rules: a layer on top of the core's component walk that refuses every
//! component Windows would read specially, before any host call sees it.
//!
//! The core hands each `*_at` method one component: not empty, no `/`, no NUL, never
//! `..`. On Linux any such component is just a name. On Windows some of them are not:
//! they name a device, a stream of another file, another drive, or another entry of the
//! same directory. Each rule below says what it refuses, why, and the errno the guest gets.
//!
//! | rule | examples | errno |
//! | --- | --- | --- |
//! | 1. contract: empty, `..`, `/`, NUL (the core never sends these) | `""`, `..`, `a/b` | `ENOENT` for empty, else `ENOTCAPABLE` |
//! | 2. reserved device names, in every spelling | `CON`, `nul`, `COM¹`, `LPT1.txt`, `aux.c`, `CON.`, `Con  .x`, `CONIN$` | `ENOTCAPABLE` |
//! | 3. characters Windows forbids in a name, or reads as a separator or stream | `a\b`, `C:`, `f:stream`, `a<b`, `?`, `*`, `"`, `\|`, `>`, U+0001..U+001F | `EINVAL` |
//! | 4. a name ending in a dot or a space (Win32 strips them: two names for one entry) | `a.`, `a `, `...` | `EINVAL` |
//! | 5. an 8.3 short name that aliases an entry whose long name differs | `PROGRA~1` for `Program Files` | `ENOENT` |
//!
//! Why these errnos:
//! - **Reserved device names → `ENOTCAPABLE`.** Read by any Win32 program, `CON` or
//!   `LPT1.txt` is not an entry of the directory at all but a device outside the sandbox
//!   (`\\.\CON`): the same kind of escape as an absolute path or `..` above a preopen,
//!   which the core refuses with `ENOTCAPABLE`. `EACCES` would suggest that permissions
//!   could change the answer; nothing can.
//! - **Forbidden characters and trailing dots/spaces → `EINVAL`.** These names cannot
//!   exist on Windows; it is what Linux's vfat says for a name it cannot store, and what
//!   Windows itself says (`STATUS_OBJECT_NAME_INVALID` / `ERROR_INVALID_NAME`). A drive
//!   letter (`C:`) is a name with a `:`; so is every alternate data stream (`file:ads`).
//! - **8.3 aliases → `ENOENT`.** For the guest, as on Linux, an entry has the names
//!   `fd_readdir` lists (the long names). `PROGRA~1` is not one of them, so it does not
//!   exist; letting it through would make one entry answer to two names, and a guest that
//!   creates `DATA~1` could overwrite `data_from_yesterday.bin`. A name can only be an
//!   alias if it contains a `~` (Windows' generated short names are `XXXXXX~N.EXT`, Wine's
//!   `XXXX~HHH.EXT`), so only such names cost the extra check ([`may_be_short_name`]); the
//!   check itself looks at the entry actually opened (see `dir.rs`).
//!
//! Device names: `CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`, and `COM`/`LPT`
//! followed by a superscript digit `¹ ² ³` (Windows treats those as digits), plus
//! `CONIN$`, `CONOUT$` and `CLOCK$`; matched case-insensitively, on the part of the name
//! before the first `.` or `:`, with spaces around it ignored. Windows 11 relaxed some of
//! these cases (`CON.txt` is a file there); older Windows and every Win32 path parser in
//! other programs do not, so all of them are refused.

use wasibox_core::Errno;

/// Characters Windows forbids in a file name (besides control characters): `\` and `/`
/// separate components, `:` introduces a stream or names a drive, `*` and `?` are
/// wildcards, `<`, `>` and `"` are DOS wildcards to `FsRtlIsNameInExpression`, `|` is
/// forbidden by NTFS.
const FORBIDDEN: &[char] = &['\\', '/', ':', '*', '?', '"', '<', '>', '|'];

/// Check one path component against the rules of the module docs (all but rule 5, which
/// needs the file system: see [`may_be_short_name`]). `"."` (the directory itself) passes.
pub(crate) fn check_name(name: &str) -> Result<(), Errno> {
    if name.is_empty() {
        return Err(Errno::NOENT);
    }
    if name == ".." || name.contains(['/', '\0']) {
        return Err(Errno::NOTCAPABLE);
    }
    if name == "." {
        return Ok(());
    }
    if is_reserved_device_name(name) {
        return Err(Errno::NOTCAPABLE);
    }
    if name.chars().any(|c| FORBIDDEN.contains(&c) || (c as u32) < 0x20) {
        return Err(Errno::INVAL);
    }
    if name.ends_with(['.', ' ']) {
        return Err(Errno::INVAL);
    }
    Ok(())
}

/// Whether `name` is a reserved DOS device name in any spelling (see the module docs).
pub(crate) fn is_reserved_device_name(name: &str) -> bool {
    // The device part: up to the first '.' or ':' ("LPT1.txt", "CON:"), spaces trimmed
    // ("CON  .txt", " NUL").
    let base = name.split(['.', ':']).next().unwrap_or(name).trim_matches(' ');
    let mut upper = [0u8; 8];
    let mut chars = base.chars();
    let mut n = 0;
    // The longest device name is 7 characters (CONOUT$); longer bases are never devices.
    for c in chars.by_ref() {
        if n == 7 {
            return false;
        }
        let ascii = match c {
            '\u{b9}' => b'1',
            '\u{b2}' => b'2',
            '\u{b3}' => b'3',
            // A superscript digit stands for a digit only after COM/LPT; mark it so that
            // "CON²" is not taken for something else.
            c if c.is_ascii() => c.to_ascii_uppercase() as u8,
            _ => return false,
        };
        upper[n] = ascii;
        n += 1;
    }
    let base = &upper[..n];
    match base {
        b"CON" | b"PRN" | b"AUX" | b"NUL" | b"CONIN$" | b"CONOUT$" | b"CLOCK$" => true,
        [b'C', b'O', b'M', d] | [b'L', b'P', b'T', d] => d.is_ascii_digit(),
        _ => false,
    }
}

/// Whether `name` could be an 8.3 short name of some other entry: it contains a `~`.
/// Windows generates short names of the form `BASE~N.EXT` (`~` and digits), Wine of the
/// form `BASE~HHH.EXT` (`~` and hash characters), and neither ever without a `~`.
/// Short names set explicitly with `SetFileShortName` (which needs the restore privilege)
/// can be anything and are not detected; see RATIONALE.md.
pub(crate) fn may_be_short_name(name: &str) -> bool {
    name.contains('~')
}

/// Whether two names of entries in one directory are the same name to Windows: equal, or
/// equal ignoring case by the ordinal rules Windows uses for file names.
pub(crate) fn same_name_ignoring_case(a: &[u16], b: &[u16]) -> bool {
    if a == b {
        return true;
    }
    let (Ok(alen), Ok(blen)) = (i32::try_from(a.len()), i32::try_from(b.len())) else {
        return false;
    };
    // SAFETY: both pointers come from live slices whose lengths are passed alongside; the
    // function only reads them.
    let r = unsafe {
        windows_sys::Win32::Globalization::CompareStringOrdinal(a.as_ptr(), alen, b.as_ptr(), blen, 1)
    };
    r == windows_sys::Win32::Globalization::CSTR_EQUAL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_1_contract_violations() {
        assert_eq!(check_name(""), Err(Errno::NOENT));
        assert_eq!(check_name(".."), Err(Errno::NOTCAPABLE));
        assert_eq!(check_name("a/b"), Err(Errno::NOTCAPABLE));
        assert_eq!(check_name("a\0b"), Err(Errno::NOTCAPABLE));
        assert_eq!(check_name("."), Ok(()));
    }

    #[test]
    fn rule_2_reserved_device_names_in_every_spelling() {
        let refused = [
            "CON",
            "con",
            "Con",
            "PRN",
            "AUX",
            "NUL",
            "nul",
            "CONIN$",
            "conout$",
            "CLOCK$",
            "COM0",
            "COM1",
            "com9",
            "LPT0",
            "LPT1",
            "lpt9",
            "COM\u{b9}",
            "COM\u{b2}",
            "COM\u{b3}",
            "LPT\u{b9}",
            "lpt\u{b3}",
            "LPT1.txt",
            "aux.c",
            "nul.tar.gz",
            "CON.",
            "CON ",
            "CON  .txt",
            " NUL",
            "con:",
            "COM1:stream",
            "NUL.",
            "Nul...",
            "prn .",
        ];
        for name in refused {
            assert_eq!(check_name(name), Err(Errno::NOTCAPABLE), "{name:?}");
        }
        let allowed = [
            "CONSOLE",
            "CON1",
            "COM",
            "COM10",
            "LPT",
            "LPTX",
            "NULL",
            "AUXX",
            "ACON",
            "xCON.txt",
            "COM\u{b9}0",
            "CO",
            "Nul_",
            "con_txt",
            "COM\u{2074}",
            "CLOCK",
            "CONIN",
            "readme.CON",
            "my.nul",
        ];
        for name in allowed {
            assert_eq!(check_name(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn rule_3_forbidden_characters() {
        for name in [
            "a\\b",
            "\\",
            "C:",
            "c:",
            "C:x",
            "file:stream",
            "file::$DATA",
            "a*",
            "?",
            "a?b",
            "\"q\"",
            "<",
            "a>b",
            "a|b",
            "tab\there",
            "\u{1}",
            "nl\n",
            "\u{1f}",
        ] {
            assert_eq!(check_name(name), Err(Errno::INVAL), "{name:?}");
        }
        // Look-alikes that Windows does not treat specially are fine.
        for name in
            ["a\u{ff1a}b", "a\u{2215}b", "caf\u{e9}", "\u{7f}", "#%&'()+,;=@[]^`{}!", "a b", ".hidden"]
        {
            assert_eq!(check_name(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn rule_4_trailing_dots_and_spaces() {
        for name in ["a.", "a ", "...", "a. ", "a .", " "] {
            assert_eq!(check_name(name), Err(Errno::INVAL), "{name:?}");
        }
        for name in ["a.b", " a", ".a", "a b", "a..b"] {
            assert_eq!(check_name(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn rule_5_short_name_candidates() {
        assert!(may_be_short_name("PROGRA~1"));
        assert!(may_be_short_name("LONGF~A1B.TXT"));
        assert!(may_be_short_name("~"));
        assert!(!may_be_short_name("Program Files"));
        let w = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        assert!(same_name_ignoring_case(&w("Program Files"), &w("PROGRAM FILES")));
        assert!(same_name_ignoring_case(&w("\u{e9}t\u{e9}"), &w("\u{c9}T\u{c9}")));
        assert!(!same_name_ignoring_case(&w("PROGRA~1"), &w("Program Files")));
    }
}
