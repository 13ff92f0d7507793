//! One `MemFs` shared by several `MemPlatform`s on several threads, each with its own
//! `WasiCtx`, hammered through the dispatcher: no deadlock (a watchdog fails the test),
//! no torn state (invariants checked after every round and at the end).

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;
use wasibox_core::{Errno, WasiCtx};
use wasibox_mem::{MemConfig, MemFs, MemPlatform};

const RECORD: &[u8] = b"0123456789abcdef";

fn guest(fs: &MemFs, seed: u64) -> Guest {
    let p = MemPlatform::with_fs(fs.clone(), MemConfig { seed, ..MemConfig::default() });
    let dir = p.open_dir("/shared").unwrap();
    let ctx = WasiCtx::builder(p).preopen("/shared", dir).build().unwrap();
    Guest::new(Box::new(ctx))
}

#[test]
fn shared_mem_filesystem_under_stress() {
    let fs = MemFs::default();
    fs.create_dir_all("/shared/common").unwrap();
    fs.write_file("/shared/counter", b"").unwrap();
    let threads = 6u64;
    let rounds = 400u32;
    let progress = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut joins = Vec::new();
    for t in 0..threads {
        let fs = fs.clone();
        let progress = Arc::clone(&progress);
        joins.push(std::thread::spawn(move || {
            let mut g = guest(&fs, t);
            let mine = format!("t{t}");
            assert_eq!(g.mkdir(3, mine.as_bytes()), Errno::SUCCESS);
            // Everybody appends fixed-size records to one file (FDFLAGS_APPEND).
            let log = g.open(3, 0, b"log", O_CREAT, R_RW, 1).unwrap();
            for i in 0..rounds {
                let name = format!("{mine}/f{i}");
                let fd = g.open(3, 0, name.as_bytes(), O_CREAT | O_EXCL, R_RW, 0).unwrap();
                assert_eq!(g.write(fd, name.as_bytes()), Ok(name.len() as u32));
                assert_eq!(g.close(fd), Errno::SUCCESS);
                assert_eq!(g.write(log, RECORD), Ok(RECORD.len() as u32));
                // Move through the common directory and back; others list it meanwhile.
                let common = format!("common/{mine}-{i}");
                assert_eq!(g.rename(3, name.as_bytes(), 3, common.as_bytes()), Errno::SUCCESS);
                assert_eq!(g.link(3, 0, common.as_bytes(), 3, name.as_bytes()), Errno::SUCCESS);
                assert_eq!(g.unlink(3, common.as_bytes()), Errno::SUCCESS);
                let cd = g.open(3, 0, b"common", O_DIRECTORY, R_READ, 0).unwrap();
                let names = g.readdir(cd).unwrap();
                assert!(names.iter().any(|n| n == b"." || n == b".."));
                g.close(cd);
                // Symlinks and directories created and removed under contention.
                let link = format!("common/l-{mine}");
                assert_eq!(g.symlink(format!("../{name}").as_bytes(), 3, link.as_bytes()), Errno::SUCCESS);
                let fd = g.open(3, FOLLOW, link.as_bytes(), 0, R_READ, 0).unwrap();
                assert_eq!(g.read(fd, 64).unwrap(), name.as_bytes());
                g.close(fd);
                assert_eq!(g.unlink(3, link.as_bytes()), Errno::SUCCESS);
                let d = format!("common/d-{mine}");
                assert_eq!(g.mkdir(3, d.as_bytes()), Errno::SUCCESS);
                assert_eq!(g.rmdir(3, d.as_bytes()), Errno::SUCCESS);
                // Contended: everyone races to create and remove the same name.
                let _ = g.mkdir(3, b"common/race");
                let _ = g.rmdir(3, b"common/race");
                // Every thread's files stay readable with their own content.
                let st = g.stat(3, 0, name.as_bytes()).unwrap();
                assert_eq!(st.size, name.len() as u64);
                assert_eq!(st.nlink, 1);
                progress.fetch_add(1, Ordering::Relaxed);
            }
            g.close(log);
            assert_eq!(g.ctx.fd_list(), vec![3], "fd table back to the preopen");
        }));
    }
    // Watchdog: progress must keep moving.
    let total = threads * rounds as u64;
    let mut last = (0, Instant::now());
    while progress.load(Ordering::Relaxed) < total && !joins.iter().all(|j| j.is_finished()) {
        std::thread::sleep(Duration::from_millis(50));
        let p = progress.load(Ordering::Relaxed);
        if p != last.0 {
            last = (p, Instant::now());
        }
        assert!(last.1.elapsed() < Duration::from_secs(30), "no progress for 30 s: deadlock? ({p}/{total})");
    }
    for j in joins {
        j.join().unwrap();
    }
    // Invariants of the final state.
    let log = fs.read_file("/shared/log").unwrap();
    assert_eq!(log.len(), total as usize * RECORD.len(), "appends are atomic and none lost");
    assert!(log.chunks(RECORD.len()).all(|c| c == RECORD), "no torn record");
    for t in 0..threads {
        let entries = fs.list_dir(format!("/shared/t{t}")).unwrap();
        assert_eq!(entries.len(), rounds as usize);
        for i in 0..rounds {
            let name = format!("t{t}/f{i}");
            assert_eq!(fs.read_file(format!("/shared/{name}")).unwrap(), name.as_bytes());
        }
    }
    assert!(fs.list_dir("/shared/common").unwrap().is_empty(), "common is empty again");
    // Inode accounting: root, shared, common, counter, log, threads' dirs and files.
    let expect = 5 + threads * (1 + rounds as u64);
    assert_eq!(fs.usage().inodes, expect, "inode count");
    println!("{threads} threads x {rounds} rounds (~16 dispatcher calls each) in {:?}", start.elapsed());
}
