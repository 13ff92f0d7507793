//! The value encoding of replay logs: unsigned LEB128 varints, and self-describing
//! tagged values (so a record can be printed without knowing its method). Decoding
//! never panics and never allocates: every length is checked against the bytes that
//! are left before anything is sliced.

use crate::abi::Errno;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

const TAG_U: u8 = 0;
const TAG_I: u8 = 1;
const TAG_BYTES: u8 = 2;
const TAG_STR: u8 = 3;
const TAG_HANDLE: u8 = 4;
const TAG_ERRNO: u8 = 5;
const TAG_DIGEST: u8 = 6;
const TAG_NOTHING: u8 = 7;

/// One value of a log record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// An unsigned number (sizes, offsets, flags, clock values).
    U(u64),
    /// A signed number (a seek offset).
    I(i64),
    /// Bytes (what a read returned).
    Bytes(&'a [u8]),
    /// A name or path (bytes, normally UTF-8).
    Str(&'a [u8]),
    /// A handle, by the id the recorder gave it.
    Handle(u32),
    /// A failed call's errno.
    Errno(Errno),
    /// A 64-bit FNV-1a digest (of bytes written).
    Digest(u64),
    /// An absent value (`None`, or "not ready").
    Nothing,
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::U(v) => write!(f, "{v}"),
            Value::I(v) => write!(f, "{v}"),
            Value::Bytes(b) => write!(f, "{} bytes", b.len()),
            Value::Str(s) => {
                f.write_char('"')?;
                for c in String::from_utf8_lossy(s).chars() {
                    for e in c.escape_debug() {
                        f.write_char(e)?;
                    }
                }
                f.write_char('"')
            }
            Value::Handle(h) => write!(f, "handle {h}"),
            Value::Errno(e) => match e.name() {
                Some(n) => write!(f, "E{n}"),
                None => write!(f, "errno {}", e.0),
            },
            Value::Digest(d) => write!(f, "digest {d:016x}"),
            Value::Nothing => f.write_str("none"),
        }
    }
}

/// 64-bit FNV-1a over `parts` in order. A change detector, not a cryptographic hash.
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Appends values to a buffer.
pub(crate) struct Encoder<'b> {
    pub(crate) buf: &'b mut Vec<u8>,
}

/// Append `v` as an unsigned LEB128 varint.
pub(crate) fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    loop {
        let low = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf.push(low);
            return;
        }
        buf.push(low | 0x80);
    }
}

impl Encoder<'_> {
    fn tagged(&mut self, tag: u8, v: u64) {
        self.buf.push(tag);
        put_varint(self.buf, v);
    }
    /// An unsigned number.
    pub(crate) fn u(&mut self, v: u64) {
        self.tagged(TAG_U, v);
    }
    /// A signed number (zigzag).
    pub(crate) fn i(&mut self, v: i64) {
        self.tagged(TAG_I, ((v << 1) ^ (v >> 63)) as u64);
    }
    /// A flag.
    pub(crate) fn flag(&mut self, b: bool) {
        self.u(u64::from(b));
    }
    /// Bytes gathered from the first `n` bytes of `parts`.
    pub(crate) fn bytes_from(&mut self, parts: &[&mut [u8]], n: usize) {
        self.tagged(TAG_BYTES, n as u64);
        let mut left = n;
        for p in parts {
            let take = left.min(p.len());
            self.buf.extend_from_slice(p.get(..take).unwrap_or_default());
            left -= take;
        }
    }
    /// Bytes.
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.tagged(TAG_BYTES, b.len() as u64);
        self.buf.extend_from_slice(b);
    }
    /// A name.
    pub(crate) fn str(&mut self, s: &[u8]) {
        self.tagged(TAG_STR, s.len() as u64);
        self.buf.extend_from_slice(s);
    }
    /// A handle id.
    pub(crate) fn handle(&mut self, id: u32) {
        self.tagged(TAG_HANDLE, u64::from(id));
    }
    /// An errno.
    pub(crate) fn errno(&mut self, e: Errno) {
        self.tagged(TAG_ERRNO, u64::from(e.0));
    }
    /// A digest.
    pub(crate) fn digest(&mut self, d: u64) {
        self.buf.push(TAG_DIGEST);
        self.buf.extend_from_slice(&d.to_le_bytes());
    }
    /// No value.
    pub(crate) fn nothing(&mut self) {
        self.buf.push(TAG_NOTHING);
    }
    /// `Err(e)` as an errno, `Ok` as nothing at all (unit results).
    pub(crate) fn unit(&mut self, r: &crate::Result<()>) {
        if let Err(e) = r {
            self.errno(*e);
        }
    }
}

