//! The hostile-argument sweep: every function of both versions (46 + 45), called through
//! the dispatcher with a byte-slice memory, starting from arguments that succeed and
//! changing exactly one thing per case — a pointer at, across or past the end of memory
//! or wrapping past 2^32, a misaligned result pointer, a length of 0 or 0xFFFFFFFF, an
//! iovec array or entry out of bounds, overlapping iovecs, a huge count, a closed,
//! negative, stdio or preopen descriptor where it does not fit, each undefined bit of
//! every flag word, a bad `whence`/advice/clock id/signal/event type, 0 and huge
//! subscription counts. Because only one argument is wrong, each case has one right
//! answer, and the sweep asserts it exactly. It also asserts that nothing panics, that
//! no call takes long, that nothing is written past the guest's memory, and (with a
//! counting global allocator) that no call allocates more than the guest memory's size.
//!
//! Socket functions run against the posix backend with a real loopback connection (the
//! mem backend has no sockets); everything else against mem.
//!
//! Run with `--nocapture` to see the function x category table.

#![cfg(unix)] // the socket cases need the posix backend
#![allow(clippy::type_complexity)]

#[path = "support/counting.rs"]
mod counting;
mod support;
use counting::measure;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};
use support::{Dispatch, MEM_SIZE};
use wasibox_core::{Errno, Func, Version, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};
use wasibox_posix::{PosixHandle, PosixPlatform};

// ----- memory layout and the world -----------------------------------------------------

const MEM: u64 = MEM_SIZE as u64;
const RES: u64 = 0;
const RES2: u64 = 8;
const ARGV: u64 = 256;
const ARGV_BUF: u64 = 512;
const IOV: u64 = 64;
const STAT: u64 = 192;
const PATH_A: u64 = 1024;
const PATH_B: u64 = 9216;
const DATA: u64 = 17408;
const EVENTS: u64 = DATA + 4096;

/// Which world a function's cases run in.
#[derive(Clone, Copy, PartialEq)]
enum Setup {
    /// mem: fd 0-2 pipes, 3 preopen `/d`, 4 `/d/f` read-write, 5 `/d/sub`.
    Mem,
    /// posix: 3 a preopened temp dir, 4 a TCP listener with a pending connection, 5 the
    /// accepted connection (whose peer has sent data and is still open).
    Sock,
}

struct World {
    ctx: Box<dyn Dispatch>,
    _keep: Vec<Box<dyn std::any::Any>>,
}

fn mem_world() -> World {
    let p = MemPlatform::new(MemConfig::default());
    let fs = p.fs();
    fs.create_dir_all("/d/sub").unwrap();
    fs.create_dir_all("/d/empty").unwrap();
    fs.write_file("/d/f", b"hello world").unwrap();
    fs.write_file("/d/sub/x", b"x").unwrap();
    fs.symlink("f", "/d/link").unwrap();
    let dir = p.open_dir("/d").unwrap();
    let inp = p.pipe_handle(MemPipe::from_bytes(b"input"), true, false);
    let out = p.pipe_handle(MemPipe::new(), false, true);
    let err = p.pipe_handle(MemPipe::new(), false, true);
    let ctx = WasiCtx::builder(p)
        .args(["prog", "x"])
        .env("A", "1")
        .stdin(inp)
        .stdout(out)
        .stderr(err)
        .preopen("/d", dir)
        .build()
        .unwrap();
    let mut w = World { ctx: Box::new(ctx), _keep: Vec::new() };
    let mut mem = vec![0u8; MEM_SIZE];
    mem[PATH_A as usize..PATH_A as usize + 1].copy_from_slice(b"f");
    let open = |w: &mut World, mem: &mut Vec<u8>, oflags: u64, base: u64| {
        let e = w.ctx.dispatch(
            mem,
            Version::Preview1,
            Func::PathOpen,
            &[3, 0, PATH_A, 1, oflags, base, 0, 0, RES],
        );
        assert_eq!(e, Ok(Errno::SUCCESS));
    };
    open(&mut w, &mut mem, 0, (1 << 1) | (1 << 6));
    mem[PATH_A as usize..PATH_A as usize + 3].copy_from_slice(b"sub");
    let e = w.ctx.dispatch(
        &mut mem,
        Version::Preview1,
        Func::PathOpen,
        &[3, 0, PATH_A, 3, 2, 1 << 14, 0, 0, RES],
    );
    assert_eq!(e, Ok(Errno::SUCCESS));
    w
}

