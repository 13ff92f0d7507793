//! Resource limits, each reached by a guest through the dispatcher: open descriptors
//! (`EMFILE`), mem filesystem bytes and inodes (`ENOSPC`), path length
//! (`ENAMETOOLONG`), symlink depth (`ELOOP`), poll size (`EINVAL`); and host memory
//! stays bounded for a 100,000-entry `fd_readdir` and for reads and writes whose iovec
//! lengths add up to 4 GiB and more.

#[path = "support/counting.rs"]
mod counting;
mod support;

use counting::measure;
use support::*;
use wasibox_core::{Errno, Func, Limits, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

fn guest(p: MemPlatform, limits: Limits) -> Guest {
    let dir = p.open_dir("/d").unwrap();
    let out = p.pipe_handle(MemPipe::with_capacity(16 * 1024), false, true);
    let ctx = WasiCtx::builder(p).stdout(out).preopen("/d", dir).limits(limits).build().unwrap();
    Guest::new(Box::new(ctx))
}

fn platform(fs_limits: wasibox_mem::Limits) -> MemPlatform {
    let p = MemPlatform::new(MemConfig { limits: fs_limits, ..MemConfig::default() });
    p.fs().create_dir_all("/d").unwrap();
    p.fs().write_file("/d/f", b"0123456789").unwrap();
    p
}

#[test]
fn open_descriptors_emfile() {
    let mut g = guest(platform(wasibox_mem::Limits::default()), Limits { max_fds: 8, ..Limits::default() });
    // stdout and the preopen are 2 of the 8.
    let mut fds = Vec::new();
    loop {
        match g.open(3, 0, b"f", 0, R_READ, 0) {
            Ok(fd) => fds.push(fd),
            Err(e) => {
                assert_eq!(e, Errno::MFILE);
                break;
            }
        }
        assert!(fds.len() <= 8);
    }
    assert_eq!(fds.len(), 6);
    assert_eq!(g.ctx.fd_list().len(), 8);
    // Closing one makes room for exactly one.
    assert_eq!(g.close(fds[2]), Errno::SUCCESS);
    assert_eq!(g.open(3, 0, b"f", 0, R_READ, 0), Ok(fds[2]));
    assert_eq!(g.open(3, 0, b"f", 0, R_READ, 0), Err(Errno::MFILE));
}

#[test]
fn mem_filesystem_bytes_enospc_and_data_kept() {
    let p = platform(wasibox_mem::Limits { max_bytes: 64 * 1024, max_inodes: 1000 });
    let fs = p.fs().clone();
    let mut g = guest(p, Limits::default());
    let fd = g.open(3, 0, b"big", O_CREAT, R_RW, 0).unwrap();
    let chunk = vec![0x5au8; 4096];
    let mut written = 0usize;
    let err = loop {
        match g.write(fd, &chunk) {
            Ok(n) if n > 0 => written += n as usize,
            Ok(_) => break Errno::SUCCESS,
            Err(e) => break e,
        }
        assert!(written <= 64 * 1024);
    };
    assert_eq!(err, Errno::NOSPC);
    // 64 KiB minus the page of /d/f.
    assert_eq!(written, 60 * 1024);
    let data = fs.read_file("/d/big").unwrap();
    assert_eq!(data.len(), written);
    assert!(data.iter().all(|b| *b == 0x5a), "data written before ENOSPC is intact");
    // Freeing space makes writes work again.
    assert_eq!(g.set_size(fd, 0), Errno::SUCCESS);
    assert_eq!(g.pwrite(fd, &chunk, 0), Ok(4096));
}

#[test]
fn mem_filesystem_inodes_enospc() {
    let p = platform(wasibox_mem::Limits { max_bytes: 1 << 30, max_inodes: 10 });
    let mut g = guest(p, Limits::default());
    // root, /d, /d/f exist: 7 more.
    let mut made = 0;
    let err = loop {
        let name = format!("n{made}");
        let r = if made % 2 == 0 {
            g.open(3, 0, name.as_bytes(), O_CREAT, R_RW, 0).map(|fd| {
                g.close(fd);
            })
        } else {
            match g.mkdir(3, name.as_bytes()) {
                Errno::SUCCESS => Ok(()),
                e => Err(e),
            }
        };
        match r {
            Ok(()) => made += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(err, Errno::NOSPC);
    assert_eq!(made, 7);
    assert_eq!(g.symlink(b"x", 3, b"link"), Errno::NOSPC);
    // Removing one frees one.
    assert_eq!(g.unlink(3, b"n0"), Errno::SUCCESS);
    assert_eq!(g.symlink(b"x", 3, b"link"), Errno::SUCCESS);
}

#[test]
fn path_length_enametoolong() {
    let mut g = guest(platform(wasibox_mem::Limits::default()), Limits { max_path: 64, ..Limits::default() });
    let ok = "a/".repeat(31) + "b"; // 63 bytes
    assert_eq!(g.open(3, 0, ok.as_bytes(), 0, R_READ, 0), Err(Errno::NOENT));
    let long = "a/".repeat(32); // 64 bytes
    assert_eq!(g.open(3, 0, long.as_bytes(), 0, R_READ, 0), Err(Errno::NAMETOOLONG));
    assert_eq!(g.mkdir(3, long.as_bytes()), Errno::NAMETOOLONG);
    assert_eq!(g.symlink(long.as_bytes(), 3, b"l"), Errno::NAMETOOLONG);
    // The default: Linux's PATH_MAX and NAME_MAX.
    let mut g = guest(platform(wasibox_mem::Limits::default()), Limits::default());
    assert_eq!(g.open(3, 0, "x".repeat(4096).as_bytes(), 0, R_READ, 0), Err(Errno::NAMETOOLONG));
    assert_eq!(g.open(3, 0, "x".repeat(256).as_bytes(), 0, R_READ, 0), Err(Errno::NAMETOOLONG));
    assert_eq!(g.open(3, 0, "x".repeat(255).as_bytes(), 0, R_READ, 0), Err(Errno::NOENT));
}

#[test]
fn symlink_depth_eloop() {
    let p = platform(wasibox_mem::Limits::default());
    for i in 0..10 {
        p.fs().symlink(format!("l{}", i + 1), format!("/d/l{i}")).unwrap();
    }
    p.fs().symlink("f", "/d/l10").unwrap();
    let mut g = guest(p, Limits { max_symlinks: 3, ..Limits::default() });
    // l8 -> l9 -> l10 -> f: 3 links.
    assert!(g.open(3, FOLLOW, b"l8", 0, R_READ, 0).is_ok());
    assert_eq!(g.open(3, FOLLOW, b"l7", 0, R_READ, 0), Err(Errno::LOOP));
    assert_eq!(g.stat(3, FOLLOW, b"l7").map(|s| s.ino), Err(Errno::LOOP));
    // And the default, 40, on a longer chain.
    let p = platform(wasibox_mem::Limits::default());
    for i in 0..50 {
        p.fs().symlink(format!("c{}", i + 1), format!("/d/c{i}")).unwrap();
    }
    p.fs().symlink("f", "/d/c50").unwrap();
    let mut g = guest(p, Limits::default());
    // c11 .. c50 are 40 links; c10 is one more.
    assert!(g.open(3, FOLLOW, b"c11", 0, R_READ, 0).is_ok());
    assert_eq!(g.open(3, FOLLOW, b"c10", 0, R_READ, 0), Err(Errno::LOOP));
}

#[test]
fn poll_size_einval() {
    let mut g = guest(
        platform(wasibox_mem::Limits::default()),
        Limits { max_poll_subscriptions: 4, ..Limits::default() },
    );
    // Clock subscriptions (48 bytes each, monotonic, 0 ns) at DATA; events after them.
    for i in 0..8u32 {
        let at = DATA + i * 48;
        g.put(at, &[0u8; 48]);
        g.put(at + 16, &1u32.to_le_bytes());
    }
    let ev = DATA as u64 + 1024;
    assert_eq!(g.call(Func::PollOneoff, &[DATA as u64, ev, 4, RES as u64]), Errno::SUCCESS);
    assert_eq!(g.call(Func::PollOneoff, &[DATA as u64, ev, 5, RES as u64]), Errno::INVAL);
    assert_eq!(g.call(Func::PollOneoff, &[DATA as u64, ev, 0, RES as u64]), Errno::INVAL);
}

#[test]
fn readdir_of_100000_entries_is_bounded() {
    let p = platform(wasibox_mem::Limits::default());
    p.fs().create_dir_all("/d/big").unwrap();
    for i in 0..100_000 {
        p.fs().write_file(format!("/d/big/entry-{i:06}"), b"").unwrap();
    }
    let mut g = guest(p, Limits::default());
    let fd = g.open(3, 0, b"big", O_DIRECTORY, R_READ, 0).unwrap();
    let mut cookie = 0u64;
    let mut seen = 0usize;
    let mut max_peak = 0isize;
    let mut calls = 0;
    loop {
        let (e, peak) =
            measure(|| g.call(Func::FdReaddir, &[fd as u64, DATA as u64, 4096, cookie, RES as u64]));
        assert_eq!(e, Errno::SUCCESS);
        max_peak = max_peak.max(peak);
        calls += 1;
        let used = g.u32_at(RES) as usize;
        let buf = g.mem[DATA as usize..DATA as usize + used].to_vec();
        let mut off = 0;
        while off + 24 <= buf.len() {
            let namlen = u32::from_le_bytes(buf[off + 16..off + 20].try_into().unwrap()) as usize;
            if off + 24 + namlen > buf.len() {
                break;
            }
            cookie = u64::from_le_bytes(buf[off..off + 8].try_into().unwrap());
            seen += 1;
            off += 24 + namlen;
        }
        if used < 4096 {
            break;
        }
    }
    assert_eq!(seen, 100_002, "100,000 entries plus . and ..");
    println!("readdir of 100,000 entries: {calls} calls, peak allocation in one call {max_peak} bytes");
    assert!(max_peak < MEM_SIZE as isize, "one fd_readdir call allocated {max_peak} bytes");
}

#[test]
fn four_gib_of_iovecs_is_bounded() {
    let p = platform(wasibox_mem::Limits::default());
    // A sparse 8 GiB file: reads of it cost no storage.
    p.fs().set_size("/d/f", 8 << 30).unwrap();
    let mut g = guest(p, Limits::default());
    let fd = g.open(3, 0, b"f", 0, R_READ, 0).unwrap();
    // 16 iovecs of 4 GiB - 1 each in a 64 KiB memory: EFAULT, nothing allocated.
    let iovs = DATA;
    for i in 0..16u32 {
        g.put(iovs + i * 8, &0u32.to_le_bytes());
        g.put(iovs + i * 8 + 4, &0xFFFF_FFFFu32.to_le_bytes());
    }
    let (e, peak) = measure(|| g.call(Func::FdRead, &[fd as u64, iovs as u64, 16, RES as u64]));
    assert_eq!(e, Errno::FAULT);
    assert!(peak < 4096, "{peak}");
    // 4096 overlapping iovecs, each covering the first 17408 bytes (the array lives
    // after them, so the reads cannot rewrite it): 71 MB from one call, no allocation.
    let n = 4096u32;
    for i in 0..n {
        g.put(DATA + i * 8, &0u32.to_le_bytes());
        g.put(DATA + i * 8 + 4, &DATA.to_le_bytes());
    }
    let (e, peak) = measure(|| g.call(Func::FdRead, &[fd as u64, DATA as u64, n as u64, RES as u64]));
    assert_eq!(e, Errno::SUCCESS);
    let got = g.u32_at(RES) as u64;
    assert_eq!(got, n as u64 * DATA as u64);
    assert!(peak < MEM_SIZE as isize, "{peak}");
    println!("fd_read with {n} overlapping iovecs of {DATA} bytes: {got} bytes, peak allocation {peak}");
    // Writes of as much into a pipe that holds 16 KiB: short, bounded by the pipe.
    let (e, peak) = measure(|| g.call(Func::FdWrite, &[1, DATA as u64, n as u64, RES as u64]));
    assert_eq!(e, Errno::SUCCESS);
    assert_eq!(g.u32_at(RES), 16 * 1024);
    assert!(peak < MEM_SIZE as isize, "{peak}");
}

#[test]
#[cfg(unix)]
fn transfers_past_4_gib_stop_at_what_fits() {
    // posix: stdin is /dev/zero, stdout /dev/null. A 1 MiB memory holds 4097 iovecs that
    // each cover the whole memory: 4 GiB + 1 MiB in one call. The call moves what fits
    // in its u32 result (whole batches of 16 iovecs) and allocates nothing for it.
    use wasibox_posix::{PosixHandle, PosixPlatform};
    let open = |path: &str, w: bool| {
        let f = std::fs::OpenOptions::new().read(!w).write(w).open(path).unwrap();
        PosixHandle::from_owned_fd(f.into()).unwrap()
    };
    let mut ctx = WasiCtx::builder(PosixPlatform::new())
        .stdin(open("/dev/zero", false))
        .stdout(open("/dev/null", true))
        .build()
        .unwrap();
    let size = 1usize << 20;
    let mut mem = vec![0u8; size];
    // Buffers cover the first 960 KiB; the array (4400 entries) and the result follow.
    let buf_len = size - 64 * 1024;
    let arr = buf_len;
    let n = 4400u32;
    let fill = |mem: &mut Vec<u8>| {
        for i in 0..n as usize {
            mem[arr + i * 8..arr + i * 8 + 4].copy_from_slice(&0u32.to_le_bytes());
            mem[arr + i * 8 + 4..arr + i * 8 + 8].copy_from_slice(&(buf_len as u32).to_le_bytes());
        }
    };
    let res = (size - 8) as u64;
    let v = wasibox_core::Version::Preview1;
    fill(&mut mem);
    let (r, peak) = measure(|| {
        wasibox_core::call(&mut ctx, &mut mem[..], v, Func::FdWrite, &[1, arr as u64, n as u64, res])
    });
    assert_eq!(r, Ok(Errno::SUCCESS));
    let written = u32::from_le_bytes(mem[res as usize..res as usize + 4].try_into().unwrap());
    // Whole batches of 16 iovecs while the total stays within u32::MAX.
    let batch = 16 * buf_len as u64;
    assert_eq!(written as u64, (u32::MAX as u64 / batch) * batch, "whole batches up to 4 GiB - 1");
    assert!(peak < size as isize, "{peak}");
    fill(&mut mem);
    let t = std::time::Instant::now();
    let (r, peak) = measure(|| {
        wasibox_core::call(&mut ctx, &mut mem[..], v, Func::FdRead, &[0, arr as u64, n as u64, res])
    });
    assert_eq!(r, Ok(Errno::SUCCESS));
    let read = u32::from_le_bytes(mem[res as usize..res as usize + 4].try_into().unwrap());
    // The kernel moves at most MAX_RW_COUNT (2 GiB - 4 KiB) per readv: a short read ends
    // the call there, as it would for a guest calling readv.
    assert!(read > 0 && read as u64 <= (u32::MAX as u64 / batch) * batch, "{read}");
    assert!(peak < size as isize, "{peak}");
    println!(
        "4 GiB + 1 MiB of iovecs: wrote {written}, read {read} in {:?}; peak allocation {peak}",
        t.elapsed()
    );
}
