//! Failing hosts: errors injected into the mem backend (`MemFs::inject_fault`) at
//! chosen calls reach the guest as the right errno, nothing written before the fault is
//! lost, and the descriptor table stays consistent. Short writes come from a full
//! filesystem and a full pipe. On posix, a full filesystem (a 64 KiB tmpfs when this
//! process may mount one) gives `ENOSPC` cleanly.

mod support;

use support::*;
use wasibox_core::{Errno, Func, WasiCtx};
use wasibox_mem::{MemConfig, MemFs, MemPipe, MemPlatform};

fn world(limits: wasibox_mem::Limits) -> (MemFs, MemPipe, Guest) {
    let p = MemPlatform::new(MemConfig { limits, ..MemConfig::default() });
    let fs = p.fs().clone();
    fs.create_dir_all("/d/a/b").unwrap();
    fs.write_file("/d/a/b/f", b"deep").unwrap();
    fs.write_file("/d/r", b"0123456789abcdef").unwrap();
    let pipe = MemPipe::with_capacity(100);
    let out = p.pipe_handle(pipe.clone(), false, true);
    let dir = p.open_dir("/d").unwrap();
    let ctx = WasiCtx::builder(p).stdout(out).preopen("/d", dir).build().unwrap();
    (fs, pipe, Guest::new(Box::new(ctx)))
}

/// Every open fd answers `fd_fdstat_get`, and the table is what we expect.
fn check_table(g: &mut Guest, expect: &[u32]) {
    let mut fds = g.ctx.fd_list();
    fds.sort();
    let mut expect = expect.to_vec();
    expect.sort();
    assert_eq!(fds, expect, "fd table");
    for fd in fds {
        assert_eq!(g.call(Func::FdFdstatGet, &[fd as u64, STAT as u64]), Errno::SUCCESS, "fd {fd}");
    }
}

#[test]
fn write_errors_reach_the_guest_and_keep_earlier_data() {
    for errno in [Errno::IO, Errno::NOSPC, Errno::DQUOT, Errno::FBIG] {
        let (fs, _, mut g) = world(wasibox_mem::Limits::default());
        let fd = g.open(3, 0, b"log", O_CREAT, R_RW, 0).unwrap();
        // The third write fails.
        fs.inject_fault("write", errno, 2);
        assert_eq!(g.write(fd, b"one,"), Ok(4));
        assert_eq!(g.write(fd, b"two,"), Ok(4));
        assert_eq!(g.write(fd, b"three,"), Err(errno));
        assert_eq!(fs.read_file("/d/log").unwrap(), b"one,two,", "{errno:?}");
        // The fd is intact and its offset did not move.
        assert_eq!(g.seek(fd, 0, 1), Ok(8));
        assert_eq!(g.write(fd, b"four"), Ok(4));
        assert_eq!(fs.read_file("/d/log").unwrap(), b"one,two,four");
        check_table(&mut g, &[1, 3, fd]);
    }
}

#[test]
fn read_and_pread_errors() {
    let (fs, _, mut g) = world(wasibox_mem::Limits::default());
    let fd = g.open(3, 0, b"r", 0, R_READ, 0).unwrap();
    fs.inject_fault("read", Errno::IO, 1);
    assert_eq!(g.read(fd, 4), Ok(b"0123".to_vec()));
    assert_eq!(g.read(fd, 4), Err(Errno::IO));
    assert_eq!(g.read(fd, 4), Ok(b"4567".to_vec()), "the failed read consumed nothing");
    fs.inject_fault("pread", Errno::IO, 0);
    assert_eq!(g.pread(fd, 8, 4), Err(Errno::IO));
    assert_eq!(g.pread(fd, 8, 4), Ok(b"89ab".to_vec()));
    fs.inject_fault("pwrite", Errno::NOSPC, 0);
    let wfd = g.open(3, 0, b"r", 0, R_RW, 0).unwrap();
    assert_eq!(g.pwrite(wfd, b"XX", 0), Err(Errno::NOSPC));
    assert_eq!(fs.read_file("/d/r").unwrap(), b"0123456789abcdef");
    check_table(&mut g, &[1, 3, fd, wfd]);
}

