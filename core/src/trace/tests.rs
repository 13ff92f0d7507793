//! Decoding and formatting of trace events, against a memory and a descriptor table
//! built by hand.

use super::decode::{kinds, Kind, Out};
use super::*;
use crate::abi::{OFlags, Rights};
use crate::fd_table::FdEntry;
use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

/// A descriptor table with `(fd, display path)` entries.
fn table(entries: &[(u32, &str)]) -> FdTable<u32> {
    let mut t = FdTable::new(64);
    for (fd, path) in entries {
        let mut e = FdEntry::new(*fd, Rights::all(), Rights::all(), true, true);
        e.display = Some(Arc::from(*path));
        t.insert_at(*fd, e).unwrap();
    }
    t
}

struct Call<'a> {
    func: Func,
    version: Version,
    args: &'a [u64],
    errno: Option<Errno>,
    exit: Option<Exit>,
    elapsed_ns: u64,
}

impl<'a> Call<'a> {
    fn new(func: Func, args: &'a [u64], errno: Errno) -> Self {
        Call { func, version: Version::Preview1, args, errno: Some(errno), exit: None, elapsed_ns: 1_234 }
    }

    /// Text and JSON of the call, with `before` as the table the call started with and
    /// `after` as the one it left.
    fn render_across(&self, mem: &[u8], before: &FdTable<u32>, after: &FdTable<u32>) -> (String, String) {
        let captured = FdsBefore::capture(before, self.func, self.args);
        let ev = TraceEvent {
            func: self.func,
            version: self.version,
            args: self.args,
            errno: self.errno,
            exit: self.exit,
            elapsed_ns: self.elapsed_ns,
            memory: &ReadOnly(mem),
            fds: after,
            before: &captured,
        };
        (ev.to_text(), ev.to_json())
    }

    fn render(&self, mem: &[u8], fds: &FdTable<u32>) -> (String, String) {
        self.render_across(mem, fds, fds)
    }
}

/// A 1 KiB memory with `data` written at each offset.
fn memory(data: &[(usize, &[u8])]) -> Vec<u8> {
    let mut m = vec![0u8; 1024];
    for (at, bytes) in data {
        m[*at..*at + bytes.len()].copy_from_slice(bytes);
    }
    m
}

#[test]
fn every_function_has_one_kind_per_parameter_and_pairs_point_at_lengths() {
    for f in Func::ALL {
        let k = kinds(*f);
        assert_eq!(k.len(), f.params().len(), "{}", f.name());
        let len_at = |i: u8| k.get(usize::from(i)).copied();
        for kind in k {
            match *kind {
                Kind::Path { len } => assert_eq!(len_at(len), Some(Kind::Len), "{}", f.name()),
                Kind::Iovs { count, .. } => assert_eq!(len_at(count), Some(Kind::Len), "{}", f.name()),
                Kind::Out(Out::Read { iovs, .. }) => {
                    assert!(matches!(len_at(iovs), Some(Kind::Iovs { write: false, .. })), "{}", f.name())
                }
                _ => {}
            }
        }
        // Every Len is claimed by the field before it.
        for (i, kind) in k.iter().enumerate() {
            if *kind == Kind::Len {
                assert!(
                    matches!(k.get(i - 1), Some(Kind::Path { .. } | Kind::Iovs { .. })),
                    "{}: unclaimed length at {i}",
                    f.name()
                );
            }
        }
        assert!(k.iter().filter(|k| **k == Kind::Fd).count() <= MAX_FD_ARGS);
    }
}

