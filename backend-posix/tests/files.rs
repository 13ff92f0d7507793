//! Descriptor operations on regular files, pipes and devices.

mod common;
use common::*;
use rustix::fd::AsFd;
use wasibox_core::abi::{Advice, FdFlags, Filetype, SetTime, Whence};
use wasibox_core::{Errno, OpenOptions, Platform};
use wasibox_posix::PosixHandle;

#[test]
fn create_write_seek_read() {
    let f = fixture();
    let mut h = f.open("a.txt", create());
    assert_eq!(f.p.filetype(&h), Ok(Filetype::RegularFile));
    f.write_all(&mut h, b"hello, world");
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(12));
    assert_eq!(f.p.seek(&mut h, 7, Whence::Set), Ok(7));
    assert_eq!(f.read_to_vec(&mut h, 100), b"world");
    assert_eq!(f.p.seek(&mut h, -5, Whence::End), Ok(7));
    assert_eq!(f.p.seek(&mut h, -1, Whence::Set), Err(Errno::INVAL));
    assert_eq!(f.p.seek(&mut h, -100, Whence::Cur), Err(Errno::INVAL));
    assert_eq!(std::fs::read(f.path("a.txt")).unwrap(), b"hello, world");
}

#[test]
fn scattered_read_and_gathered_write() {
    let f = fixture();
    let mut h = f.open("v", create());
    // 20 iovecs: more than the stack array holds.
    let parts: Vec<Vec<u8>> = (0..20u8).map(|i| vec![b'a' + i; usize::from(i) + 1]).collect();
    let slices: Vec<&[u8]> = parts.iter().map(|v| &v[..]).collect();
    let total: usize = parts.iter().map(Vec::len).sum();
    assert_eq!(f.p.write(&mut h, &slices), Ok(total));
    f.p.seek(&mut h, 0, Whence::Set).unwrap();
    let mut bufs: Vec<Vec<u8>> = (0..20).map(|_| vec![0u8; 7]).collect();
    let mut refs: Vec<&mut [u8]> = bufs.iter_mut().map(|b| &mut b[..]).collect();
    let n = f.p.read(&mut h, &mut refs).unwrap();
    assert_eq!(n, total.min(140));
    let flat: Vec<u8> = bufs.concat();
    let expected: Vec<u8> = parts.concat();
    assert_eq!(&flat[..n], &expected[..n]);
    // Zero-length and empty iovec lists are fine.
    assert_eq!(f.p.write(&mut h, &[]), Ok(0));
    assert_eq!(f.p.read(&mut h, &mut []), Ok(0));
}

#[test]
fn pread_pwrite_leave_the_offset() {
    let f = fixture();
    let mut h = f.open("p", create());
    f.write_all(&mut h, b"0123456789");
    assert_eq!(f.p.pwrite(&mut h, &[b"AB", b"C"], 3), Ok(3));
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(10));
    let mut a = [0u8; 2];
    let mut b = [0u8; 3];
    assert_eq!(f.p.pread(&mut h, &mut [&mut a, &mut b], 2), Ok(5));
    assert_eq!((&a, &b), (b"2A", b"BC6"));
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(10));
    // Past the end: 0 bytes.
    assert_eq!(f.p.pread(&mut h, &mut [&mut a], 100), Ok(0));
}

#[test]
fn append_mode_and_pwrite_in_append_mode() {
    let f = fixture();
    f.host_file("log", b"abc");
    let mut h = f.open("log", with_flags(rw(), FdFlags::APPEND));
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::APPEND));
    f.write_all(&mut h, b"def");
    // Linux appends even with pwrite on O_APPEND: the kernel's behaviour, kept.
    f.p.pwrite(&mut h, &[b"g"], 0).unwrap();
    assert_eq!(std::fs::read(f.path("log")).unwrap(), b"abcdefg");
    f.p.set_fdflags(&mut h, FdFlags::empty()).unwrap();
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::empty()));
    f.p.seek(&mut h, 0, Whence::Set).unwrap();
    f.write_all(&mut h, b"X");
    assert_eq!(std::fs::read(f.path("log")).unwrap(), b"Xbcdefg");
}

#[test]
fn truncate_on_open() {
    let f = fixture();
    f.host_file("t", b"some content");
    let mut h = f.open("t", OpenOptions { truncate: true, ..rw() });
    assert_eq!(f.p.filestat(&h).unwrap().size, 0);
    assert_eq!(f.read_to_vec(&mut h, 10), b"");
}

