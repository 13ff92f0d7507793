//! Sockets over loopback: accept, recv, send, shutdown.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use wasibox_core::abi::{FdFlags, Filetype, RiFlags, RoFlags, SdFlags};
use wasibox_core::{Errno, Platform};
use wasibox_posix::{PosixHandle, PosixPlatform};

fn loopback() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

#[test]
fn echo_over_loopback() {
    let p = PosixPlatform::new();
    let std_listener = TcpListener::bind(loopback()).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let listener = PosixHandle::from_tcp_listener(std_listener).unwrap();
    assert_eq!(p.filetype(&listener), Ok(Filetype::SocketStream));

    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"hello, wasi").unwrap();
        let mut echo = [0u8; 11];
        s.read_exact(&mut echo).unwrap();
        assert_eq!(&echo, b"hello, wasi");
        // The server shuts its write side: EOF here.
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
    });

    let mut conn = p.sock_accept(&listener, FdFlags::empty()).unwrap();
    assert_eq!(p.filetype(&conn), Ok(Filetype::SocketStream));
    assert_eq!(p.fdflags(&conn), Ok(FdFlags::empty()));
    // Peek, then read with WAITALL into two buffers.
    let mut peek = [0u8; 5];
    let (n, ro) =
        p.sock_recv(&mut conn, &mut [&mut peek], RiFlags::RECV_PEEK | RiFlags::RECV_WAITALL).unwrap();
    assert_eq!((n, ro, &peek), (5, RoFlags::empty(), b"hello"));
    let mut a = [0u8; 7];
    let mut b = [0u8; 4];
    let (n, ro) = p.sock_recv(&mut conn, &mut [&mut a, &mut b], RiFlags::RECV_WAITALL).unwrap();
    assert_eq!((n, ro), (11, RoFlags::empty()));
    assert_eq!((&a, &b), (b"hello, ", b"wasi"));
    assert_eq!(p.sock_send(&mut conn, &[b"hello", b", wasi"]), Ok(11));
    assert_eq!(p.sock_shutdown(&conn, SdFlags::empty()), Err(Errno::INVAL));
    assert_eq!(p.sock_shutdown(&conn, SdFlags::WR), Ok(()));
    client.join().unwrap();
    // After the peer closed: recv gives 0, send gives EPIPE (never SIGPIPE).
    let mut buf = [0u8; 4];
    assert_eq!(p.sock_recv(&mut conn, &mut [&mut buf], RiFlags::empty()), Ok((0, RoFlags::empty())));
    // Both directions: fine, or ENOTCONN once the connection is fully closed (the kernel's answer).
    let r = p.sock_shutdown(&conn, SdFlags::RD | SdFlags::WR);
    assert!(matches!(r, Ok(()) | Err(Errno::NOTCONN)), "{r:?}");
}

#[test]
fn fd_read_and_fd_write_work_on_sockets() {
    let p = PosixPlatform::new();
    let listener = PosixHandle::tcp_listener(loopback()).unwrap();
    let addr = rustix::net::getsockname(&listener).unwrap();
    let addr = SocketAddr::try_from(addr).unwrap();
    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        let mut buf = [0u8; 3];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&buf).unwrap();
        drop(s);
    });
    let mut conn = p.sock_accept(&listener, FdFlags::empty()).unwrap();
    assert_eq!(p.write(&mut conn, &[b"abc"]), Ok(3));
    let mut buf = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        got += p.read(&mut conn, &mut [&mut buf[got..]]).unwrap();
    }
    assert_eq!(&buf, b"abc");
    client.join().unwrap();
    // The peer is gone: writing eventually fails with EPIPE or ECONNRESET, no signal.
    let mut err = None;
    for _ in 0..100 {
        if let Err(e) = p.write(&mut conn, &[&[0u8; 1024]]) {
            err = Some(e);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(matches!(err, Some(Errno::PIPE | Errno::CONNRESET)), "{err:?}");
}

#[test]
fn nonblocking_accept() {
    let p = PosixPlatform::new();
    let mut listener = PosixHandle::tcp_listener(loopback()).unwrap();
    p.set_fdflags(&mut listener, FdFlags::NONBLOCK).unwrap();
    assert_eq!(p.sock_accept(&listener, FdFlags::empty()).map(|_| ()), Err(Errno::AGAIN));
    let addr = SocketAddr::try_from(rustix::net::getsockname(&listener).unwrap()).unwrap();
    let _client = TcpStream::connect(addr).unwrap();
    let mut conn = loop {
        match p.sock_accept(&listener, FdFlags::NONBLOCK) {
            Err(Errno::AGAIN) => std::thread::sleep(std::time::Duration::from_millis(1)),
            r => break r.unwrap(),
        }
    };
    assert_eq!(p.fdflags(&conn), Ok(FdFlags::NONBLOCK));
    let mut buf = [0u8; 4];
    assert_eq!(p.sock_recv(&mut conn, &mut [&mut buf], RiFlags::empty()), Err(Errno::AGAIN));
}

#[test]
fn a_host_nonblocking_listener_still_blocks_for_the_guest() {
    let p = PosixPlatform::new();
    let std_listener = TcpListener::bind(loopback()).unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let listener = PosixHandle::from_tcp_listener(std_listener).unwrap();
    assert_eq!(p.fdflags(&listener), Ok(FdFlags::empty()));
    let client = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        TcpStream::connect(addr).unwrap()
    });
    let conn = p.sock_accept(&listener, FdFlags::empty());
    assert!(conn.is_ok());
    client.join().unwrap();
}

#[test]
fn datagram_truncation_is_reported() {
    let p = PosixPlatform::new();
    let a = UdpSocket::bind(loopback()).unwrap();
    let b = UdpSocket::bind(loopback()).unwrap();
    a.connect(b.local_addr().unwrap()).unwrap();
    let mut hb = PosixHandle::from_owned_fd(b.into()).unwrap();
    assert_eq!(p.filetype(&hb), Ok(Filetype::SocketDgram));
    a.send(&[7u8; 100]).unwrap();
    let mut small = [0u8; 10];
    let (n, ro) = p.sock_recv(&mut hb, &mut [&mut small], RiFlags::empty()).unwrap();
    assert_eq!((n, ro), (10, RoFlags::RECV_DATA_TRUNCATED));
    a.send(&[8u8; 5]).unwrap();
    let (n, ro) = p.sock_recv(&mut hb, &mut [&mut small], RiFlags::empty()).unwrap();
    assert_eq!((n, ro), (5, RoFlags::empty()));
}

#[test]
fn socket_calls_on_a_file_are_enotsock() {
    let f = fixture();
    let mut h = f.open("file", create());
    assert_eq!(f.p.sock_accept(&h, FdFlags::empty()).map(|_| ()), Err(Errno::NOTSOCK));
    let mut buf = [0u8; 1];
    assert_eq!(f.p.sock_recv(&mut h, &mut [&mut buf], RiFlags::empty()), Err(Errno::NOTSOCK));
    assert_eq!(f.p.sock_send(&mut h, &[b"x"]), Err(Errno::NOTSOCK));
    assert_eq!(f.p.sock_shutdown(&h, SdFlags::RD), Err(Errno::NOTSOCK));
}