#[test]
fn path_open_shows_the_directory_the_path_flags_and_the_new_fd() {
    let mem = memory(&[(100, b"sub/file.txt"), (200, &5u32.to_le_bytes())]);
    let fds = table(&[(3, "/data"), (5, "/data/sub/file.txt")]);
    let oflags = (OFlags::CREAT | OFlags::TRUNC).bits().into();
    let rights = (Rights::FD_READ | Rights::FD_WRITE).bits();
    let args = [3, 1, 100, 12, oflags, rights, 0, 0, 200];
    let (text, json) = Call::new(Func::PathOpen, &args, Errno::SUCCESS).render(&mem, &fds);
    assert_eq!(
        text,
        "path_open(3</data>, SYMLINK_FOLLOW, \"sub/file.txt\", CREAT|TRUNC, FD_READ|FD_WRITE, 0, 0) = 0 \
         [opened_fd=5</data/sub/file.txt>] (1.2 µs)"
    );
    assert_eq!(
        json,
        "{\"func\":\"path_open\",\"module\":\"wasi_snapshot_preview1\",\"raw\":[3,1,100,12,9,66,0,0,200],\
         \"args\":{\"fd\":{\"fd\":3,\"path\":\"/data\"},\"dirflags\":[\"SYMLINK_FOLLOW\"],\"path\":\"sub/file.txt\",\
         \"oflags\":[\"CREAT\",\"TRUNC\"],\"base\":[\"FD_READ\",\"FD_WRITE\"],\"inheriting\":[],\"fdflags\":[]},\
         \"errno\":0,\"errno_name\":\"SUCCESS\",\
         \"results\":{\"opened_fd\":{\"fd\":5,\"path\":\"/data/sub/file.txt\"}},\"exit\":null,\"duration_ns\":1234}"
    );
}

#[test]
fn a_failed_call_names_its_errno_and_reads_no_results() {
    let mem = memory(&[(100, b"missing")]);
    let fds = table(&[(3, "/data")]);
    let args = [3, 0, 100, 7, 512];
    let call = Call { elapsed_ns: 850, ..Call::new(Func::PathFilestatGet, &args, Errno::NOENT) };
    let (text, json) = call.render(&mem, &fds);
    assert_eq!(
        text,
        "path_filestat_get(3</data>, 0, \"missing\") = ENOENT (No such file or directory) (850 ns)"
    );
    assert!(json.contains("\"errno\":44,\"errno_name\":\"ENOENT\",\"results\":{}"), "{json}");
}

#[test]
fn writes_show_their_data_and_reads_what_they_read() {
    // iovec at 300 -> (400, 6) "hello\n"; nwritten at 500.
    let mut iov = [0u8; 8];
    iov[..4].copy_from_slice(&400u32.to_le_bytes());
    iov[4..].copy_from_slice(&6u32.to_le_bytes());
    let mem = memory(&[(300, &iov), (400, b"hello\n"), (500, &6u32.to_le_bytes())]);
    let fds = table(&[]);
    let (text, _) = Call::new(Func::FdWrite, &[1, 300, 1, 500], Errno::SUCCESS).render(&mem, &fds);
    assert_eq!(text, "fd_write(1, {iovecs=1, bytes=6, data=\"hello\\n\"}) = 0 [nwritten=6] (1.2 µs)");
    // The same iovec read into: 4 bytes read, shown after the call.
    let mem = memory(&[(300, &iov), (400, b"abcdef"), (500, &4u32.to_le_bytes())]);
    let fds = table(&[(4, "/d/in.txt")]);
    let (text, json) = Call::new(Func::FdRead, &[4, 300, 1, 500], Errno::SUCCESS).render(&mem, &fds);
    assert_eq!(text, "fd_read(4</d/in.txt>, {iovecs=1, bytes=6}) = 0 [nread=4, data=\"abcd\"] (1.2 µs)");
    assert!(json.contains("\"results\":{\"nread\":4,\"data\":\"abcd\"}"), "{json}");
}

#[test]
fn long_data_is_cut_and_marked() {
    let mut iov = [0u8; 8];
    iov[..4].copy_from_slice(&400u32.to_le_bytes());
    iov[4..].copy_from_slice(&100u32.to_le_bytes());
    let mem = memory(&[(300, &iov), (400, &[b'x'; 100]), (600, &100u32.to_le_bytes())]);
    let (text, json) = Call::new(Func::FdWrite, &[1, 300, 1, 600], Errno::SUCCESS).render(&mem, &table(&[]));
    let shown = "x".repeat(MAX_DATA_SHOWN);
    assert!(text.contains(&format!("bytes=100, data=\"{shown}\"...}}")), "{text}");
    assert!(json.contains(&format!("\"data\":\"{shown}…\"")), "{json}");
}

