//! Short reads and writes injected at chosen calls (the mem backend's `inject_short`)
//! reach the guest as short counts: nothing is lost, nothing is invented.

use wasibox_core::{call, Errno, Func, Version, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

#[test]
fn short_writes_and_reads_reach_the_guest_as_counts() {
    let p = MemPlatform::new(MemConfig::default());
    let fs = p.fs().clone();
    let out = MemPipe::new();
    let inp = MemPipe::from_bytes(b"abcdef");
    let so = p.pipe_handle(out.clone(), false, true);
    let si = p.pipe_handle(inp, true, false);
    let mut ctx = WasiCtx::builder(p).stdin(si).stdout(so).build().unwrap();
    let mut mem = vec![0u8; 1024];
    mem[100..105].copy_from_slice(b"hello");
    // iovec at 0: {100, 5}; nwritten/nread at 16.
    mem[0..4].copy_from_slice(&100u32.to_le_bytes());
    mem[4..8].copy_from_slice(&5u32.to_le_bytes());
    let v = Version::Preview1;

    fs.inject_short("write", 3, 1);
    assert_eq!(call(&mut ctx, &mut mem[..], v, Func::FdWrite, &[1, 0, 1, 16]), Ok(Errno::SUCCESS));
    assert_eq!(u32::from_le_bytes(mem[16..20].try_into().unwrap()), 5);
    assert_eq!(call(&mut ctx, &mut mem[..], v, Func::FdWrite, &[1, 0, 1, 16]), Ok(Errno::SUCCESS));
    assert_eq!(u32::from_le_bytes(mem[16..20].try_into().unwrap()), 3, "the injected short write");
    assert_eq!(out.take(), b"hellohel", "what was written before and during the fault is kept");

    // iovec at 8: {200, 4}.
    mem[8..12].copy_from_slice(&200u32.to_le_bytes());
    mem[12..16].copy_from_slice(&4u32.to_le_bytes());
    fs.inject_short("read", 1, 0);
    assert_eq!(call(&mut ctx, &mut mem[..], v, Func::FdRead, &[0, 8, 1, 16]), Ok(Errno::SUCCESS));
    assert_eq!(u32::from_le_bytes(mem[16..20].try_into().unwrap()), 1);
    assert_eq!(call(&mut ctx, &mut mem[..], v, Func::FdRead, &[0, 8, 1, 16]), Ok(Errno::SUCCESS));
    assert_eq!(u32::from_le_bytes(mem[16..20].try_into().unwrap()), 4);
    assert_eq!(&mem[200..204], b"bcde", "the short read lost no byte");
}
