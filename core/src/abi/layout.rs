//! Byte layouts of the structures exchanged with the guest, per version.
//!
//! | struct | preview1 | wasi_unstable |
//! |---|---|---|
//! | `filestat` | 64 bytes, `nlink` u64 at 24 | 56 bytes, `nlink` u32 at 20 |
//! | `subscription` | 48 bytes, clock `id` at 16 | 56 bytes, clock `identifier` u64 at 16, `id` at 24 |
//! | `event` | 32 bytes | 32 bytes |
//! | `fdstat` | 24 bytes | 24 bytes |
//! | `dirent` | 24 bytes | 24 bytes |

use super::{Errno, EventType, Filestat, Filetype, Result, Version};

/// Size of `fdstat`.
pub const FDSTAT_SIZE: u32 = 24;
/// Size of the `dirent` header that precedes each name.
pub const DIRENT_SIZE: u32 = 24;
/// Size of `event`.
pub const EVENT_SIZE: u32 = 32;
/// Size of `prestat`.
pub const PRESTAT_SIZE: u32 = 8;
/// Size of one `iovec` / `ciovec`.
pub const IOVEC_SIZE: u32 = 8;

/// Size of `filestat` in `version`.
pub const fn filestat_size(version: Version) -> u32 {
    match version {
        Version::Preview1 => 64,
        Version::Unstable => 56,
    }
}

/// Size of `subscription` in `version`.
pub const fn subscription_size(version: Version) -> u32 {
    match version {
        Version::Preview1 => 48,
        Version::Unstable => 56,
    }
}

/// Encode `st` as the guest's `filestat`. Returns the buffer and how much of it is used.
pub fn encode_filestat(st: &Filestat, version: Version) -> ([u8; 64], usize) {
    let mut b = [0u8; 64];
    put_u64(&mut b, 0, st.dev);
    put_u64(&mut b, 8, st.ino);
    b[16] = st.filetype as u8;
    match version {
        Version::Preview1 => {
            put_u64(&mut b, 24, st.nlink);
            put_u64(&mut b, 32, st.size);
            put_u64(&mut b, 40, st.atim);
            put_u64(&mut b, 48, st.mtim);
            put_u64(&mut b, 56, st.ctim);
            (b, 64)
        }
        Version::Unstable => {
            // linkcount is u32 in wasi_unstable; saturate rather than wrap.
            let nlink = u32::try_from(st.nlink).unwrap_or(u32::MAX);
            b[20..24].copy_from_slice(&nlink.to_le_bytes());
            put_u64(&mut b, 24, st.size);
            put_u64(&mut b, 32, st.atim);
            put_u64(&mut b, 40, st.mtim);
            put_u64(&mut b, 48, st.ctim);
            (b, 56)
        }
    }
}

/// Encode an `fdstat`.
pub fn encode_fdstat(filetype: Filetype, flags: u16, base: u64, inheriting: u64) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[0] = filetype as u8;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    put_u64(&mut b, 8, base);
    put_u64(&mut b, 16, inheriting);
    b
}

/// Encode a `dirent` header.
pub fn encode_dirent(next: u64, ino: u64, namlen: u32, filetype: Filetype) -> [u8; 24] {
    let mut b = [0u8; 24];
    put_u64(&mut b, 0, next);
    put_u64(&mut b, 8, ino);
    b[16..20].copy_from_slice(&namlen.to_le_bytes());
    b[20] = filetype as u8;
    b
}

/// Encode an `event`.
pub fn encode_event(userdata: u64, error: Errno, ty: EventType, nbytes: u64, flags: u16) -> [u8; 32] {
    let mut b = [0u8; 32];
    put_u64(&mut b, 0, userdata);
    b[8..10].copy_from_slice(&error.0.to_le_bytes());
    b[10] = ty as u8;
    if ty != EventType::Clock {
        put_u64(&mut b, 16, nbytes);
        b[24..26].copy_from_slice(&flags.to_le_bytes());
    }
    b
}