/// Why a log could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt {
    /// Byte offset (in the blob being decoded) where decoding failed.
    pub at: usize,
    /// What was wrong.
    pub what: &'static str,
}

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

/// Reads values from a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
}

/// What decoding returns.
pub(crate) type Decoded<T> = core::result::Result<T, Corrupt>;

impl<'a> Decoder<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Decoder { data, pos: 0 }
    }

    /// Bytes consumed so far.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Whether everything was consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn corrupt(&self, what: &'static str) -> Corrupt {
        Corrupt { at: self.pos, what }
    }

    /// One raw byte.
    pub(crate) fn byte(&mut self) -> Decoded<u8> {
        let b = *self.data.get(self.pos).ok_or(self.corrupt("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    /// `n` raw bytes, borrowed; `n` is checked against what is left before slicing.
    pub(crate) fn take(&mut self, n: u64) -> Decoded<&'a [u8]> {
        let left = self.data.len().saturating_sub(self.pos);
        let n = usize::try_from(n).ok().filter(|n| *n <= left).ok_or(self.corrupt("length past the end"))?;
        let s = self.data.get(self.pos..self.pos + n).ok_or(self.corrupt("length past the end"))?;
        self.pos += n;
        Ok(s)
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    pub(crate) fn varint(&mut self) -> Decoded<u64> {
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(self.corrupt("varint overflows 64 bits"));
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt("varint too long"))
    }

    /// A length-prefixed blob.
    pub(crate) fn blob(&mut self) -> Decoded<&'a [u8]> {
        let n = self.varint()?;
        self.take(n)
    }

    /// The next tagged value.
    pub(crate) fn value(&mut self) -> Decoded<Value<'a>> {
        let tag = self.byte()?;
        Ok(match tag {
            TAG_U => Value::U(self.varint()?),
            TAG_I => {
                let z = self.varint()?;
                Value::I(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            TAG_BYTES => Value::Bytes(self.blob()?),
            TAG_STR => Value::Str(self.blob()?),
            TAG_HANDLE => {
                let v = self.varint()?;
                Value::Handle(u32::try_from(v).map_err(|_| self.corrupt("handle id out of range"))?)
            }
            TAG_ERRNO => {
                let v = self.varint()?;
                Value::Errno(Errno(u16::try_from(v).map_err(|_| self.corrupt("errno out of range"))?))
            }
            TAG_DIGEST => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Digest(u64::from_le_bytes(a))
            }
            TAG_NOTHING => Value::Nothing,
            _ => return Err(self.corrupt("unknown value tag")),
        })
    }

    /// The next value without consuming it.
    pub(crate) fn peek(&self) -> Decoded<Value<'a>> {
        self.clone().value()
    }

    /// Consume an errno if one comes next: the failure of a call.
    pub(crate) fn errno(&mut self) -> Decoded<Option<Errno>> {
        if self.is_empty() {
            return Ok(None);
        }
        match self.peek()? {
            Value::Errno(e) => {
                self.value()?;
                Ok(Some(e))
            }
            _ => Ok(None),
        }
    }

    /// The outcome of a unit call: nothing for `Ok`, an errno for `Err`.
    pub(crate) fn unit(&mut self) -> Decoded<crate::Result<()>> {
        match self.errno()? {
            Some(e) => Ok(Err(e)),
            None => Ok(Ok(())),
        }
    }

    /// An unsigned number.
    pub(crate) fn u(&mut self) -> Decoded<u64> {
        match self.value()? {
            Value::U(v) => Ok(v),
            _ => Err(self.corrupt("expected a number")),
        }
    }

    /// A flag.
    pub(crate) fn flag(&mut self) -> Decoded<bool> {
        match self.u()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.corrupt("expected a flag")),
        }
    }

    /// A number that must fit `T`.
    pub(crate) fn u_as<T: TryFrom<u64>>(&mut self) -> Decoded<T> {
        let v = self.u()?;
        T::try_from(v).map_err(|_| self.corrupt("number out of range"))
    }

    /// Bytes.
    pub(crate) fn bytes(&mut self) -> Decoded<&'a [u8]> {
        match self.value()? {
            Value::Bytes(b) => Ok(b),
            _ => Err(self.corrupt("expected bytes")),
        }
    }

    /// A name.
    pub(crate) fn str(&mut self) -> Decoded<&'a [u8]> {
        match self.value()? {
            Value::Str(b) => Ok(b),
            _ => Err(self.corrupt("expected a name")),
        }
    }

    /// A handle id.
    pub(crate) fn handle(&mut self) -> Decoded<u32> {
        match self.value()? {
            Value::Handle(h) => Ok(h),
            _ => Err(self.corrupt("expected a handle")),
        }
    }

    /// A digest.
    pub(crate) fn digest(&mut self) -> Decoded<u64> {
        match self.value()? {
            Value::Digest(d) => Ok(d),
            _ => Err(self.corrupt("expected a digest")),
        }
    }

    /// A handle or nothing.
    pub(crate) fn opt_handle(&mut self) -> Decoded<Option<u32>> {
        match self.value()? {
            Value::Handle(h) => Ok(Some(h)),
            Value::Nothing => Ok(None),
            _ => Err(self.corrupt("expected a handle or none")),
        }
    }

    /// Everything must have been consumed.
    pub(crate) fn end(&self) -> Decoded<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.corrupt("trailing bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let mut buf = Vec::new();
        let mut e = Encoder { buf: &mut buf };
        e.u(0);
        e.u(u64::MAX);
        e.i(-5);
        e.i(i64::MIN);
        e.bytes(b"abc");
        e.str(b"name");
        e.handle(7);
        e.errno(Errno::BADF);
        e.digest(0x0123_4567_89ab_cdef);
        e.nothing();
        let mut d = Decoder::new(&buf);
        assert_eq!(d.u(), Ok(0));
        assert_eq!(d.u(), Ok(u64::MAX));
        assert_eq!(d.value(), Ok(Value::I(-5)));
        assert_eq!(d.value(), Ok(Value::I(i64::MIN)));
        assert_eq!(d.bytes(), Ok(&b"abc"[..]));
        assert_eq!(d.str(), Ok(&b"name"[..]));
        assert_eq!(d.handle(), Ok(7));
        assert_eq!(d.errno(), Ok(Some(Errno::BADF)));
        assert_eq!(d.digest(), Ok(0x0123_4567_89ab_cdef));
        assert_eq!(d.opt_handle(), Ok(None));
        assert!(d.end().is_ok());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        // A length far past the end, an overlong varint, an unknown tag, truncation.
        for bad in [
            &[TAG_BYTES, 0xff, 0xff, 0xff, 0xff, 0x0f][..],
            &[TAG_U, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            &[TAG_U, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
            &[99],
            &[TAG_DIGEST, 1, 2],
            &[TAG_HANDLE, 0x80, 0x80, 0x80, 0x80, 0x10],
            &[],
        ] {
            assert!(Decoder::new(bad).value().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn digest_is_fnv1a_over_the_concatenation() {
        assert_eq!(digest([&b""[..]]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(digest([&b"a"[..]]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(digest([&b"foo"[..], b"bar"]), digest([&b"foobar"[..]]));
    }
}
