//! One table from host errnos (`rustix::io::Errno`) to WASI errnos.
//!
//! Every Linux errno maps to the WASI errno of the same name; `ENOTSUP`/`EOPNOTSUPP` both
//! map to `NOTSUP` and `EWOULDBLOCK` (= `EAGAIN`) to `AGAIN`. Linux errnos that have no
//! WASI twin map to `EIO`, except a handful whose meaning is exactly that of another WASI
//! errno (each marked "near twin" below). An errno the table does not know (only possible
//! on a non-Linux host, which has errnos of its own) is `EIO` too.

use rustix::io;
use wasibox_core::Errno;

macro_rules! errno_table {
    ($( $(#[$m:meta])* $host:ident => $wasi:ident, )*) => {
        /// Map a host errno to the WASI errno the guest sees. See the module docs.
        #[allow(unreachable_patterns)] // aliases: NOTSUP = OPNOTSUPP, WOULDBLOCK = AGAIN, ... on Linux.
        pub fn errno_from_rustix(e: io::Errno) -> Errno {
            match e {
                $( $(#[$m])* io::Errno::$host => Errno::$wasi, )*
                _ => Errno::IO,
            }
        }

        /// The table itself, for tests: (host errno, its name, WASI errno).
        #[cfg(test)]
        pub(crate) const TABLE: &[(io::Errno, &str, Errno)] = &[
            $( $(#[$m])* (io::Errno::$host, stringify!($host), Errno::$wasi), )*
        ];
    };
}

errno_table! {
    // ----- errnos with a WASI twin of the same name (all POSIX hosts) -----
    TOOBIG => TOOBIG,
    ACCESS => ACCES,
    ADDRINUSE => ADDRINUSE,
    ADDRNOTAVAIL => ADDRNOTAVAIL,
    AFNOSUPPORT => AFNOSUPPORT,
    AGAIN => AGAIN,
    WOULDBLOCK => AGAIN,
    ALREADY => ALREADY,
    BADF => BADF,
    BADMSG => BADMSG,
    BUSY => BUSY,
    CANCELED => CANCELED,
    CHILD => CHILD,
    CONNABORTED => CONNABORTED,
    CONNREFUSED => CONNREFUSED,
    CONNRESET => CONNRESET,
    DEADLK => DEADLK,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    DEADLOCK => DEADLK,
    DESTADDRREQ => DESTADDRREQ,
    DOM => DOM,
    DQUOT => DQUOT,
    EXIST => EXIST,
    FAULT => FAULT,
    FBIG => FBIG,
    HOSTUNREACH => HOSTUNREACH,
    IDRM => IDRM,
    ILSEQ => ILSEQ,
    INPROGRESS => INPROGRESS,
    INTR => INTR,
    INVAL => INVAL,
    IO => IO,
    ISCONN => ISCONN,
    ISDIR => ISDIR,
    LOOP => LOOP,
    MFILE => MFILE,
    MLINK => MLINK,
    MSGSIZE => MSGSIZE,
    MULTIHOP => MULTIHOP,
    NAMETOOLONG => NAMETOOLONG,
    NETDOWN => NETDOWN,
    NETRESET => NETRESET,
    NETUNREACH => NETUNREACH,
    NFILE => NFILE,
    NOBUFS => NOBUFS,
    NODEV => NODEV,
    NOENT => NOENT,
    NOEXEC => NOEXEC,
    NOLCK => NOLCK,
    NOLINK => NOLINK,
    NOMEM => NOMEM,
    NOMSG => NOMSG,
    NOPROTOOPT => NOPROTOOPT,
    NOSPC => NOSPC,
    NOSYS => NOSYS,
    NOTCONN => NOTCONN,
    NOTDIR => NOTDIR,
    NOTEMPTY => NOTEMPTY,
    #[cfg(not(target_os = "freebsd"))] // not in rustix for FreeBSD
    NOTRECOVERABLE => NOTRECOVERABLE,
    NOTSOCK => NOTSOCK,
    NOTSUP => NOTSUP,
    OPNOTSUPP => NOTSUP,
    NOTTY => NOTTY,
    NXIO => NXIO,
    OVERFLOW => OVERFLOW,
    #[cfg(not(target_os = "freebsd"))] // not in rustix for FreeBSD
    OWNERDEAD => OWNERDEAD,
    PERM => PERM,
    PIPE => PIPE,
    PROTO => PROTO,
    PROTONOSUPPORT => PROTONOSUPPORT,
    PROTOTYPE => PROTOTYPE,
    RANGE => RANGE,
    ROFS => ROFS,
    SPIPE => SPIPE,
    SRCH => SRCH,
    STALE => STALE,
    TIMEDOUT => TIMEDOUT,
    TXTBSY => TXTBSY,
    XDEV => XDEV,
    #[cfg(target_os = "freebsd")]
    NOTCAPABLE => NOTCAPABLE,

    // ----- Linux errnos without a WASI twin of the same name -----
    // Near twins: the same condition under another name.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    BADFD => BADF, // near twin: "file descriptor in bad state"
    #[cfg(any(target_os = "linux", target_os = "android"))]
    PFNOSUPPORT => AFNOSUPPORT, // near twin: protocol family = address family
    #[cfg(any(target_os = "linux", target_os = "android"))]
    SOCKTNOSUPPORT => PROTONOSUPPORT, // near twin: socket type not supported by the protocol
    #[cfg(any(target_os = "linux", target_os = "android"))]
    HOSTDOWN => HOSTUNREACH, // near twin
    #[cfg(any(target_os = "linux", target_os = "android"))]
    SHUTDOWN => PIPE, // near twin: send after the write side was shut down
    #[cfg(any(target_os = "linux", target_os = "android"))]
    TIME => TIMEDOUT, // near twin: STREAMS ioctl timer expired
    // No twin at all: EIO. Most are obsolete (STREAMS, ISDN, XENIX) or cannot come out of
    // the calls this backend makes; they are listed so that the table is complete.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOTBLK => IO, // block device required (mount)
    #[cfg(any(target_os = "linux", target_os = "android"))]
    CHRNG => IO, // channel number out of range
    #[cfg(any(target_os = "linux", target_os = "android"))]
    L2NSYNC => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    L3HLT => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    L3RST => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    LNRNG => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    UNATCH => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOCSI => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    L2HLT => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    BADE => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    BADR => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    XFULL => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOANO => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    BADRQC => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    BADSLT => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    BFONT => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOSTR => IO, // STREAMS
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NODATA => IO, // no such extended attribute / no message (STREAMS)
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOSR => IO, // STREAMS
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NONET => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOPKG => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    REMOTE => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    ADV => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    SRMNT => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    COMM => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    DOTDOT => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOTUNIQ => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    REMCHG => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    LIBACC => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    LIBBAD => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    LIBSCN => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    LIBMAX => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    LIBEXEC => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    RESTART => IO, // should never reach user space
    #[cfg(any(target_os = "linux", target_os = "android"))]
    STRPIPE => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    USERS => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    TOOMANYREFS => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    UCLEAN => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOTNAM => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NAVAIL => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    ISNAM => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    REMOTEIO => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOMEDIUM => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    MEDIUMTYPE => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    NOKEY => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    KEYEXPIRED => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    KEYREVOKED => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    KEYREJECTED => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    RFKILL => IO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    HWPOISON => IO,
}

/// Map a `std::io::Error` (from the std calls the host-side API makes) to a WASI errno.
pub fn errno_from_io_error(e: &std::io::Error) -> Errno {
    match io::Errno::from_io_error(e) {
        Some(e) => errno_from_rustix(e),
        None => Errno::IO,
    }
}

/// Shorthand: `rustix::io::Result<T>` → `wasibox_core::Result<T>`.
pub(crate) fn cvt<T>(r: io::Result<T>) -> wasibox_core::Result<T> {
    r.map_err(errno_from_rustix)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linux errnos that have no WASI errno of the same name, and where they go.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const NO_TWIN: &[(&str, Errno)] = &[
        ("BADFD", Errno::BADF),
        ("PFNOSUPPORT", Errno::AFNOSUPPORT),
        ("SOCKTNOSUPPORT", Errno::PROTONOSUPPORT),
        ("HOSTDOWN", Errno::HOSTUNREACH),
        ("SHUTDOWN", Errno::PIPE),
        ("TIME", Errno::TIMEDOUT),
    ];

    /// Host names that differ from the WASI name only in spelling.
    const ALIASES: &[(&str, &str)] =
        &[("ACCESS", "ACCES"), ("WOULDBLOCK", "AGAIN"), ("OPNOTSUPP", "NOTSUP"), ("DEADLOCK", "DEADLK")];

    #[test]
    fn same_named_errnos_map_to_their_twin() {
        for &(host, name, wasi) in TABLE {
            assert_eq!(errno_from_rustix(host), wasi, "{name}");
            let wasi_name = wasi.name().unwrap();
            let expected = ALIASES.iter().find(|(a, _)| *a == name).map_or(name, |(_, b)| *b);
            if wasi_name == expected {
                continue;
            }
            #[cfg(any(target_os = "linux", target_os = "android"))]
            {
                let twin = NO_TWIN.iter().find(|(n, _)| *n == name).map(|(_, e)| *e).unwrap_or(Errno::IO);
                assert_eq!(wasi, twin, "{name} has no twin: it must map to EIO or its documented near twin");
                assert!(Errno::ALL.iter().all(|e| e.name() != Some(name)), "{name} has a WASI twin");
            }
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            panic!("{name} maps to {wasi:?}");
        }
    }

    #[test]
    fn every_wasi_errno_with_a_host_twin_is_reachable() {
        // Every WASI errno except SUCCESS, NOTCAPABLE (a WASI invention) is produced by some host errno.
        for e in Errno::ALL {
            if *e == Errno::SUCCESS || *e == Errno::NOTCAPABLE {
                continue;
            }
            #[cfg(target_os = "freebsd")]
            if *e == Errno::NOTRECOVERABLE || *e == Errno::OWNERDEAD {
                continue;
            }
            assert!(TABLE.iter().any(|(_, _, w)| w == e), "{e:?} is never produced");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn every_linux_errno_is_in_the_table() {
        // Linux numbers its errnos 1..=133 (EHWPOISON) on every architecture rustix supports
        // except mips/sparc/alpha/parisc, which renumber but use the same names.
        for raw in 1..=133 {
            // 41 and 58 are holes (EWOULDBLOCK/EDEADLOCK aliases live elsewhere).
            if raw == 41 || raw == 58 {
                continue;
            }
            let host = io::Errno::from_raw_os_error(raw);
            assert!(TABLE.iter().any(|(h, _, _)| *h == host), "errno {raw} is missing from the table");
        }
        assert_eq!(errno_from_rustix(io::Errno::NOENT), Errno::NOENT);
        assert_eq!(errno_from_rustix(io::Errno::OPNOTSUPP), Errno::NOTSUP);
        assert_eq!(errno_from_rustix(io::Errno::WOULDBLOCK), Errno::AGAIN);
        assert_eq!(errno_from_rustix(io::Errno::KEYREVOKED), Errno::IO);
        assert_eq!(errno_from_rustix(io::Errno::from_raw_os_error(4000)), Errno::IO);
    }

    #[test]
    fn io_errors_go_through_the_table() {
        let e = std::io::Error::from_raw_os_error(io::Errno::NOENT.raw_os_error());
        assert_eq!(errno_from_io_error(&e), Errno::NOENT);
        let e = std::io::Error::other("not an os error");
        assert_eq!(errno_from_io_error(&e), Errno::IO);
    }
}
