//! A wasm echo server on a preopened TCP listener (posix backend), with a host client
//! over loopback: sock_accept, sock_recv, sock_send, sock_shutdown, fd_close.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use wasibox_core::engine::Outcome;
use wasibox_core::WasiCtx;
use wasibox_posix::{PosixHandle, PosixPlatform};

/// Accept one connection on fd 3, echo what arrives until the peer shuts down its
/// side, shut down ours, close, and exit with the byte count.
const ECHO: &str = r#"(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: accepted fd; 8: iovec {256, 1024}; 16: ro_datalen; 20: ro_flags; 24: so_datalen
  ;; 32: send iovec {256, n}; 64: total
  (func (export "_start") (local $fd i32) (local $n i32) (local $err i32)
    (local.set $err (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
    (local.set $fd (i32.load (i32.const 0)))
    (i32.store (i32.const 8) (i32.const 256))
    (i32.store (i32.const 12) (i32.const 1024))
    (block $done
      (loop $more
        (local.set $err (call $recv (local.get $fd) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 16) (i32.const 20)))
        (if (local.get $err) (then (call $exit (i32.add (i32.const 150) (local.get $err)))))
        (local.set $n (i32.load (i32.const 16)))
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store (i32.const 32) (i32.const 256))
        (i32.store (i32.const 36) (local.get $n))
        (local.set $err (call $send (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 0) (i32.const 24)))
        (if (local.get $err) (then (call $exit (i32.add (i32.const 200) (local.get $err)))))
        (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (i32.load (i32.const 24))))
        (br $more)))
    (drop (call $shutdown (local.get $fd) (i32.const 2)))
    (drop (call $close (local.get $fd)))
    (call $exit (i32.load (i32.const 64)))))"#;

#[test]
fn wasm_echo_server_serves_a_host_client() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = PosixHandle::from_tcp_listener(listener).unwrap();
    let ctx = WasiCtx::builder(PosixPlatform::new()).arg("echo").socket(handle).build().unwrap();
    let wasm = wat::parse_str(ECHO).unwrap();
    let server = std::thread::spawn(move || {
        let engine = wasmi::Engine::default();
        wasibox_core::engine::wasmi::run_command(&engine, &wasm, ctx).0
    });
    let mut client = TcpStream::connect(addr).unwrap();
    let msg = b"hello over loopback, through wasm and back";
    client.write_all(msg).unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut back = Vec::new();
    client.read_to_end(&mut back).unwrap();
    assert_eq!(back, msg);
    assert_eq!(server.join().unwrap(), Ok(Outcome::Exit(msg.len() as u32)));
}

#[test]
fn sockets_are_refused_on_non_sockets_and_in_wasi_unstable() {
    // fd 3 is a directory here: sock_accept on it is ENOTSOCK (57), before any rights check.
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $exit (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))))"#;
    let dir = tempfile::tempdir().unwrap();
    let ctx = WasiCtx::builder(PosixPlatform::new())
        .preopen("/d", PosixHandle::open_dir(dir.path()).unwrap())
        .build()
        .unwrap();
    let engine = wasmi::Engine::default();
    let r = wasibox_core::engine::wasmi::run_command(&engine, &wat::parse_str(wat).unwrap(), ctx).0;
    assert_eq!(r, Ok(Outcome::Exit(57)));
}