#[test]
fn open_errors_leak_no_descriptor() {
    let (fs, _, mut g) = world(wasibox_mem::Limits::default());
    // At the final component, at each intermediate one, and at stat/readlink on the way.
    for (op, after) in [("open_at", 0), ("open_at", 1), ("open_at", 2), ("readlink_at", 0), ("filetype", 0)] {
        fs.inject_fault(op, Errno::IO, after);
        let r = g.open(3, FOLLOW, b"a/b/f", 0, R_READ, 0);
        fs.clear_faults();
        match r {
            Err(e) => assert_eq!(e, Errno::IO, "{op} after {after}"),
            Ok(fd) => {
                // The fault was not on this path (e.g. no readlink needed): fine, close.
                assert_eq!(g.close(fd), Errno::SUCCESS);
            }
        }
        check_table(&mut g, &[1, 3]);
    }
    // O_CREAT that fails creates nothing.
    fs.inject_fault("open_at", Errno::NOSPC, 0);
    assert_eq!(g.open(3, 0, b"new", O_CREAT, R_RW, 0), Err(Errno::NOSPC));
    assert!(!fs.exists("/d/new"));
    check_table(&mut g, &[1, 3]);
}

#[test]
fn close_errors_still_close() {
    let (fs, _, mut g) = world(wasibox_mem::Limits::default());
    let fd = g.open(3, 0, b"r", 0, R_READ, 0).unwrap();
    fs.inject_fault("close", Errno::IO, 0);
    // As on Linux, the descriptor is gone even when close reports an error.
    assert_eq!(g.close(fd), Errno::IO);
    check_table(&mut g, &[1, 3]);
    assert_eq!(g.close(fd), Errno::BADF);
}

#[test]
fn namespace_errors() {
    let (fs, _, mut g) = world(wasibox_mem::Limits::default());
    for (op, errno) in [
        ("mkdir_at", Errno::NOSPC),
        ("unlink_at", Errno::IO),
        ("rename_at", Errno::IO),
        ("symlink_at", Errno::NOSPC),
        ("link_at", Errno::MLINK),
        ("rmdir_at", Errno::IO),
        ("readdir", Errno::IO),
        ("set_times_at", Errno::PERM),
        ("stat_at", Errno::IO),
    ] {
        fs.inject_fault(op, errno, 0);
        let got = match op {
            "mkdir_at" => g.mkdir(3, b"m"),
            "unlink_at" => g.unlink(3, b"r"),
            "rename_at" => g.rename(3, b"r", 3, b"r2"),
            "symlink_at" => g.symlink(b"r", 3, b"s"),
            "link_at" => g.link(3, 0, b"r", 3, b"h"),
            "rmdir_at" => g.rmdir(3, b"a/b"),
            "readdir" => g.readdir(3).err().unwrap_or(Errno::SUCCESS),
            "set_times_at" => g.set_times(3, 0, b"r", 0, 0, 5),
            _ => g.stat(3, 0, b"r").err().unwrap_or(Errno::SUCCESS),
        };
        fs.clear_faults();
        assert_eq!(got, errno, "{op}");
    }
    // Nothing happened.
    assert!(!fs.exists("/d/m") && !fs.exists("/d/s") && !fs.exists("/d/h") && !fs.exists("/d/r2"));
    assert_eq!(fs.read_file("/d/r").unwrap(), b"0123456789abcdef");
    assert!(fs.exists("/d/a/b"));
    check_table(&mut g, &[1, 3]);
}