#[test]
fn open_errors() {
    let f = fixture();
    f.host_file("file", b"x");
    std::fs::create_dir(f.path("sub")).unwrap();
    std::os::unix::fs::symlink("file", f.path("link")).unwrap();
    std::os::unix::fs::symlink("sub", f.path("dirlink")).unwrap();
    let open = |name: &str, o: OpenOptions| f.p.open_at(&f.dir, name, &o).map(|_| ());
    assert_eq!(open("missing", ro()), Err(Errno::NOENT));
    assert_eq!(open("file", OpenOptions { exclusive: true, ..create() }), Err(Errno::EXIST));
    assert_eq!(open("file", dir_opts()), Err(Errno::NOTDIR));
    assert_eq!(open("sub", rw()), Err(Errno::ISDIR));
    assert_eq!(open("link", ro()), Err(Errno::LOOP));
    assert_eq!(open("dirlink", dir_opts()), Err(Errno::NOTDIR));
    assert_eq!(open("sub", dir_opts()), Ok(()));
    assert_eq!(open(".", dir_opts()), Ok(()));
    // The backend refuses anything but one component.
    assert_eq!(open("sub/x", ro()), Err(Errno::NOTCAPABLE));
    assert_eq!(open("..", dir_opts()), Err(Errno::NOTCAPABLE));
    assert_eq!(open("/etc/passwd", ro()), Err(Errno::NOTCAPABLE));
    assert_eq!(open("", ro()), Err(Errno::NOENT));
    // Creating makes a file with mode 0o666 less the umask: at least owner read/write.
    open("new", create()).unwrap();
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(f.path("new")).unwrap().permissions());
    assert_eq!(mode & 0o600, 0o600);
    assert_eq!(mode & 0o111, 0);
}

#[test]
fn writing_a_read_only_descriptor_is_ebadf() {
    let f = fixture();
    f.host_file("r", b"data");
    let mut h = f.open("r", ro());
    assert_eq!(f.p.write(&mut h, &[b"x"]), Err(Errno::BADF));
    let mut w = f.open("r", OpenOptions { write: true, ..Default::default() });
    let mut buf = [0u8; 4];
    assert_eq!(f.p.read(&mut w, &mut [&mut buf]), Err(Errno::BADF));
}

#[test]
fn reading_a_directory_is_eisdir() {
    let f = fixture();
    let mut d = f.open(".", dir_opts());
    let mut buf = [0u8; 4];
    assert_eq!(f.p.read(&mut d, &mut [&mut buf]), Err(Errno::ISDIR));
}

#[test]
fn pipes_do_not_seek() {
    let f = fixture();
    let (mut r, mut w) = pipe();
    assert_eq!(f.p.filetype(&r), Ok(Filetype::Unknown));
    assert_eq!(f.p.seek(&mut r, 0, Whence::Cur), Err(Errno::SPIPE));
    assert_eq!(f.p.pwrite(&mut w, &[b"x"], 0), Err(Errno::SPIPE));
    f.write_all(&mut w, b"through the pipe");
    assert_eq!(f.read_to_vec(&mut r, 100), b"through the pipe");
    assert_eq!(f.p.filestat(&r).unwrap().filetype, Filetype::Unknown);
    // Advice on a pipe is ignored.
    assert_eq!(f.p.advise(&r, 0, 0, Advice::Sequential), Ok(()));
}

#[test]
fn devices_and_sockets_have_their_types() {
    let p = wasibox_posix::PosixPlatform::new();
    let null = PosixHandle::from_owned_fd(std::fs::File::open("/dev/null").unwrap().into()).unwrap();
    assert_eq!(p.filetype(&null), Ok(Filetype::CharacterDevice));
    assert_eq!(p.filestat(&null).unwrap().filetype, Filetype::CharacterDevice);
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    let s = PosixHandle::from_owned_fd(a.into()).unwrap();
    assert_eq!(p.filetype(&s), Ok(Filetype::SocketStream));
    assert_eq!(p.filestat(&s).unwrap().filetype, Filetype::SocketStream);
    let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    let s = PosixHandle::from_owned_fd(a.into()).unwrap();
    assert_eq!(p.filetype(&s), Ok(Filetype::SocketDgram));
    assert_eq!(p.filestat(&s).unwrap().filetype, Filetype::SocketDgram);
}

#[test]
fn sync_datasync_advise() {
    let f = fixture();
    let mut h = f.open("s", create());
    f.write_all(&mut h, b"durable");
    assert_eq!(f.p.sync(&h), Ok(()));
    assert_eq!(f.p.datasync(&h), Ok(()));
    for a in [
        Advice::Normal,
        Advice::Sequential,
        Advice::Random,
        Advice::WillNeed,
        Advice::DontNeed,
        Advice::NoReuse,
    ] {
        assert_eq!(f.p.advise(&h, 0, 7, a), Ok(()));
    }
    assert_eq!(f.p.advise(&h, 0, 0, Advice::Normal), Ok(()));
}

#[test]
fn allocate_grows_never_shrinks() {
    let f = fixture();
    let h = f.open("al", create());
    assert_eq!(f.p.allocate(&h, 0, 4096), Ok(()));
    assert_eq!(f.p.filestat(&h).unwrap().size, 4096);
    assert_eq!(f.p.allocate(&h, 100, 10), Ok(()));
    assert_eq!(f.p.filestat(&h).unwrap().size, 4096);
    assert_eq!(f.p.allocate(&h, 4000, 1000), Ok(()));
    assert_eq!(f.p.filestat(&h).unwrap().size, 5000);
    assert!(f.p.allocate(&h, u64::MAX - 1, 10).is_err());
    let r = f.open("al", ro());
    assert_eq!(f.p.allocate(&r, 0, 10), Err(Errno::BADF));
}