#[test]
fn strings_are_escaped_in_text_and_in_json() {
    let mem = memory(&[(100, b"a\"b\\c\nd\x01\xffe")]);
    let fds = table(&[(3, "/")]);
    let (text, json) = Call::new(Func::PathUnlinkFile, &[3, 100, 10], Errno::ILSEQ).render(&mem, &fds);
    assert!(text.starts_with("path_unlink_file(3</>, \"a\\\"b\\\\c\\nd\\x01\\xffe\") = EILSEQ"), "{text}");
    assert!(json.contains("\"path\":\"a\\\"b\\\\c\\nd\\u0001\u{fffd}e\""), "{json}");
}

#[test]
fn a_bad_pointer_is_shown_as_such() {
    let mem = memory(&[]);
    let fds = table(&[(3, "/data")]);
    let (text, json) = Call::new(Func::PathCreateDirectory, &[3, 1020, 10], Errno::FAULT).render(&mem, &fds);
    assert_eq!(text, "path_create_directory(3</data>, 0x3fc (bad pointer)) = EFAULT (Bad address) (1.2 µs)");
    assert!(json.contains("\"path\":{\"bad_pointer\":1020}"), "{json}");
}

#[test]
fn rights_close_to_all_are_shown_as_what_is_missing() {
    // wasi-libc's O_RDONLY: every bit but the write-side ones (and the undefined high
    // bits set).
    let base = !(Rights::FD_WRITE | Rights::FD_DATASYNC).bits();
    let mem = memory(&[(100, b"f")]);
    let fds = table(&[(3, "/d")]);
    let (text, json) =
        Call::new(Func::PathOpen, &[3, 0, 100, 1, 0, base, 0, 0, 200], Errno::NOENT).render(&mem, &fds);
    assert!(text.contains(", 0, ALL&~(FD_DATASYNC|FD_WRITE), 0, 0) = ENOENT"), "{text}");
    // JSON lists what is set, and the undefined bits as one hex string.
    assert!(json.contains("\"base\":[\"FD_READ\",\"FD_SEEK\""), "{json}");
    assert!(json.contains("\"SOCK_ACCEPT\",\"0xffffffffc0000000\"]"), "{json}");
    let all = Rights::all().bits();
    let (text, _) = Call::new(Func::FdFdstatSetRights, &[3, all, 0], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.starts_with("fd_fdstat_set_rights(3</d>, ALL, 0) = 0"), "{text}");
    // Undefined bits of a small flag word are shown as a number beside the names.
    let (text, _) = Call::new(Func::FdFdstatSetFlags, &[3, 0x41], Errno::INVAL).render(&mem, &fds);
    assert!(text.starts_with("fd_fdstat_set_flags(3</d>, APPEND|0x40) = EINVAL"), "{text}");
}

#[test]
fn enumerations_by_name_and_whence_per_version() {
    let mem = memory(&[(200, &7u64.to_le_bytes())]);
    let fds = table(&[(4, "/f")]);
    let (text, _) = Call::new(Func::FdSeek, &[4, (-3i64) as u64, 2, 200], Errno::SUCCESS).render(&mem, &fds);
    assert_eq!(text, "fd_seek(4</f>, -3, END) = 0 [newoffset=7] (1.2 µs)");
    // wasi_unstable numbers whence cur=0, end=1, set=2.
    let call =
        Call { version: Version::Unstable, ..Call::new(Func::FdSeek, &[4, 0, 2, 200], Errno::SUCCESS) };
    let (text, json) = call.render(&mem, &fds);
    assert!(text.starts_with("wasi_unstable::fd_seek(4</f>, 0, SET) = 0"), "{text}");
    assert!(json.contains("\"module\":\"wasi_unstable\""), "{json}");
    let (text, _) = Call::new(Func::FdSeek, &[4, 0, 9, 200], Errno::INVAL).render(&mem, &fds);
    assert!(text.starts_with("fd_seek(4</f>, 0, 9) = EINVAL"), "{text}");
    let (text, _) = Call::new(Func::ClockTimeGet, &[1, 1000, 200], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.starts_with("clock_time_get(MONOTONIC, 1000) = 0 [time=7]"), "{text}");
    let (text, _) = Call::new(Func::FdAdvise, &[4, 0, 10, 4], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.starts_with("fd_advise(4</f>, 0, 10, DONTNEED) = 0"), "{text}");
    let (text, _) = Call::new(Func::ProcRaise, &[15], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.starts_with("proc_raise(SIGTERM) = 0"), "{text}");
}

