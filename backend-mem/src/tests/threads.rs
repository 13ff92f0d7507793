//! Several threads, several platforms, one filesystem.

use super::*;
use crate::MemFs;
use alloc::format;
use alloc::sync::Arc;
use std::thread;

#[test]
fn stress_shared_fs() {
    let fs = MemFs::default();
    let threads = if cfg!(miri) { 3 } else { 8 };
    let rounds = if cfg!(miri) { 6 } else { 300 };
    fs.create_dir("/shared").unwrap();
    let mut joins = alloc::vec::Vec::new();
    for t in 0..threads {
        let fs = fs.clone();
        joins.push(thread::spawn(move || {
            let p = Arc::new(MemPlatform::with_fs(fs, MemConfig { seed: t, ..MemConfig::default() }));
            let r = p.open_dir("/shared").unwrap();
            let mine = format!("t{t}");
            p.mkdir_at(&r, &mine).unwrap();
            let d = p.open_at(&r, &mine, &dir_opts()).unwrap();
            let mut log = p.open_at(&r, "log", &with_flags(create(), FdFlags::APPEND)).unwrap();
            for i in 0..rounds {
                let name = format!("f{i}");
                mkfile(&p, &d, &name, name.as_bytes());
                // Everybody appends one fixed-size record to the same file.
                assert_eq!(write(&p, &mut log, b"0123456789abcdef"), 16);
                // Move files between our directory and the shared one, and back.
                let shared_name = format!("{mine}-{i}");
                p.rename_at(&d, &name, &r, &shared_name).unwrap();
                p.link_at(&r, &shared_name, &d, &name).unwrap();
                p.unlink_at(&r, &shared_name).unwrap();
                // Others list the shared directory while it changes.
                let mut rr = p.open_dir("/shared").unwrap();
                let listed = names(&p, &mut rr);
                assert!(listed.contains(&mine));
                let mut f = p.open_at(&d, &name, &ro()).unwrap();
                assert_eq!(read_n(&p, &mut f, 64), name.as_bytes());
                if i % 3 == 0 {
                    p.unlink_at(&d, &name).unwrap();
                }
            }
        }));
    }
    for j in joins {
        j.join().unwrap();
    }
    let log = fs.metadata("/shared/log").unwrap();
    assert_eq!(log.size, 16 * threads * rounds);
    for t in 0..threads {
        let entries = fs.list_dir(format!("/shared/t{t}")).unwrap();
        assert_eq!(entries.len() as u64, rounds - rounds.div_ceil(3));
    }
    // Every record is whole: appends never interleave inside a write.
    let data = fs.read_file("/shared/log").unwrap();
    for rec in data.chunks(16) {
        assert_eq!(rec, b"0123456789abcdef");
    }
    assert_eq!(fs.list_dir("/shared").unwrap().len() as u64, threads + 1);
}

#[test]
fn types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<MemPlatform>();
    send_sync::<MemHandle>();
    send_sync::<crate::MemPipe>();
    send_sync::<MemFs>();
}

#[test]
fn pipes_between_threads() {
    let pipe = crate::MemPipe::new();
    let writer = pipe.clone();
    let n = if cfg!(miri) { 20 } else { 1000 };
    let t = thread::spawn(move || {
        for i in 0..n {
            writer.push(format!("{i};").as_bytes());
        }
        writer.close_write();
    });
    let p = plat();
    let mut h = p.pipe_handle(pipe, true, false);
    p.set_fdflags(&mut h, FdFlags::NONBLOCK).unwrap();
    let mut got = alloc::vec::Vec::new();
    loop {
        let mut buf = [0u8; 7];
        match p.read(&mut h, &mut [&mut buf[..]]) {
            Ok(0) => break,
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(Errno::AGAIN) => thread::yield_now(),
            Err(e) => panic!("{e:?}"),
        }
    }
    t.join().unwrap();
    let expect: alloc::string::String = (0..n).map(|i| format!("{i};")).collect();
    assert_eq!(got, expect.as_bytes());
}