#[test]
fn a_fault_at_every_call_of_a_session() {
    // Run a fixed session of guest calls once per position k, with EIO injected at the
    // k-th platform call of any kind. Whatever fails, afterwards: every fd in the table
    // works, the file holds exactly what the guest was told was written (a prefix of the
    // session's data), and no descriptor is left over.
    let session = |g: &mut Guest| -> Vec<u8> {
        let mut written = Vec::new();
        let Ok(fd) = g.open(3, 0, b"out", O_CREAT, R_RW, 0) else { return written };
        for chunk in [&b"alpha "[..], b"beta ", b"gamma ", b"delta"] {
            match g.write(fd, chunk) {
                Ok(n) => written.extend_from_slice(&chunk[..n as usize]),
                Err(_) => break,
            }
        }
        let _ = g.mkdir(3, b"dir");
        let _ = g.rename(3, b"dir", 3, b"dir2");
        let _ = g.readdir(3);
        let _ = g.stat(3, FOLLOW, b"a/b/f");
        g.close(fd);
        written
    };
    let mut k = 0;
    loop {
        let (fs, _, mut g) = world(wasibox_mem::Limits::default());
        fs.inject_fault("*", Errno::IO, k);
        let written = session(&mut g);
        // Did the fault fire inside the session? If it is still armed, a few more
        // platform calls (sched_yield) reach it: then the session was shorter than k.
        let mut fired = true;
        for _ in 0..2000 {
            if g.call(Func::SchedYield, &[]) == Errno::IO {
                fired = false;
                break;
            }
        }
        fs.clear_faults();
        check_table(&mut g, &[1, 3]);
        if let Ok(data) = fs.read_file("/d/out") {
            assert_eq!(data, written, "fault at call {k}");
        }
        if !fired {
            assert_eq!(written, b"alpha beta gamma delta");
            break;
        }
        k += 1;
        assert!(k < 1000);
    }
    println!("fault injected at each of {k} positions of the session");
}

#[test]
fn short_writes_from_a_full_filesystem_and_a_full_pipe() {
    // 8 KiB of storage, 4 KiB already used by /d/a/b/f and /d/r (one page each).
    let (fs, pipe, mut g) = world(wasibox_mem::Limits { max_bytes: 12 * 1024, max_inodes: 100 });
    let fd = g.open(3, 0, b"big", O_CREAT, R_RW, 0).unwrap();
    let data = vec![7u8; 6000];
    // One page is left: the first write is short, the next one ENOSPC.
    let n = g.write(fd, &data).unwrap();
    assert_eq!(n, 4096, "short write up to the page that fits");
    assert_eq!(g.write(fd, &data), Err(Errno::NOSPC));
    assert_eq!(fs.read_file("/d/big").unwrap(), vec![7u8; 4096]);
    // A pipe that holds 100 bytes: short write, then EAGAIN; the bytes are there.
    assert_eq!(g.write(1, &[b'x'; 150]), Ok(100));
    assert_eq!(g.write(1, b"more"), Err(Errno::AGAIN));
    assert_eq!(pipe.take(), vec![b'x'; 100]);
    assert_eq!(g.write(1, b"more"), Ok(4));
    check_table(&mut g, &[1, 3, fd]);
}

#[test]
#[cfg(unix)]
fn posix_full_filesystem_is_enospc() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        println!("SKIP posix ENOSPC: cannot mount a tmpfs here (no privilege); mem ENOSPC is tested above");
        return;
    }
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(mnt);
    use wasibox_posix::{PosixHandle, PosixPlatform};
    let dir = PosixHandle::open_dir(mnt).unwrap();
    let ctx = WasiCtx::builder(PosixPlatform::new()).preopen("/m", dir).build().unwrap();
    let mut g = Guest::new(Box::new(ctx));
    let fd = g.open(3, 0, b"fill", O_CREAT, R_RW, 0).unwrap();
    let chunk = vec![0x42u8; 4096];
    let mut written = 0usize;
    let err = loop {
        match g.write(fd, &chunk) {
            Ok(0) => break Errno::SUCCESS,
            Ok(n) => written += n as usize,
            Err(e) => break e,
        }
        assert!(written <= 1 << 20);
    };
    assert_eq!(err, Errno::NOSPC);
    assert!(written > 0 && written <= 64 * 1024);
    let on_disk = std::fs::read(mnt.join("fill")).unwrap();
    assert_eq!(on_disk.len(), written);
    assert!(on_disk.iter().all(|b| *b == 0x42));
    assert_eq!(g.close(fd), Errno::SUCCESS);
    println!("posix tmpfs of 64 KiB: {written} bytes written, then ENOSPC");
}
