//! A bare-metal "firmware" that embeds wasibox: the `no_std` core with the in-memory
//! backend, and (feature `engine`) the wasmi engine glue. It exists to be measured:
//! `scripts/bare-metal.sh` links it with `--gc-sections` for `thumbv7em-none-eabihf` and
//! `riscv32imac-unknown-none-elf` and reports the size of what is left, which is what a
//! device would carry. Nothing here is meant to run.
#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};
use wasibox_core::{Func, Version, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

/// Bytes of the heap arena (excluded from the reported RAM).
pub const ARENA: usize = 32 * 1024;

struct Bump;
static NEXT: AtomicUsize = AtomicUsize::new(0);
static mut HEAP: [u8; ARENA] = [0; ARENA];

// SAFETY: hands out disjoint, aligned ranges of a static arena and never reuses them.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = core::ptr::addr_of_mut!(HEAP) as usize;
        let mut cur = NEXT.load(Ordering::Relaxed);
        loop {
            let start = (base + cur).next_multiple_of(layout.align()) - base;
            let end = start + layout.size();
            if end > ARENA {
                return core::ptr::null_mut();
            }
            match NEXT.compare_exchange(cur, end, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return (base + start) as *mut u8,
                Err(now) => cur = now,
            }
        }
    }
    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static ALLOC: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

fn context() -> WasiCtx<MemPlatform> {
    let platform = MemPlatform::new(MemConfig::default());
    let _ = platform.fs().create_dir_all("/data");
    let dir = platform.open_dir("/data");
    let out = platform.pipe_handle(MemPipe::new(), false, true);
    let mut b = WasiCtx::builder(platform).version(Version::Preview1).arg("app").stdout(out);
    if let Ok(dir) = dir {
        b = b.preopen("/data", dir);
    }
    match b.build() {
        Ok(ctx) => ctx,
        Err(_) => loop {},
    }
}

/// Run WASI function number `func` with raw arguments against `mem` (the host's view of
/// the guest's linear memory): the dispatcher and every syscall, nothing of an engine.
///
/// # Safety
/// `args` must point to `nargs` values and `mem` to `mem_len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn wasibox_call(
    func: u32,
    args: *const u64,
    nargs: usize,
    mem: *mut u8,
    mem_len: usize,
) -> i32 {
    let Some(&f) = Func::ALL.get(func as usize) else { return -1 };
    let args = unsafe { core::slice::from_raw_parts(args, nargs) };
    let mem = unsafe { core::slice::from_raw_parts_mut(mem, mem_len) };
    let mut ctx = context();
    match wasibox_core::call(&mut ctx, mem, Version::Preview1, f, args) {
        Ok(errno) => i32::from(errno.0),
        Err(_) => -2,
    }
}

/// Compile, link and run a WASI command with wasmi: a complete runtime.
///
/// # Safety
/// `wasm` must point to `len` bytes.
#[cfg(feature = "engine")]
#[no_mangle]
pub unsafe extern "C" fn wasibox_run(wasm: *const u8, len: usize) -> i32 {
    let wasm = unsafe { core::slice::from_raw_parts(wasm, len) };
    let engine = wasmi::Engine::default();
    match wasibox_core::engine::wasmi::run_command(&engine, wasm, context()).0 {
        Ok(outcome) => outcome.status() as i32,
        Err(_) => -1,
    }
}

/// The entry point: keeps the exported functions alive through `--gc-sections`.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let n = unsafe { core::ptr::read_volatile(core::ptr::addr_of!(INPUT)) };
    let mut mem = [0u8; 64];
    let args = [n as u64; 9];
    let r = unsafe { wasibox_call(n, args.as_ptr(), n as usize, mem.as_mut_ptr(), mem.len()) };
    unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!(OUTPUT), r) };
    #[cfg(feature = "engine")]
    {
        let r = unsafe { wasibox_run(mem.as_ptr(), n as usize) };
        unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!(OUTPUT), r) };
    }
    loop {}
}

static mut INPUT: u32 = 0;
static mut OUTPUT: i32 = 0;
