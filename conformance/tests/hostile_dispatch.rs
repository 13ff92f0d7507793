//! Every WASI function of both versions, called straight through the dispatcher with a
//! plain byte-slice `GuestMemory` and hostile arguments in every position: pointers at,
//! across and past the end of memory, wrapping past 2^32, misaligned; lengths 0 and
//! 0xFFFFFFFF; bad fds. The host must answer with an errno (or an exit for `proc_exit`),
//! never panic, and never write outside the memory it was given.

use wasibox_core::dispatch::ValType;
use wasibox_core::{call, Errno, Func, Version, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

const MEM: usize = 4096;

fn ctx() -> WasiCtx<MemPlatform> {
    let p = MemPlatform::new(MemConfig::default());
    p.fs().create_dir_all("/d").unwrap();
    p.fs().write_file("/d/f", b"hello").unwrap();
    let dir = p.open_dir("/d").unwrap();
    let out = p.pipe_handle(MemPipe::new(), false, true);
    let inp = p.pipe_handle(MemPipe::from_bytes(b"in"), true, false);
    WasiCtx::builder(p).arg("prog").env("A", "1").stdin(inp).stdout(out).preopen("/d", dir).build().unwrap()
}

/// Values that a hostile guest puts in an i32 slot.
const HOSTILE32: &[u64] = &[
    MEM as u64,     // one past the end
    MEM as u64 - 1, // the last byte: anything wider crosses the end
    MEM as u64 - 2, // misaligned and crossing
    0xFFFF_FFFF,    // wraps
    0xFFFF_FFF0,    // wraps with a length
    0x8000_0000,    // far out
    1,              // misaligned
    0,              // null (in bounds here)
];

/// A benign value for each parameter, so that the hostile one is what gets checked.
fn benign(func: Func, i: usize) -> u64 {
    let name = func.param_names()[i];
    match name {
        "fd" | "old_fd" | "new_fd" => 3,
        "to" => 3,
        n if n.ends_with("_len") || n == "nsubscriptions" || n == "buf_len" => 1,
        "iovs" | "ri_data" | "si_data" => 64,
        "subs" => 128,
        _ => 512,
    }
}

#[test]
fn every_function_survives_hostile_arguments_in_every_position() {
    let mut calls = 0u32;
    for version in [Version::Preview1, Version::Unstable] {
        for &func in Func::ALL.iter().filter(|f| f.available_in(version)) {
            let params = func.params();
            for pos in 0..params.len() {
                let hostile: Vec<u64> = match params[pos] {
                    ValType::I32 => HOSTILE32.to_vec(),
                    ValType::I64 => vec![u64::MAX, i64::MAX as u64, 1 << 63, 0],
                };
                for h in hostile {
                    let mut c = ctx();
                    // A guard region after the guest's memory must stay untouched.
                    let mut backing = vec![0u8; MEM + 64];
                    backing[64..80].copy_from_slice(b"path\0\0\0\0\0\0\0\0\0\0\0\0");
                    let mut args: Vec<u64> = (0..params.len()).map(|i| benign(func, i)).collect();
                    args[pos] = h;
                    let (mem, guard) = backing.split_at_mut(MEM);
                    let r = call(&mut c, mem, version, func, &args);
                    calls += 1;
                    assert!(guard.iter().all(|b| *b == 0), "{func:?} wrote past the memory with {args:?}");
                    match r {
                        Ok(errno) => assert!(errno.name().is_some(), "{func:?}: unknown errno {errno:?}"),
                        Err(_) => {
                            assert!(matches!(func, Func::ProcExit | Func::ProcRaise), "{func:?} exited")
                        }
                    }
                }
            }
        }
    }
    assert!(calls > 1000, "only {calls} calls");
}

#[test]
fn out_of_bounds_result_pointers_are_efault_and_misaligned_ones_einval() {
    let mut c = ctx();
    let mut mem = vec![0u8; MEM];
    let v = Version::Preview1;
    assert_eq!(call(&mut c, &mut mem[..], v, Func::ArgsSizesGet, &[MEM as u64, 0]), Ok(Errno::FAULT));
    assert_eq!(call(&mut c, &mut mem[..], v, Func::ArgsSizesGet, &[2, 0]), Ok(Errno::INVAL));
    assert_eq!(call(&mut c, &mut mem[..], v, Func::ClockTimeGet, &[1, 0, 0xFFFF_FFF8]), Ok(Errno::FAULT));
    assert_eq!(call(&mut c, &mut mem[..], v, Func::ClockTimeGet, &[1, 0, 4]), Ok(Errno::INVAL));
    assert_eq!(call(&mut c, &mut mem[..], v, Func::RandomGet, &[0xFFFF_FFF0, 32]), Ok(Errno::FAULT));
    assert_eq!(call(&mut c, &mut mem[..], v, Func::FdFilestatGet, &[3, MEM as u64 - 32]), Ok(Errno::FAULT));
    // wasi_unstable's filestat is 56 bytes: it fits where preview1's 64 do not.
    assert_eq!(
        call(&mut c, &mut mem[..], Version::Unstable, Func::FdFilestatGet, &[3, MEM as u64 - 56]),
        Ok(Errno::SUCCESS)
    );
    assert_eq!(call(&mut c, &mut mem[..], v, Func::FdFilestatGet, &[3, MEM as u64 - 56]), Ok(Errno::FAULT));
    // sock_accept does not exist in wasi_unstable.
    assert_eq!(call(&mut c, &mut mem[..], Version::Unstable, Func::SockAccept, &[3, 0, 0]), Ok(Errno::NOSYS));
    // A huge iovec count is EFAULT, not an allocation.
    assert_eq!(call(&mut c, &mut mem[..], v, Func::FdWrite, &[1, 0, 0x2000_0000, 8]), Ok(Errno::FAULT));
}

#[test]
fn overlapping_iovecs_read_as_if_in_order() {
    let p = MemPlatform::new(MemConfig::default());
    let inp = p.pipe_handle(MemPipe::from_bytes(b"abcdefgh"), true, false);
    let mut c = WasiCtx::builder(p).stdin(inp).build().unwrap();
    let mut mem = vec![0u8; 256];
    // Two iovecs over the same 4 bytes at 100, then one at 200.
    for (i, (ptr, len)) in [(100u32, 4u32), (102, 4), (200, 2)].iter().enumerate() {
        mem[i * 8..i * 8 + 4].copy_from_slice(&ptr.to_le_bytes());
        mem[i * 8 + 4..i * 8 + 8].copy_from_slice(&len.to_le_bytes());
    }
    assert_eq!(
        call(&mut c, &mut mem[..], Version::Preview1, Func::FdRead, &[0, 0, 3, 32]),
        Ok(Errno::SUCCESS)
    );
    assert_eq!(u32::from_le_bytes(mem[32..36].try_into().unwrap()), 8);
    // "abcd" at 100, then "efgh" at 102 over it, then nothing left for 200.
    assert_eq!(&mem[100..106], b"abefgh");
}
