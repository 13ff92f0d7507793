//! Stdio pipes and `poll`.

use super::*;
use crate::MemPipe;
use wasibox_core::abi::{ClockId, SetTime, Whence};
use wasibox_core::platform::{Deadline, PollFd};

#[test]
fn stdin_stdout() {
    let p = plat();
    let stdin = MemPipe::from_bytes(b"input");
    let stdout = MemPipe::new();
    let mut i = p.pipe_handle(stdin, true, false);
    let mut o = p.pipe_handle(stdout.clone(), false, true);
    assert_eq!(read_n(&p, &mut i, 3), b"inp");
    assert_eq!(read_n(&p, &mut i, 10), b"ut");
    assert_eq!(read_n(&p, &mut i, 10), b"", "closed and drained: EOF");
    assert_eq!(p.write(&mut o, &[b"out", b"put"]).unwrap(), 6);
    assert_eq!(stdout.contents(), b"output");
    assert_eq!(stdout.take(), b"output");
    assert!(stdout.is_empty());
    // Wrong direction.
    assert_eq!(p.write(&mut i, &[b"x"]).unwrap_err(), Errno::BADF);
    let mut b = [0u8; 1];
    assert_eq!(p.read(&mut o, &mut [&mut b[..]]).unwrap_err(), Errno::BADF);
}

#[test]
fn empty_open_pipe() {
    let p = plat();
    let pipe = MemPipe::new();
    let mut h = p.pipe_handle(pipe.clone(), true, false);
    // Blocking: nobody could fill it, so end-of-file.
    assert_eq!(read_n(&p, &mut h, 4), b"");
    p.set_fdflags(&mut h, FdFlags::NONBLOCK).unwrap();
    let mut b = [0u8; 4];
    assert_eq!(p.read(&mut h, &mut [&mut b[..]]).unwrap_err(), Errno::AGAIN);
    pipe.push(b"late");
    assert_eq!(p.read(&mut h, &mut [&mut b[..]]).unwrap(), 4);
    pipe.close_write();
    assert_eq!(p.read(&mut h, &mut [&mut b[..]]).unwrap(), 0);
}

#[test]
fn capacity_and_closing() {
    let p = plat();
    let pipe = MemPipe::with_capacity(4);
    let mut h = p.pipe_handle(pipe.clone(), false, true);
    assert_eq!(p.write(&mut h, &[b"ab", b"cdef"]).unwrap(), 4);
    assert_eq!(p.write(&mut h, &[b"x"]).unwrap_err(), Errno::AGAIN);
    assert_eq!(pipe.take(), b"abcd");
    assert_eq!(pipe.push(b"123456"), 4);
    pipe.take();
    pipe.close_write();
    assert!(pipe.is_write_closed());
    assert_eq!(p.write(&mut h, &[b"x"]).unwrap_err(), Errno::PIPE);
}

#[test]
fn pipes_are_not_seekable_files() {
    let p = plat();
    let pipe = MemPipe::new();
    let mut h = p.pipe_handle(pipe, true, true);
    let mut b = [0u8; 1];
    assert_eq!(p.seek(&mut h, 0, Whence::Cur).unwrap_err(), Errno::SPIPE);
    assert_eq!(p.pread(&mut h, &mut [&mut b[..]], 0).unwrap_err(), Errno::SPIPE);
    assert_eq!(p.pwrite(&mut h, &[b"x"], 0).unwrap_err(), Errno::SPIPE);
    assert_eq!(p.set_size(&h, 0).unwrap_err(), Errno::INVAL);
    assert_eq!(p.allocate(&h, 0, 1).unwrap_err(), Errno::SPIPE);
    assert_eq!(p.sync(&h).unwrap_err(), Errno::INVAL);
    assert_eq!(p.datasync(&h).unwrap_err(), Errno::INVAL);
    assert_eq!(p.advise(&h, 0, 1, wasibox_core::abi::Advice::Normal).unwrap_err(), Errno::SPIPE);
    assert_eq!(p.set_times(&h, SetTime::Now, SetTime::Now), Ok(()));
    let ro_h = p.pipe_handle(MemPipe::new(), true, false);
    assert_eq!(p.allocate(&ro_h, 0, 1).unwrap_err(), Errno::BADF);
    assert_eq!(p.filetype(&h), Ok(Filetype::Unknown));
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.filetype, st.size, st.nlink), (Filetype::Unknown, 0, 1));
    assert_ne!(st.ino, 0);
    // The same pipe keeps its inode; another pipe gets another.
    let again = p.pipe_handle(h.pipe().unwrap().clone(), true, false);
    assert_eq!(p.filestat(&again).unwrap().ino, st.ino);
    assert_ne!(p.filestat(&ro_h).unwrap().ino, st.ino);
}

fn pfd(h: &MemHandle, write: bool) -> PollFd<'_, MemHandle> {
    PollFd { handle: h, write, ready: None, hangup: false }
}

#[test]
fn poll_readiness() {
    let p = MemPlatform::new(MemConfig { tick: 0, ..MemConfig::default() });
    let r = root(&p);
    mkfile(&p, &r, "f", b"0123456789");
    let mut f = p.open_at(&r, "f", &rw()).unwrap();
    p.seek(&mut f, 4, Whence::Set).unwrap();
    let empty = MemPipe::new();
    let full = MemPipe::with_capacity(1);
    full.push(b"x");
    let data = MemPipe::new();
    data.push(b"abc");
    let closed = MemPipe::from_bytes(b"");
    let he = p.pipe_handle(empty, true, true);
    let hf = p.pipe_handle(full, true, true);
    let hd = p.pipe_handle(data, true, false);
    let hc = p.pipe_handle(closed, true, false);
    let mut fds = [
        pfd(&f, false),
        pfd(&f, true),
        pfd(&r, false),
        pfd(&he, false),
        pfd(&he, true),
        pfd(&hf, true),
        pfd(&hd, false),
        pfd(&hc, false),
    ];
    let deadline = Deadline { clock: ClockId::Monotonic, at: 1_000 };
    p.poll(&mut fds, Some(deadline)).unwrap();
    assert_eq!(fds[0].ready, Some(Ok(6)), "bytes left from the offset");
    assert_eq!(fds[1].ready, Some(Ok(0)));
    assert_eq!(fds[2].ready, Some(Ok(0)));
    assert_eq!(fds[3].ready, None, "empty open pipe: not readable");
    assert_eq!(fds[4].ready, Some(Ok(0)), "no capacity: always writable");
    assert_eq!(fds[5].ready, None, "full pipe: not writable");
    assert_eq!(fds[6].ready, Some(Ok(3)));
    assert_eq!((fds[7].ready, fds[7].hangup), (Some(Ok(0)), true));
    assert!(!fds[6].hangup);
    assert_eq!(p.elapsed(), 0, "something was ready: the clock did not move");
}

#[test]
fn poll_nothing_ready() {
    let p = MemPlatform::new(MemConfig { tick: 0, ..MemConfig::default() });
    let empty = p.pipe_handle(MemPipe::new(), true, false);
    let mut fds = [pfd(&empty, false)];
    p.poll(&mut fds, Some(Deadline { clock: ClockId::Monotonic, at: 2_000 })).unwrap();
    assert_eq!(fds[0].ready, None);
    assert_eq!(p.elapsed(), 2_000);
    let mut fds = [pfd(&empty, false)];
    p.poll(&mut fds, None).unwrap();
    assert_eq!(fds[0].ready, None, "no deadline: returns with nothing ready");
}