fn sock_world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"hello").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    client.write_all(b"data from the peer").unwrap();
    // A second pending connection, for sock_accept's own cases.
    let client2 = std::net::TcpStream::connect(addr).unwrap();
    let dir = PosixHandle::open_dir(tmp.path()).unwrap();
    let null = |w: bool| {
        let f = std::fs::OpenOptions::new().read(!w).write(w).open("/dev/null").unwrap();
        PosixHandle::from_owned_fd(f.into()).unwrap()
    };
    let ctx = WasiCtx::builder(PosixPlatform::new())
        .stdin(null(false))
        .stdout(null(true))
        .stderr(null(true))
        .preopen("/d", dir)
        .socket(PosixHandle::from_tcp_listener(listener).unwrap())
        .build()
        .unwrap();
    let mut w = World { ctx: Box::new(ctx), _keep: vec![Box::new(tmp), Box::new(client), Box::new(client2)] };
    let mut mem = vec![0u8; MEM_SIZE];
    let e = w.ctx.dispatch(&mut mem, Version::Preview1, Func::SockAccept, &[4, 0, RES]);
    assert_eq!(e, Ok(Errno::SUCCESS));
    assert_eq!(u32::from_le_bytes(mem[0..4].try_into().unwrap()), 5);
    w
}

// ----- argument kinds and the cases they generate --------------------------------------