/// A decoded `subscription`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscription {
    /// A clock subscription.
    Clock {
        /// Handed back in the event.
        userdata: u64,
        /// The raw `clockid`.
        id: u32,
        /// Relative timeout, or absolute time with `ABSTIME`, in ns.
        timeout: u64,
        /// How late the wake-up may be, in ns.
        precision: u64,
        /// The raw `subclockflags`.
        flags: u16,
    },
    /// An `fd_read` subscription.
    FdRead {
        /// Handed back in the event.
        userdata: u64,
        /// The descriptor to wait on.
        fd: u32,
    },
    /// An `fd_write` subscription.
    FdWrite {
        /// Handed back in the event.
        userdata: u64,
        /// The descriptor to wait on.
        fd: u32,
    },
}

/// Decode one `subscription` from its bytes (`bytes.len() == subscription_size(version)`).
pub fn decode_subscription(bytes: &[u8], version: Version) -> Result<Subscription> {
    let userdata = get_u64(bytes, 0)?;
    let tag = *bytes.get(8).ok_or(Errno::FAULT)?;
    match tag {
        0 => {
            // wasi_unstable puts a u64 `identifier` first; it has no meaning to us.
            let base = match version {
                Version::Preview1 => 16,
                Version::Unstable => 24,
            };
            Ok(Subscription::Clock {
                userdata,
                id: get_u32(bytes, base)?,
                timeout: get_u64(bytes, base + 8)?,
                precision: get_u64(bytes, base + 16)?,
                flags: get_u16(bytes, base + 24)?,
            })
        }
        1 => Ok(Subscription::FdRead { userdata, fd: get_u32(bytes, 16)? }),
        2 => Ok(Subscription::FdWrite { userdata, fd: get_u32(bytes, 16)? }),
        _ => Err(Errno::INVAL),
    }
}

fn put_u64(b: &mut [u8], at: usize, v: u64) {
    if let Some(dst) = b.get_mut(at..at + 8) {
        dst.copy_from_slice(&v.to_le_bytes());
    }
}

/// Little-endian u64 at `at` in `b`, or `EFAULT` if it does not fit.
pub fn get_u64(b: &[u8], at: usize) -> Result<u64> {
    let s = b.get(at..at + 8).ok_or(Errno::FAULT)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Ok(u64::from_le_bytes(a))
}

/// Little-endian u32 at `at` in `b`, or `EFAULT` if it does not fit.
pub fn get_u32(b: &[u8], at: usize) -> Result<u32> {
    let s = b.get(at..at + 4).ok_or(Errno::FAULT)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(s);
    Ok(u32::from_le_bytes(a))
}

/// Little-endian u16 at `at` in `b`, or `EFAULT` if it does not fit.
pub fn get_u16(b: &[u8], at: usize) -> Result<u16> {
    let s = b.get(at..at + 2).ok_or(Errno::FAULT)?;
    Ok(u16::from_le_bytes([s[0], s[1]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filestat_layouts_differ_as_the_witx_says() {
        let st = Filestat {
            dev: 1,
            ino: 2,
            filetype: Filetype::RegularFile,
            nlink: 3,
            size: 4,
            atim: 5,
            mtim: 6,
            ctim: 7,
        };
        let (p1, n1) = encode_filestat(&st, Version::Preview1);
        assert_eq!(n1, 64);
        assert_eq!(get_u64(&p1, 24).unwrap(), 3);
        assert_eq!(get_u64(&p1, 56).unwrap(), 7);
        let (u, n0) = encode_filestat(&st, Version::Unstable);
        assert_eq!(n0, 56);
        assert_eq!(get_u32(&u, 20).unwrap(), 3);
        assert_eq!(get_u64(&u, 24).unwrap(), 4);
        assert_eq!(get_u64(&u, 48).unwrap(), 7);
    }

    #[test]
    fn unstable_clock_subscription_has_identifier_first() {
        let mut b = [0u8; 56];
        b[0] = 9;
        b[16] = 0xAA; // identifier, ignored
        b[24] = 1; // monotonic
        b[32] = 100; // timeout
        b[48] = 1; // abstime
        let s = decode_subscription(&b, Version::Unstable).unwrap();
        assert_eq!(s, Subscription::Clock { userdata: 9, id: 1, timeout: 100, precision: 0, flags: 1 });
        let mut p = [0u8; 48];
        p[16] = 1;
        p[24] = 100;
        p[40] = 1;
        let s = decode_subscription(&p, Version::Preview1).unwrap();
        assert_eq!(s, Subscription::Clock { userdata: 0, id: 1, timeout: 100, precision: 0, flags: 1 });
    }
}