#[test]
fn set_size_truncates_and_extends() {
    let f = fixture();
    let mut h = f.open("sz", create());
    f.write_all(&mut h, b"0123456789");
    f.p.set_size(&h, 4).unwrap();
    assert_eq!(std::fs::read(f.path("sz")).unwrap(), b"0123");
    f.p.set_size(&h, 6).unwrap();
    assert_eq!(std::fs::read(f.path("sz")).unwrap(), b"0123\0\0");
    let r = f.open("sz", ro());
    assert!(f.p.set_size(&r, 0).is_err());
}

#[test]
fn nanosecond_times_through_set_times_and_filestat() {
    let f = fixture();
    let h = f.open("t", create());
    let atim = 1_600_000_000_123_456_789u64;
    let mtim = 1_500_000_000_987_654_321u64;
    f.p.set_times(&h, SetTime::At(atim), SetTime::At(mtim)).unwrap();
    let st = f.p.filestat(&h).unwrap();
    assert_eq!((st.atim, st.mtim), (atim, mtim));
    // Omit leaves a time alone; Now sets it to about now.
    f.p.set_times(&h, SetTime::Omit, SetTime::Now).unwrap();
    let st2 = f.p.filestat(&h).unwrap();
    assert_eq!(st2.atim, atim);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    assert!(st2.mtim > now - 10_000_000_000 && st2.mtim <= now + 1_000_000_000);
    assert!(st2.ctim > 0);
    assert_eq!(st2.nlink, 1);
    let host = std::fs::metadata(f.path("t")).unwrap();
    assert_eq!(st2.ino, std::os::unix::fs::MetadataExt::ino(&host));
    assert_eq!(st2.dev, std::os::unix::fs::MetadataExt::dev(&host));
}

#[test]
fn sync_flags_are_reported_as_asked_and_cannot_change() {
    let f = fixture();
    f.host_file("s", b"");
    for flags in [FdFlags::DSYNC, FdFlags::SYNC, FdFlags::RSYNC, FdFlags::DSYNC | FdFlags::APPEND] {
        let mut h = f.open("s", with_flags(rw(), flags));
        assert_eq!(f.p.fdflags(&h), Ok(flags), "{flags:?}");
        // The same sync flags back are fine; a change is ENOTSUP.
        assert_eq!(f.p.set_fdflags(&mut h, flags), Ok(()));
        assert_eq!(f.p.set_fdflags(&mut h, FdFlags::empty()), Err(Errno::NOTSUP));
    }
    let mut h = f.open("s", rw());
    assert_eq!(f.p.set_fdflags(&mut h, FdFlags::SYNC), Err(Errno::NOTSUP));
    // The kernel really has O_DSYNC and O_SYNC.
    let h = f.open("s", with_flags(rw(), FdFlags::DSYNC));
    let o = rustix::fs::fcntl_getfl(&h).unwrap();
    assert!(o.bits() & 0o10000 != 0);
    assert!(!o.contains(rustix::fs::OFlags::SYNC));
    let h = f.open("s", with_flags(rw(), FdFlags::SYNC));
    assert!(rustix::fs::fcntl_getfl(&h).unwrap().contains(rustix::fs::OFlags::SYNC));
    // A host descriptor's sync flags come from the kernel.
    let host = PosixHandle::from_owned_fd(h.into_owned_fd()).unwrap();
    assert_eq!(f.p.fdflags(&host), Ok(FdFlags::SYNC));
}

#[test]
fn nonblock_flag_round_trips() {
    let f = fixture();
    let (mut r, _w) = pipe();
    assert_eq!(f.p.fdflags(&r), Ok(FdFlags::empty()));
    f.p.set_fdflags(&mut r, FdFlags::NONBLOCK).unwrap();
    assert_eq!(f.p.fdflags(&r), Ok(FdFlags::NONBLOCK));
    assert!(rustix::fs::fcntl_getfl(r.as_fd()).unwrap().contains(rustix::fs::OFlags::NONBLOCK));
    let mut buf = [0u8; 8];
    assert_eq!(f.p.read(&mut r, &mut [&mut buf]), Err(Errno::AGAIN));
    f.p.set_fdflags(&mut r, FdFlags::empty()).unwrap();
    assert!(!rustix::fs::fcntl_getfl(r.as_fd()).unwrap().contains(rustix::fs::OFlags::NONBLOCK));
    // Opened non-blocking.
    f.host_file("nb", b"");
    let h = f.open("nb", with_flags(ro(), FdFlags::NONBLOCK));
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::NONBLOCK));
}

#[test]
fn close_releases_the_descriptor() {
    let f = fixture();
    let h = f.open("c", create());
    assert_eq!(f.p.close(h), Ok(()));
}