/// What a parameter is, and so how it can be wrong.
#[derive(Clone)]
enum Kind {
    /// A descriptor: closed and negative are `EBADF`; `wrong` lists other descriptors
    /// that do not fit (stdio, preopen, file, dir) with the errno each must give.
    Fd(Vec<(u64, &'static str, Errno)>),
    /// A pointer the call reads or writes `size` bytes at, aligned to `align`.
    Ptr { size: u64, align: u64 },
    /// A byte buffer whose length is the parameter at `len`; `zero` is the answer when
    /// that length is 0.
    Buf { len: usize, zero: Errno, path: bool },
    /// The length of a byte buffer (its cases are generated by the buffer).
    Len,
    /// An iovec array whose count is the parameter at `len`.
    Iovs { len: usize },
    /// A count of iovecs (cases generated by the array).
    IovLen,
    /// A flag word: `valid` bits; every other bit of the low 32 is `EINVAL`, unless
    /// `undefined` says otherwise.
    Flags { valid: u32, undefined: Errno },
    /// A 64-bit rights word: bits 30..63 are undefined.
    Rights { undefined: Errno },
    /// An enumeration: values from `bad` must be `EINVAL`.
    Enum { bad: &'static [u64] },
    /// A 64-bit file offset or size: above `i64::MAX` is `errno`.
    Off { errno: Errno },
    /// Anything goes (a timestamp, userdata, precision, an exit code).
    Any,
    /// poll_oneoff: the subscriptions (size per subscription given).
    Subs { size: u64 },
    /// poll_oneoff: the event array.
    Events,
    /// poll_oneoff: the subscription count.
    NSubs,
}

struct Spec {
    func: Func,
    setup: Setup,
    args: Vec<u64>,
    kinds: Vec<Kind>,
    /// Answer with the benign arguments.
    baseline: Errno,
    /// Memory preparation (paths, iovecs, subscriptions).
    prep: fn(&mut [u8], Version),
    /// Extra cases: (category, memory mutation, expected).
    extra: Vec<(&'static str, fn(&mut [u8], Version), Errno)>,
}

fn put(m: &mut [u8], at: u64, b: &[u8]) {
    m[at as usize..at as usize + b.len()].copy_from_slice(b);
}

fn put_iov(m: &mut [u8], at: u64, ptr: u64, len: u64) {
    put(m, at, &(ptr as u32).to_le_bytes());
    put(m, at + 4, &(len as u32).to_le_bytes());
}

/// Paths used by the specs: PATH_A holds the first path, PATH_B the second.
fn prep_default(m: &mut [u8], v: Version) {
    put(m, PATH_A, b"f");
    put(m, PATH_B, b"g");
    put_iov(m, IOV, DATA, 4);
    put_iov(m, IOV + 8, DATA + 8, 4);
    // One clock subscription, relative, 0 ns, monotonic.
    let mut s = [0u8; 56];
    s[0..8].copy_from_slice(&7u64.to_le_bytes());
    let base = if v == Version::Unstable { 24 } else { 16 };
    s[base..base + 4].copy_from_slice(&1u32.to_le_bytes());
    put(m, DATA, &s);
}

const SUB_SIZE_P1: u64 = 48;
const SUB_SIZE_UN: u64 = 56;

fn stat_size(v: Version) -> u64 {
    if v == Version::Unstable {
        56
    } else {
        64
    }
}

/// Every undefined bit of a u32 flag word whose defined bits are `valid`.
fn undefined_bits(valid: u32) -> impl Iterator<Item = u32> {
    (0..32).map(|b| 1u32 << b).filter(move |b| valid & b == 0)
}

use Errno as E;

fn specs(v: Version) -> Vec<Spec> {
    let whence_set = if v == Version::Unstable { 2 } else { 0 };
    let dir_needed = |file_errno: Errno| {
        Kind::Fd(vec![(4, "file fd", file_errno), (1, "stdout", E::NOTDIR), (0, "stdin", E::NOTDIR)])
    };
    let d = |f: Func, args: Vec<u64>, kinds: Vec<Kind>| Spec {
        func: f,
        setup: Setup::Mem,
        args,
        kinds,
        baseline: E::SUCCESS,
        prep: prep_default,
        extra: vec![],
    };
    let lookup = Kind::Flags { valid: 1, undefined: E::INVAL };
    let path = |len: usize| Kind::Buf { len, zero: E::NOENT, path: true };
    let ss = stat_size(v);
    let mut out = vec![
        d(
            Func::ArgsGet,
            vec![ARGV, ARGV_BUF],
            vec![Kind::Ptr { size: 8, align: 4 }, Kind::Ptr { size: 7, align: 1 }],
        ),
        d(
            Func::ArgsSizesGet,
            vec![RES, RES2],
            vec![Kind::Ptr { size: 4, align: 4 }, Kind::Ptr { size: 4, align: 4 }],
        ),
        d(
            Func::EnvironGet,
            vec![ARGV, ARGV_BUF],
            vec![Kind::Ptr { size: 4, align: 4 }, Kind::Ptr { size: 4, align: 1 }],
        ),
        d(
            Func::EnvironSizesGet,
            vec![RES, RES2],
            vec![Kind::Ptr { size: 4, align: 4 }, Kind::Ptr { size: 4, align: 4 }],
        ),
        d(
            Func::ClockResGet,
            vec![1, RES],
            vec![Kind::Enum { bad: &[4, 5, 255, 256, 0xFFFF_FFFF] }, Kind::Ptr { size: 8, align: 8 }],
        ),
        d(
            Func::ClockTimeGet,
            vec![0, 0, RES],
            vec![
                Kind::Enum { bad: &[4, 5, 255, 256, 0xFFFF_FFFF] },
                Kind::Any,
                Kind::Ptr { size: 8, align: 8 },
            ],
        ),
        d(
            Func::FdAdvise,
            vec![4, 0, 10, 0],
            vec![
                Kind::Fd(vec![
                    (3, "preopen dir (Linux accepts advice on a directory)", E::SUCCESS),
                    (1, "stdout pipe", E::SPIPE),
                ]),
                Kind::Off { errno: E::INVAL },
                Kind::Off { errno: E::INVAL },
                Kind::Enum { bad: &[6, 7, 255, 256, 0xFFFF_FFFF] },
            ],
        ),
        d(
            Func::FdAllocate,
            vec![4, 0, 10],
            vec![
                Kind::Fd(vec![
                    (3, "preopen dir", E::BADF),
                    (1, "stdout pipe", E::SPIPE),
                    (0, "stdin (read-only)", E::BADF),
                ]),
                Kind::Off { errno: E::INVAL },
                Kind::Off { errno: E::INVAL },
            ],
        ),
        d(Func::FdClose, vec![4], vec![Kind::Fd(vec![])]),
        d(Func::FdDatasync, vec![4], vec![Kind::Fd(vec![(1, "stdout pipe", E::INVAL)])]),
        d(Func::FdFdstatGet, vec![4, STAT], vec![Kind::Fd(vec![]), Kind::Ptr { size: 24, align: 8 }]),
        d(
            Func::FdFdstatSetFlags,
            vec![4, 0],
            vec![Kind::Fd(vec![]), Kind::Flags { valid: 0x1f, undefined: E::INVAL }],
        ),
        d(
            Func::FdFdstatSetRights,
            vec![4, 0, 0],
            vec![
                Kind::Fd(vec![]),
                Kind::Rights { undefined: E::NOTCAPABLE },
                Kind::Rights { undefined: E::NOTCAPABLE },
            ],
        ),
        d(Func::FdFilestatGet, vec![4, STAT], vec![Kind::Fd(vec![]), Kind::Ptr { size: ss, align: 8 }]),
        d(
            Func::FdFilestatSetSize,
            vec![4, 5],
            vec![
                Kind::Fd(vec![
                    (3, "preopen dir", E::INVAL),
                    (1, "stdout pipe", E::INVAL),
                    (0, "stdin (read-only)", E::INVAL),
                ]),
                Kind::Off { errno: E::INVAL },
            ],
        ),
        d(
            Func::FdFilestatSetTimes,
            vec![4, 0, 0, 5],
            vec![Kind::Fd(vec![]), Kind::Any, Kind::Any, Kind::Flags { valid: 0xf, undefined: E::INVAL }],
        ),
        d(
            Func::FdPread,
            vec![4, IOV, 2, 0, RES],
            vec![
                Kind::Fd(vec![(3, "preopen dir", E::ISDIR), (1, "stdout (write-only)", E::BADF)]),
                Kind::Iovs { len: 2 },
                Kind::IovLen,
                Kind::Off { errno: E::INVAL },
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        d(
            Func::FdPrestatGet,
            vec![3, RES],
            vec![
                Kind::Fd(vec![(4, "file fd", E::BADF), (1, "stdout", E::BADF)]),
                Kind::Ptr { size: 8, align: 4 },
            ],
        ),
        d(
            Func::FdPrestatDirName,
            vec![3, DATA, 2],
            vec![
                Kind::Fd(vec![(4, "file fd", E::BADF), (1, "stdout", E::BADF)]),
                Kind::Buf { len: 2, zero: E::NAMETOOLONG, path: false },
                Kind::Len,
            ],
        ),
        d(
            Func::FdPwrite,
            vec![4, IOV, 2, 0, RES],
            vec![
                Kind::Fd(vec![(3, "preopen dir", E::BADF), (0, "stdin (read-only)", E::BADF)]),
                Kind::Iovs { len: 2 },
                Kind::IovLen,
                Kind::Off { errno: E::INVAL },
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        d(
            Func::FdRead,
            vec![4, IOV, 2, RES],
            vec![
                Kind::Fd(vec![(3, "preopen dir", E::ISDIR), (1, "stdout (write-only)", E::BADF)]),
                Kind::Iovs { len: 2 },
                Kind::IovLen,
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        d(
            Func::FdReaddir,
            vec![3, DATA, 256, 0, RES],
            vec![
                dir_needed(E::NOTDIR),
                Kind::Buf { len: 2, zero: E::SUCCESS, path: false },
                Kind::Len,
                Kind::Any,
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        d(Func::FdRenumber, vec![4, 5], vec![Kind::Fd(vec![]), Kind::Fd(vec![])]),
        d(
            Func::FdSeek,
            vec![4, 0, whence_set, RES],
            vec![
                Kind::Fd(vec![(1, "stdout pipe", E::SPIPE), (0, "stdin pipe", E::SPIPE)]),
                // A negative resulting position.
                Kind::Off { errno: E::INVAL },
                Kind::Enum { bad: &[3, 4, 255, 256, 0xFFFF_FFFF] },
                Kind::Ptr { size: 8, align: 8 },
            ],
        ),
        d(Func::FdSync, vec![4], vec![Kind::Fd(vec![(1, "stdout pipe", E::INVAL)])]),
        d(
            Func::FdTell,
            vec![4, RES],
            vec![Kind::Fd(vec![(1, "stdout pipe", E::SPIPE)]), Kind::Ptr { size: 8, align: 8 }],
        ),
        d(
            Func::FdWrite,
            vec![4, IOV, 2, RES],
            vec![
                Kind::Fd(vec![(3, "preopen dir", E::BADF), (0, "stdin (read-only)", E::BADF)]),
                Kind::Iovs { len: 2 },
                Kind::IovLen,
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        Spec {
            prep: |m, v| {
                prep_default(m, v);
                put(m, PATH_A, b"newdir")
            },
            args: vec![3, PATH_A, 6],
            ..d(Func::PathCreateDirectory, vec![], vec![dir_needed(E::NOTDIR), path(2), Kind::Len])
        },
        d(
            Func::PathFilestatGet,
            vec![3, 0, PATH_A, 1, STAT],
            vec![dir_needed(E::NOTDIR), lookup.clone(), path(3), Kind::Len, Kind::Ptr { size: ss, align: 8 }],
        ),
        d(
            Func::PathFilestatSetTimes,
            vec![3, 0, PATH_A, 1, 0, 0, 5],
            vec![
                dir_needed(E::NOTDIR),
                lookup.clone(),
                path(3),
                Kind::Len,
                Kind::Any,
                Kind::Any,
                Kind::Flags { valid: 0xf, undefined: E::INVAL },
            ],
        ),
        d(
            Func::PathLink,
            vec![3, 0, PATH_A, 1, 3, PATH_B, 1],
            vec![
                dir_needed(E::NOTDIR),
                lookup.clone(),
                path(3),
                Kind::Len,
                dir_needed(E::NOTDIR),
                path(6),
                Kind::Len,
            ],
        ),
        d(
            Func::PathOpen,
            vec![3, 0, PATH_A, 1, 0, 2, 0, 0, RES],
            vec![
                dir_needed(E::NOTDIR),
                lookup.clone(),
                path(3),
                Kind::Len,
                Kind::Flags { valid: 0xf, undefined: E::INVAL },
                // Rights words are masked to the defined bits (wasi-libc passes all ones).
                Kind::Rights { undefined: E::SUCCESS },
                Kind::Rights { undefined: E::SUCCESS },
                Kind::Flags { valid: 0x1f, undefined: E::INVAL },
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        Spec {
            prep: |m, v| {
                prep_default(m, v);
                put(m, PATH_A, b"link")
            },
            ..d(
                Func::PathReadlink,
                vec![3, PATH_A, 4, DATA, 64, RES],
                vec![
                    dir_needed(E::NOTDIR),
                    path(2),
                    Kind::Len,
                    Kind::Buf { len: 4, zero: E::SUCCESS, path: false },
                    Kind::Len,
                    Kind::Ptr { size: 4, align: 4 },
                ],
            )
        },
        Spec {
            prep: |m, v| {
                prep_default(m, v);
                put(m, PATH_A, b"empty")
            },
            ..d(
                Func::PathRemoveDirectory,
                vec![3, PATH_A, 5],
                vec![dir_needed(E::NOTDIR), path(2), Kind::Len],
            )
        },
        d(
            Func::PathRename,
            vec![3, PATH_A, 1, 3, PATH_B, 1],
            vec![dir_needed(E::NOTDIR), path(2), Kind::Len, dir_needed(E::NOTDIR), path(5), Kind::Len],
        ),
        d(
            Func::PathSymlink,
            vec![PATH_A, 1, 3, PATH_B, 1],
            vec![path(1), Kind::Len, dir_needed(E::NOTDIR), path(4), Kind::Len],
        ),
        d(Func::PathUnlinkFile, vec![3, PATH_A, 1], vec![dir_needed(E::NOTDIR), path(2), Kind::Len]),
        d(
            Func::PollOneoff,
            vec![DATA, EVENTS, 1, RES],
            vec![
                Kind::Subs { size: if v == Version::Unstable { SUB_SIZE_UN } else { SUB_SIZE_P1 } },
                Kind::Events,
                Kind::NSubs,
                Kind::Ptr { size: 4, align: 4 },
            ],
        ),
        d(Func::ProcRaise, vec![0], vec![Kind::Enum { bad: &[31, 32, 255, 256, 0xFFFF_FFFF] }]),
        d(Func::SchedYield, vec![], vec![]),
        d(
            Func::RandomGet,
            vec![DATA, 16],
            vec![Kind::Buf { len: 1, zero: E::SUCCESS, path: false }, Kind::Len],
        ),
    ];
    let sock = |f: Func, args: Vec<u64>, kinds: Vec<Kind>| Spec { setup: Setup::Sock, ..d(f, args, kinds) };
    let not_sock = |extra: Vec<(u64, &'static str, Errno)>| {
        let mut v = vec![(3, "preopen dir", E::NOTSOCK)];
        v.extend(extra);
        Kind::Fd(v)
    };
    if v == Version::Preview1 {
        out.push(sock(
            Func::SockAccept,
            vec![4, 0, RES],
            vec![
                not_sock(vec![]),
                Kind::Flags { valid: 0x4, undefined: E::INVAL },
                Kind::Ptr { size: 4, align: 4 },
            ],
        ));
    }
    out.push(sock(
        Func::SockRecv,
        vec![5, IOV, 2, 0, RES, RES2],
        vec![
            not_sock(vec![]),
            Kind::Iovs { len: 2 },
            Kind::IovLen,
            Kind::Flags { valid: 0x3, undefined: E::INVAL },
            Kind::Ptr { size: 4, align: 4 },
            Kind::Ptr { size: 2, align: 2 },
        ],
    ));
    out.push(sock(
        Func::SockSend,
        vec![5, IOV, 2, 0, RES],
        vec![
            not_sock(vec![]),
            Kind::Iovs { len: 2 },
            Kind::IovLen,
            Kind::Flags { valid: 0, undefined: E::INVAL },
            Kind::Ptr { size: 4, align: 4 },
        ],
    ));
    out.push(sock(
        Func::SockShutdown,
        vec![5, 1],
        vec![not_sock(vec![]), Kind::Enum { bad: &[0, 4, 255, 256, 0xFFFF_FFFF] }],
    ));
    // proc_exit: every code exits; checked separately.
    out
}

/// One case: a category name, the arguments, a memory mutation, the expected errno.
struct Case {
    category: String,
    args: Vec<u64>,
    mutate: Option<Box<dyn Fn(&mut [u8])>>,
    expect: Errno,
}

fn cases_for(spec: &Spec) -> Vec<Case> {
    let mut out = Vec::new();
    let with = |i: usize, val: u64| {
        let mut a = spec.args.clone();
        a[i] = val;
        a
    };
    for (i, k) in spec.kinds.iter().enumerate() {
        let pname = spec.func.param_names()[i];
        match k {
            Kind::Fd(wrong) => {
                out.push(c(format!("{pname}: closed"), with(i, 10), E::BADF));
                out.push(c(format!("{pname}: negative"), with(i, 0xFFFF_FFFF), E::BADF));
                out.push(c(format!("{pname}: i32::MAX"), with(i, 0x7FFF_FFFF), E::BADF));
                for (fd, what, e) in wrong {
                    out.push(c(format!("{pname}: {what}"), with(i, *fd), *e));
                }
            }
            Kind::Ptr { size, align } => {
                out.push(c(format!("{pname}: at end"), with(i, MEM), E::FAULT));
                if *size > *align {
                    out.push(c(format!("{pname}: across end"), with(i, MEM - align), E::FAULT));
                }
                // Out of bounds wins over misalignment: the last byte is EFAULT for
                // anything wider than a byte.
                out.push(c(
                    format!("{pname}: last byte"),
                    with(i, MEM - 1),
                    if *size > 1 { E::FAULT } else { spec.baseline },
                ));
                out.push(c(format!("{pname}: wraps 2^32"), with(i, 0xFFFF_FFFF & !(align - 1)), E::FAULT));
                out.push(c(format!("{pname}: 2^31"), with(i, 0x8000_0000), E::FAULT));
                if *align > 1 {
                    out.push(c(format!("{pname}: misaligned"), with(i, spec.args[i] + 1), E::INVAL));
                }
            }
            Kind::Buf { len, zero, path } => {
                let l = spec.args[*len];
                let mut a = with(i, MEM);
                out.push(c(format!("{pname}: at end"), a.clone(), E::FAULT));
                a[i] = MEM - 1;
                if l > 1 {
                    out.push(c(format!("{pname}: across end"), a.clone(), E::FAULT));
                }
                a[i] = 0xFFFF_FFF0;
                out.push(c(format!("{pname}: wraps 2^32"), a, E::FAULT));
                let mut a = spec.args.clone();
                a[*len] = 0;
                out.push(c(format!("{pname}: len 0"), a.clone(), *zero));
                a[*len] = 0xFFFF_FFFF;
                out.push(c(format!("{pname}: len 0xFFFFFFFF"), a.clone(), E::FAULT));
                a[*len] = MEM - spec.args[i] + 1;
                out.push(c(format!("{pname}: len past end"), a.clone(), E::FAULT));
                if *path {
                    a[*len] = 4096;
                    out.push(c(format!("{pname}: len 4096 (PATH_MAX)"), a, E::NAMETOOLONG));
                    let p = spec.args[i];
                    let l = l as usize;
                    let mut variant = |cat: &str, bytes: &'static [u8], e: Errno| {
                        let mut a = spec.args.clone();
                        a[*len] = bytes.len() as u64;
                        let _ = l;
                        out.push(Case {
                            category: format!("{pname}: {cat}"),
                            args: a,
                            mutate: Some(Box::new(move |m: &mut [u8]| put(m, p, bytes))),
                            expect: e,
                        });
                    };
                    if pname != "old_path" || spec.func != Func::PathSymlink {
                        variant("NUL", b"f\0x", E::INVAL);
                        variant("invalid UTF-8", b"\xff\xfe", E::ILSEQ);
                        variant("absolute", b"/f", E::NOTCAPABLE);
                        variant("`..` above", b"../f", E::NOTCAPABLE);
                    } else {
                        variant("NUL", b"f\0x", E::INVAL);
                        variant("invalid UTF-8", b"\xff\xfe", E::ILSEQ);
                    }
                }
            }
            Kind::Len | Kind::IovLen | Kind::Any => {
                if matches!(k, Kind::Any) {
                    for val in [u64::MAX, 1 << 63] {
                        let val = if spec.func.params()[i] == wasibox_core::dispatch::ValType::I32 {
                            val >> 32
                        } else {
                            val
                        };
                        out.push(Case {
                            category: format!("{pname}: {val:#x}"),
                            args: with(i, val),
                            mutate: None,
                            expect: spec.baseline,
                        });
                    }
                }
            }
            Kind::Iovs { len } => {
                let il = spec.args[*len];
                let mut a = with(i, MEM);
                out.push(Case {
                    category: format!("{pname}: at end"),
                    args: a.clone(),
                    mutate: None,
                    expect: E::FAULT,
                });
                a[i] = MEM - 8;
                out.push(Case {
                    category: format!("{pname}: across end"),
                    args: a.clone(),
                    mutate: None,
                    expect: E::FAULT,
                });
                a[i] = 0xFFFF_FFF8;
                out.push(Case {
                    category: format!("{pname}: wraps 2^32"),
                    args: a.clone(),
                    mutate: None,
                    expect: E::FAULT,
                });
                a[i] = spec.args[i] + 2;
                out.push(Case {
                    category: format!("{pname}: misaligned"),
                    args: a,
                    mutate: None,
                    expect: E::INVAL,
                });
                for (cat, n, e) in [
                    ("count 0", 0, E::SUCCESS),
                    ("count 2^29", 1 << 29, E::FAULT),
                    ("count 0xFFFFFFFF", 0xFFFF_FFFF, E::FAULT),
                ] {
                    let mut a = spec.args.clone();
                    a[*len] = n;
                    out.push(Case { category: format!("{pname}: {cat}"), args: a, mutate: None, expect: e });
                }
                let iovp = spec.args[i];
                let _ = il;
                let entries: [(&str, [(u64, u64); 2], Errno); 9] = [
                    ("entry ptr past end", [(MEM, 4), (DATA, 4)], E::FAULT),
                    ("entry across end", [(MEM - 2, 4), (DATA, 4)], E::FAULT),
                    ("entry wraps", [(0xFFFF_FFF0, 32), (DATA, 4)], E::FAULT),
                    ("entry len 0xFFFFFFFF", [(DATA, 0xFFFF_FFFF), (DATA, 4)], E::FAULT),
                    ("second entry bad", [(DATA, 4), (MEM, 4)], E::FAULT),
                    ("entries overlap", [(DATA, 8), (DATA + 2, 8)], E::SUCCESS),
                    ("empty entries at the end", [(MEM, 0), (0, 0)], E::SUCCESS),
                    // A zero-length buffer must still lie in memory (as wasmtime checks).
                    ("empty entry past the end", [(MEM + 100, 0), (DATA, 4)], E::FAULT),
                    ("empty entry wrapping", [(0xFFFF_FFFF, 0), (DATA, 4)], E::FAULT),
                ];
                for (cat, es, e) in entries {
                    out.push(Case {
                        category: format!("{pname}: {cat}"),
                        args: spec.args.clone(),
                        mutate: Some(Box::new(move |m: &mut [u8]| {
                            put_iov(m, iovp, es[0].0, es[0].1);
                            put_iov(m, iovp + 8, es[1].0, es[1].1);
                        })),
                        expect: if e == E::SUCCESS { spec.baseline } else { e },
                    });
                }
            }
            Kind::Flags { valid, undefined } => {
                for b in undefined_bits(*valid) {
                    out.push(Case {
                        category: format!("{pname}: undefined bit {:#x}", b),
                        args: with(i, b as u64),
                        mutate: None,
                        expect: *undefined,
                    });
                }
            }
            Kind::Rights { undefined } => {
                for b in [30u32, 31, 32, 48, 63] {
                    out.push(Case {
                        category: format!("{pname}: undefined bit {b}"),
                        args: with(i, 1u64 << b),
                        mutate: None,
                        expect: *undefined,
                    });
                }
            }
            Kind::Enum { bad } => {
                for val in bad.iter() {
                    out.push(Case {
                        category: format!("{pname}: {val:#x}"),
                        args: with(i, *val),
                        mutate: None,
                        expect: E::INVAL,
                    });
                }
            }
            Kind::Off { errno } => {
                for val in [1u64 << 63, u64::MAX] {
                    out.push(Case {
                        category: format!("{pname}: {val:#x}"),
                        args: with(i, val),
                        mutate: None,
                        expect: *errno,
                    });
                }
            }
            Kind::Subs { size } => {
                let size = *size;
                for (cat, val, e) in [
                    ("at end", MEM, E::FAULT),
                    ("across end", MEM - 8, E::FAULT),
                    ("wraps 2^32", 0xFFFF_FFF8, E::FAULT),
                    ("misaligned", DATA + 4, E::INVAL),
                ] {
                    out.push(Case {
                        category: format!("{pname}: {cat}"),
                        args: with(i, val),
                        mutate: None,
                        expect: e,
                    });
                }
                let un = size == SUB_SIZE_UN;
                let clock_id_at = if un { 24 } else { 16 };
                let flags_at = clock_id_at + 24;
                let sub_mut = |cat: String, f: Box<dyn Fn(&mut [u8])>, e: Errno| Case {
                    category: cat,
                    args: spec.args.clone(),
                    mutate: Some(f),
                    expect: e,
                };
                for tag in [3u8, 4, 255] {
                    out.push(sub_mut(
                        format!("{pname}: event type {tag}"),
                        Box::new(move |m| m[DATA as usize + 8] = tag),
                        E::INVAL,
                    ));
                }
                for id in [4u32, 0xFFFF_FFFF] {
                    out.push(sub_mut(
                        format!("{pname}: clock id {id:#x}"),
                        Box::new(move |m| put(m, DATA + clock_id_at, &id.to_le_bytes())),
                        E::INVAL,
                    ));
                }
                for b in undefined_bits(1).filter(|b| *b <= 0x8000) {
                    out.push(sub_mut(
                        format!("{pname}: subclock flag bit {b:#x}"),
                        Box::new(move |m| put(m, DATA + flags_at, &(b as u16).to_le_bytes())),
                        E::INVAL,
                    ));
                }
            }
            Kind::Events => {
                for (cat, val, e) in [
                    ("at end", MEM, E::FAULT),
                    ("across end", MEM - 16, E::FAULT),
                    ("wraps 2^32", 0xFFFF_FFF8, E::FAULT),
                    ("misaligned", EVENTS + 4, E::INVAL),
                ] {
                    out.push(Case {
                        category: format!("{pname}: {cat}"),
                        args: with(i, val),
                        mutate: None,
                        expect: e,
                    });
                }
            }
            Kind::NSubs => {
                for (cat, val, e) in
                    [("0", 0, E::INVAL), ("2^26", 1 << 26, E::FAULT), ("0xFFFFFFFF", 0xFFFF_FFFF, E::FAULT)]
                {
                    out.push(Case {
                        category: format!("{pname}: {cat}"),
                        args: with(i, val),
                        mutate: None,
                        expect: e,
                    });
                }
            }
        }
    }
    out.extend(spec.extra.iter().map(|(cat, f, e)| {
        let f = *f;
        Case {
            category: (*cat).to_string(),
            args: spec.args.clone(),
            mutate: Some(Box::new(move |m: &mut [u8]| f(m, Version::Preview1))),
            expect: *e,
        }
    }));
    out
}

fn c(category: String, args: Vec<u64>, expect: Errno) -> Case {
    Case { category, args, mutate: None, expect }
}

fn world(setup: Setup) -> World {
    match setup {
        Setup::Mem => mem_world(),
        Setup::Sock => sock_world(),
    }
}

/// Run one call; check the guard, the time and the allocation.
fn run(w: &mut World, mem: &mut [u8], v: Version, func: Func, args: &[u64]) -> (Errno, isize, Duration) {
    let t = Instant::now();
    let (r, peak) = measure(|| {
        let (m, guard) = mem.split_at_mut(MEM_SIZE);
        let r = w.ctx.dispatch(m, v, func, args);
        assert!(guard.iter().all(|b| *b == 0xA5), "{func:?} wrote past the memory with {args:?}");
        r
    });
    let errno = match r {
        Ok(e) => e,
        Err(exit) => panic!("{func:?} {args:?} exited: {exit:?}"),
    };
    (errno, peak, t.elapsed())
}

fn fresh_mem(v: Version, prep: fn(&mut [u8], Version)) -> Vec<u8> {
    let mut mem = vec![0u8; MEM_SIZE + 64];
    mem[MEM_SIZE..].fill(0xA5);
    prep(&mut mem[..MEM_SIZE], v);
    mem
}

#[test]
fn hostile_argument_sweep() {
    let mut total = 0usize;
    let mut failures = Vec::new();
    let mut max_peak = 0isize;
    let mut slowest = Duration::ZERO;
    // function -> category -> (expected errno name) for the table.
    let mut table: BTreeMap<(usize, String), BTreeMap<String, String>> = BTreeMap::new();
    let mut per_version = BTreeMap::new();
    for (vi, v) in [Version::Preview1, Version::Unstable].into_iter().enumerate() {
        let specs = specs(v);
        let covered: std::collections::HashSet<Func> =
            specs.iter().map(|s| s.func).chain([Func::ProcExit]).collect();
        let want: std::collections::HashSet<Func> =
            Func::ALL.iter().copied().filter(|f| f.available_in(v)).collect();
        assert_eq!(covered.len(), want.len(), "{v:?}: every function has a spec");
        let mut n_version = 0usize;
        for spec in &specs {
            // The baseline itself.
            let mut w = world(spec.setup);
            let mut mem = fresh_mem(v, spec.prep);
            let (e, _, _) = run(&mut w, &mut mem, v, spec.func, &spec.args);
            assert_eq!(e, spec.baseline, "{v:?} {:?}: baseline {:?}", spec.func, spec.args);
            for case in cases_for(spec) {
                let mut w = world(spec.setup);
                let mut mem = fresh_mem(v, spec.prep);
                if let Some(f) = &case.mutate {
                    f(&mut mem[..MEM_SIZE]);
                }
                let (got, peak, took) = run(&mut w, &mut mem, v, spec.func, &case.args);
                total += 1;
                n_version += 1;
                max_peak = max_peak.max(peak);
                slowest = slowest.max(took);
                if got != case.expect {
                    failures.push(format!(
                        "{v:?} {} [{}]: expected {}, got {} (args {:?})",
                        spec.func.name(),
                        case.category,
                        support::en(case.expect),
                        support::en(got),
                        case.args
                    ));
                }
                if peak > MEM_SIZE as isize {
                    failures.push(format!(
                        "{v:?} {} [{}]: allocated {peak} bytes",
                        spec.func.name(),
                        case.category
                    ));
                }
                if took > Duration::from_secs(2) {
                    failures.push(format!("{v:?} {} [{}]: took {took:?}", spec.func.name(), case.category));
                }
                let fidx = Func::ALL.iter().position(|f| *f == spec.func).unwrap();
                let cat = case.category.split(':').nth(1).unwrap_or("").trim().to_string();
                let cat = if cat.starts_with("undefined bit") { "undefined bits".to_string() } else { cat };
                let cell = table.entry((fidx, spec.func.name().to_string())).or_default();
                let label =
                    if vi == 0 { support::en(case.expect) } else { format!("{}*", support::en(case.expect)) };
                let slot = cell.entry(cat).or_default();
                if !slot.split('/').any(|s| s.trim_end_matches('*') == label.trim_end_matches('*')) {
                    if !slot.is_empty() {
                        slot.push('/');
                    }
                    slot.push_str(&label);
                }
            }
        }
        // proc_exit: every code ends the guest, whatever it is.
        for code in [0u64, 1, 255, 256, 0x7FFF_FFFF, 0xFFFF_FFFF] {
            let mut w = world(Setup::Mem);
            let mut mem = fresh_mem(v, prep_default);
            let r = w.ctx.dispatch(&mut mem[..MEM_SIZE], v, Func::ProcExit, &[code]);
            assert_eq!(r, Err(wasibox_core::Exit::Code(code as u32)));
            total += 1;
            n_version += 1;
        }
        per_version.insert(format!("{v:?}"), n_version);
    }
    println!("\n| function | category -> expected errno (each asserted) |\n|---|---|");
    for ((_, name), cats) in &table {
        let cells: Vec<String> = cats.iter().map(|(c, e)| format!("{c}: {e}")).collect();
        println!("| `{name}` | {} |", cells.join("; "));
    }
    println!(
        "\nsweep: {total} cases ({per_version:?}), {} failures; peak allocation in one call {max_peak} bytes (guest memory {MEM_SIZE}); slowest call {slowest:?}",
        failures.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
