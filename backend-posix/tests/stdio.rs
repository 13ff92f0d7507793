//! Host-made handles: stdio, duplicates, and the non-blocking stdout the host left behind.

mod common;
use common::*;
use rustix::fd::AsFd;
use rustix::fs::OFlags;
use std::io::Read;
use wasibox_core::abi::FdFlags;
use wasibox_core::{Errno, Platform};
use wasibox_posix::{PosixHandle, PosixPlatform};

#[test]
fn stdio_duplicates_the_standard_descriptors() {
    for fd in 0..3 {
        let h = PosixHandle::stdio(fd).unwrap();
        assert!(h.as_fd().as_raw_fd_for_test() > 2);
        assert!(!h.is_readonly());
    }
    assert_eq!(
        PosixHandle::stdio(3).unwrap_err().raw_os_error(),
        Some(rustix::io::Errno::BADF.raw_os_error())
    );
    assert!(PosixHandle::stdio(-1).is_err());
}

trait RawForTest {
    fn as_raw_fd_for_test(&self) -> i32;
}
impl RawForTest for rustix::fd::BorrowedFd<'_> {
    fn as_raw_fd_for_test(&self) -> i32 {
        std::os::fd::AsRawFd::as_raw_fd(self)
    }
}

#[test]
fn dup_from_keeps_the_original() {
    let p = PosixPlatform::new();
    let (r, w) = rustix::pipe::pipe().unwrap();
    let mut hw = PosixHandle::dup_from(&w).unwrap();
    assert_eq!(p.write(&mut hw, &[b"dup"]), Ok(3));
    drop(hw);
    rustix::io::write(&w, b"!").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(rustix::io::read(&r, &mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"dup!");
}

#[test]
fn a_nonblocking_stdout_still_gets_every_byte() {
    let p = PosixPlatform::new();
    let (r, w) = rustix::pipe::pipe().unwrap();
    let flags = rustix::fs::fcntl_getfl(&w).unwrap();
    rustix::fs::fcntl_setfl(&w, flags | OFlags::NONBLOCK).unwrap();
    let mut out = PosixHandle::from_owned_fd(w).unwrap();
    // The guest did not ask for NONBLOCK, so it does not see it.
    assert_eq!(p.fdflags(&out), Ok(FdFlags::empty()));

    const LEN: usize = 256 << 10;
    let data: Vec<u8> = (0..LEN).map(|i| (i * 7 % 251) as u8).collect();
    let reader = std::thread::spawn(move || {
        let mut f = std::fs::File::from(r);
        let mut got = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            std::thread::sleep(std::time::Duration::from_micros(200));
            let n = f.read(&mut chunk).unwrap();
            if n == 0 {
                return got;
            }
            got.extend_from_slice(&chunk[..n]);
        }
    });
    // Two iovecs, one call: all of it.
    let (a, b) = data.split_at(1000);
    assert_eq!(p.write(&mut out, &[a, b]), Ok(LEN));
    // The host's O_NONBLOCK is still there.
    assert!(rustix::fs::fcntl_getfl(&out).unwrap().contains(OFlags::NONBLOCK));
    drop(out);
    let got = reader.join().unwrap();
    assert_eq!(got.len(), LEN);
    assert!(got == data);
}

#[test]
fn a_guest_that_asks_for_nonblock_gets_eagain() {
    let p = PosixPlatform::new();
    let (_r, w) = rustix::pipe::pipe().unwrap();
    let mut out = PosixHandle::from_owned_fd(w).unwrap();
    p.set_fdflags(&mut out, FdFlags::NONBLOCK).unwrap();
    let big = vec![0u8; 1 << 20];
    let n = p.write(&mut out, &[&big]).unwrap();
    assert!(n < big.len());
    assert_eq!(p.write(&mut out, &[&big]), Err(Errno::AGAIN));
    // Clearing the guest's NONBLOCK on a descriptor the host made blocking clears it in
    // the kernel too.
    p.set_fdflags(&mut out, FdFlags::empty()).unwrap();
    assert!(!rustix::fs::fcntl_getfl(&out).unwrap().contains(OFlags::NONBLOCK));
}

#[test]
fn a_nonblocking_stdin_reads_as_blocking() {
    let p = PosixPlatform::new();
    let (r, w) = rustix::pipe::pipe().unwrap();
    let flags = rustix::fs::fcntl_getfl(&r).unwrap();
    rustix::fs::fcntl_setfl(&r, flags | OFlags::NONBLOCK).unwrap();
    let mut input = PosixHandle::from_owned_fd(r).unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        rustix::io::write(&w, b"late").unwrap();
    });
    let mut buf = [0u8; 8];
    assert_eq!(p.read(&mut input, &mut [&mut buf]), Ok(4));
    assert_eq!(&buf[..4], b"late");
    writer.join().unwrap();
    // Writer gone: EOF.
    assert_eq!(p.read(&mut input, &mut [&mut buf]), Ok(0));
}

#[test]
fn into_owned_fd_gives_it_back() {
    let f = fixture();
    let h = f.open("x", create());
    let fd = h.into_owned_fd();
    assert!(rustix::fs::fstat(&fd).is_ok());
}

#[test]
fn the_guest_never_clears_a_host_nonblock() {
    let p = PosixPlatform::new();
    let (_r, w) = rustix::pipe::pipe().unwrap();
    let flags = rustix::fs::fcntl_getfl(&w).unwrap();
    rustix::fs::fcntl_setfl(&w, flags | OFlags::NONBLOCK).unwrap();
    let mut out = PosixHandle::from_owned_fd(w).unwrap();
    p.set_fdflags(&mut out, FdFlags::NONBLOCK).unwrap();
    assert_eq!(p.fdflags(&out), Ok(FdFlags::NONBLOCK));
    p.set_fdflags(&mut out, FdFlags::empty()).unwrap();
    assert_eq!(p.fdflags(&out), Ok(FdFlags::empty()));
    assert!(rustix::fs::fcntl_getfl(&out).unwrap().contains(OFlags::NONBLOCK));
}

#[test]
fn handles_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<PosixHandle>();
    send_sync::<PosixPlatform>();
}
