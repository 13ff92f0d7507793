//! How the arguments of each kind are written into a record's inputs, shared by the
//! recorder (which writes them) and the replayer (which writes its own and compares the
//! bytes): the same call encodes to the same bytes.

use super::codec::{digest, Encoder};
use crate::abi::{Advice, ClockId, Filestat, SetTime, Whence};
use crate::platform::OpenOptions;

pub(crate) fn clock(e: &mut Encoder<'_>, c: ClockId) {
    e.u(c as u64);
}

pub(crate) fn whence(e: &mut Encoder<'_>, w: Whence) {
    e.u(match w {
        Whence::Set => 0,
        Whence::Cur => 1,
        Whence::End => 2,
    });
}

pub(crate) fn advice(e: &mut Encoder<'_>, a: Advice) {
    e.u(a as u64);
}

pub(crate) fn set_time(e: &mut Encoder<'_>, t: SetTime) {
    match t {
        SetTime::Omit => e.nothing(),
        SetTime::Now => e.str(b"now"),
        SetTime::At(ns) => e.u(ns),
    }
}

pub(crate) fn open_options(e: &mut Encoder<'_>, o: &OpenOptions) {
    let bits = [o.read, o.write, o.create, o.exclusive, o.truncate, o.directory]
        .iter()
        .enumerate()
        .fold(0u64, |acc, (i, b)| acc | (u64::from(*b) << i));
    e.u(bits);
    e.u(u64::from(o.fdflags.bits()));
}

/// What a write names: its length and the digest of its bytes.
pub(crate) fn data(e: &mut Encoder<'_>, bufs: &[&[u8]]) {
    let len: usize = bufs.iter().map(|b| b.len()).fold(0, usize::saturating_add);
    e.u(len as u64);
    e.digest(digest(bufs.iter().copied()));
}

/// The total capacity of read buffers.
pub(crate) fn capacity(bufs: &[&mut [u8]]) -> u64 {
    bufs.iter().map(|b| b.len()).fold(0usize, usize::saturating_add) as u64
}

pub(crate) fn filestat(e: &mut Encoder<'_>, s: &Filestat) {
    for v in [s.dev, s.ino, s.filetype as u64, s.nlink, s.size, s.atim, s.mtim, s.ctim] {
        e.u(v);
    }
}