#[test]
fn fd_close_shows_the_path_the_fd_had_before_the_call() {
    let before = table(&[(3, "/data"), (4, "/data/a.txt")]);
    let after = table(&[(3, "/data")]);
    let (text, json) = Call::new(Func::FdClose, &[4], Errno::SUCCESS).render_across(&[], &before, &after);
    assert_eq!(text, "fd_close(4</data/a.txt>) = 0 (1.2 µs)");
    assert!(json.contains("\"args\":{\"fd\":{\"fd\":4,\"path\":\"/data/a.txt\"}}"), "{json}");
    // An fd with no known path is its number alone (null path in JSON).
    let (text, json) = Call::new(Func::FdClose, &[9], Errno::BADF).render(&[], &after);
    assert_eq!(text, "fd_close(9) = EBADF (Bad file descriptor) (1.2 µs)");
    assert!(json.contains("{\"fd\":9,\"path\":null}"), "{json}");
}

#[test]
fn exits_and_signals_end_the_line_with_how_the_guest_ended() {
    let call =
        Call { errno: None, exit: Some(Exit::Code(3)), ..Call::new(Func::ProcExit, &[3], Errno::SUCCESS) };
    let (text, json) = call.render(&[], &table(&[]));
    assert_eq!(text, "proc_exit(3) = ? [exit 3] (1.2 µs)");
    assert!(
        json.contains("\"errno\":null,\"errno_name\":null,\"results\":{},\"exit\":{\"code\":3}"),
        "{json}"
    );
    let call =
        Call { errno: None, exit: Some(Exit::Signal(6)), ..Call::new(Func::ProcRaise, &[6], Errno::SUCCESS) };
    let (text, json) = call.render(&[], &table(&[]));
    assert_eq!(text, "proc_raise(SIGABRT) = ? [killed by SIGABRT] (1.2 µs)");
    assert!(json.contains("\"exit\":{\"signal\":6,\"name\":\"SIGABRT\"}"), "{json}");
}

#[test]
fn out_structures_are_decoded() {
    // fdstat: regular file, APPEND, base FD_READ.
    let mut fdstat = [0u8; 24];
    fdstat[0] = 4;
    fdstat[2] = 1;
    fdstat[8] = 2;
    // filestat (preview1): directory, nlink 2, size 4096.
    let mut filestat = [0u8; 64];
    filestat[16] = 3;
    filestat[24] = 2;
    filestat[32..40].copy_from_slice(&4096u64.to_le_bytes());
    let mem = memory(&[(64, &fdstat), (128, &filestat), (256, &[0, 0, 0, 0, 5, 0, 0, 0]), (300, b"/data")]);
    let fds = table(&[(3, "/data")]);
    let (text, _) = Call::new(Func::FdFdstatGet, &[3, 64], Errno::SUCCESS).render(&mem, &fds);
    assert!(
        text.contains(
            "[stat={filetype=REGULAR_FILE, flags=APPEND, rights_base=FD_READ, rights_inheriting=0}]"
        ),
        "{text}"
    );
    let (text, _) = Call::new(Func::FdFilestatGet, &[3, 128], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.contains("[buf={filetype=DIRECTORY, size=4096, dev=0, ino=0, nlink=2, atim=0"), "{text}");
    let (text, _) = Call::new(Func::FdPrestatGet, &[3, 256], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.contains("[buf={tag=DIR, pr_name_len=5}]"), "{text}");
    let (text, _) = Call::new(Func::FdPrestatDirName, &[3, 300, 5], Errno::SUCCESS).render(&mem, &fds);
    assert!(text.starts_with("fd_prestat_dir_name(3</data>, 5) = 0 [path=\"/data\"]"), "{text}");
}

#[test]
fn readdir_shows_entry_names() {
    let mut buf = Vec::new();
    for name in [&b"."[..], b"..", b"file.txt"] {
        let mut header = [0u8; 24];
        header[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        buf.extend_from_slice(&header);
        buf.extend_from_slice(name);
    }
    // The last entry cut short, as fd_readdir may leave it.
    let used = buf.len() as u32 - 4;
    let mem = memory(&[(100, &buf), (600, &used.to_le_bytes())]);
    let fds = table(&[(3, "/d")]);
    let (text, _) = Call::new(Func::FdReaddir, &[3, 100, 128, 0, 600], Errno::SUCCESS).render(&mem, &fds);
    assert_eq!(
        text,
        format!("fd_readdir(3</d>, 0x64, 128, 0) = 0 [bufused={used}, entries=[\".\", \"..\", \"file\"...]] (1.2 µs)")
    );
}

#[test]
fn poll_subscriptions_and_events_are_decoded() {
    // One relative monotonic clock subscription of 1 ms, userdata 7.
    let mut sub = [0u8; 48];
    sub[0] = 7;
    sub[16] = 1;
    sub[24..32].copy_from_slice(&1_000_000u64.to_le_bytes());
    let mut event = [0u8; 32];
    event[0] = 7;
    let mem = memory(&[(0, &sub), (64, &event), (128, &1u32.to_le_bytes())]);
    let (text, _) = Call::new(Func::PollOneoff, &[0, 64, 1, 128], Errno::SUCCESS).render(&mem, &table(&[]));
    assert_eq!(
        text,
        "poll_oneoff([{userdata=7, type=CLOCK, id=MONOTONIC, timeout=1000000, precision=0, flags=0}], 1) = 0 \
         [events=[{userdata=7, error=0, type=CLOCK}], nevents=1] (1.2 µs)"
    );
}

#[test]
fn filters_by_family_and_by_function() {
    let f = TraceFilter::parse("fd, path_open").unwrap();
    assert!(f.contains(Func::FdWrite) && f.contains(Func::FdPrestatDirName) && f.contains(Func::PathOpen));
    assert!(!f.contains(Func::PathUnlinkFile) && !f.contains(Func::ClockTimeGet));
    let env = TraceFilter::parse("env").unwrap();
    assert!(env.contains(Func::EnvironGet) && env.contains(Func::ArgsGet) && !env.contains(Func::FdRead));
    assert!(TraceFilter::parse("all").unwrap().contains(Func::SockShutdown));
    assert_eq!(TraceFilter::parse("fd,,path"), Err(FilterError::Empty));
    assert_eq!(TraceFilter::parse("files"), Err(FilterError::Unknown("files".to_string())));
    assert!(TraceFilter::parse("files").unwrap_err().to_string().contains("families: all, args, clock, fd"));
    // Every function is in exactly one family.
    let total: usize = Family::ALL
        .iter()
        .map(|fam| Func::ALL.iter().filter(|f| TraceFilter::family(*fam).contains(**f)).count())
        .sum();
    assert_eq!(total, Func::ALL.len());
    assert_eq!(Func::SchedYield.family(), Family::Proc);
    assert_eq!(Family::from_name(Func::RandomGet.family().name()), Some(Family::Random));
}

#[test]
fn display_paths_join_the_directory_and_the_path() {
    assert_eq!(&*join_display("/data", "sub/x.txt"), "/data/sub/x.txt");
    assert_eq!(&*join_display("/data", "./x"), "/data/x");
    assert_eq!(&*join_display("/", "x"), "/x");
    assert_eq!(&*join_display("/data", "."), "/data");
    assert_eq!(&*join_display(".", "a/../b"), "./a/../b");
}

#[test]
fn durations_read_like_a_person_would() {
    let d = |ns| format::Duration(ns).to_string();
    assert_eq!(d(0), "0 ns");
    assert_eq!(d(999), "999 ns");
    assert_eq!(d(1_250), "1.2 µs");
    assert_eq!(d(3_400_000), "3.4 ms");
    assert_eq!(d(1_250_000_000), "1.25 s");
}
