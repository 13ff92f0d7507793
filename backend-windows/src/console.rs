//! Console stdio: the guest speaks UTF-8 bytes, a Windows console speaks UTF-16
//! (`WriteConsoleW`/`ReadConsoleW`), whatever its code page. Writes are converted (a UTF-8
//! sequence split across two writes is kept until it is complete; invalid bytes show as
//! U+FFFD), and console input is converted back to UTF-8 and handed out in pieces as
//! small as the guest's buffers. A line that starts with Ctrl-Z is end of file, as for
//! every Windows console program.

use crate::errno::last_error;
use wasibox_core::Result;
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::System::Console::{ReadConsoleW, WriteConsoleW};

/// The conversion state of a console handle.
#[derive(Debug, Default)]
pub(crate) struct ConsoleState {
    /// The start of a UTF-8 sequence whose end has not been written yet (at most 3 bytes).
    out_pending: Vec<u8>,
    /// Console input already converted to UTF-8 but not yet read by the guest.
    in_buf: Vec<u8>,
    in_pos: usize,
}

/// Split `data` into the text it completes and the incomplete sequence at its end: invalid
/// bytes become U+FFFD, a truncated (but so far valid) sequence at the very end is
/// returned as the second value.
pub(crate) fn decode_utf8_stream(data: &[u8]) -> (String, &[u8]) {
    let mut out = String::with_capacity(data.len());
    let mut rest = data;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return (out, &[]);
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                if let Ok(s) = std::str::from_utf8(good) {
                    out.push_str(s);
                }
                match e.error_len() {
                    Some(n) => {
                        out.push('\u{fffd}');
                        rest = bad.get(n..).unwrap_or_default();
                    }
                    None => return (out, bad),
                }
            }
        }
    }
}

/// Write all of `text` to the console.
fn write_wide(h: HANDLE, text: &str) -> Result<()> {
    let wide: Vec<u16> = text.encode_utf16().collect();
    let mut rest = &wide[..];
    while !rest.is_empty() {
        let chunk = rest.len().min(8192);
        let mut written = 0u32;
        // SAFETY: `rest` is live for `chunk` u16s, which the call only reads; `written` is a
        // live local. No OVERLAPPED (the reserved argument is null).
        let ok = unsafe { WriteConsoleW(h, rest.as_ptr(), chunk as u32, &mut written, std::ptr::null()) };
        if ok == 0 {
            return Err(last_error());
        }
        if written == 0 {
            return Err(wasibox_core::Errno::IO);
        }
        rest = rest.get(written as usize..).unwrap_or_default();
    }
    Ok(())
}

/// Write `bufs` to the console. Every byte is consumed (an incomplete sequence at the end
/// is kept for the next write), so the count is the total length.
pub(crate) fn write(h: HANDLE, st: &mut ConsoleState, bufs: &[&[u8]]) -> Result<usize> {
    let mut total = 0usize;
    for buf in bufs {
        if buf.is_empty() {
            continue;
        }
        let joined;
        let data: &[u8] = if st.out_pending.is_empty() {
            buf
        } else {
            joined = [&st.out_pending[..], buf].concat();
            &joined
        };
        let (text, tail) = decode_utf8_stream(data);
        let tail = tail.to_vec();
        if !text.is_empty() {
            if let Err(e) = write_wide(h, &text) {
                return if total > 0 { Ok(total) } else { Err(e) };
            }
        }
        st.out_pending = tail;
        total += buf.len();
    }
    Ok(total)
}

/// Read from the console into `bufs` (one `ReadConsoleW` when nothing is buffered).
pub(crate) fn read(h: HANDLE, st: &mut ConsoleState, bufs: &mut [&mut [u8]]) -> Result<usize> {
    if bufs.iter().all(|b| b.is_empty()) {
        return Ok(0);
    }
    if st.in_pos >= st.in_buf.len() {
        let mut wide = [0u16; 4096];
        let mut got = 0u32;
        // SAFETY: `wide` is a live local buffer of the length passed; `got` is a live local;
        // no input-control structure is passed.
        let ok = unsafe {
            ReadConsoleW(h, wide.as_mut_ptr().cast(), wide.len() as u32, &mut got, std::ptr::null())
        };
        if ok == 0 {
            return Err(last_error());
        }
        let wide = wide.get(..got as usize).unwrap_or_default();
        if wide.first() == Some(&0x1a) {
            return Ok(0);
        }
        st.in_buf = String::from_utf16_lossy(wide).into_bytes();
        st.in_pos = 0;
    }
    let mut total = 0;
    for buf in bufs.iter_mut() {
        let avail = st.in_buf.get(st.in_pos..).unwrap_or_default();
        if avail.is_empty() {
            break;
        }
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        st.in_pos += n;
        total += n;
    }
    Ok(total)
}

/// Bytes of console input already converted and waiting.
pub(crate) fn buffered(st: &ConsoleState) -> usize {
    st.in_buf.len().saturating_sub(st.in_pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_stream_split() {
        assert_eq!(decode_utf8_stream(b"abc"), ("abc".to_string(), &b""[..]));
        // "é" is C3 A9: the first byte alone is kept for later.
        assert_eq!(decode_utf8_stream(b"ab\xc3"), ("ab".to_string(), &b"\xc3"[..]));
        assert_eq!(decode_utf8_stream(b"\xe2\x82"), (String::new(), &b"\xe2\x82"[..]));
        // Invalid bytes are replaced, and decoding goes on.
        assert_eq!(decode_utf8_stream(b"a\xffb"), ("a\u{fffd}b".to_string(), &b""[..]));
        assert_eq!(decode_utf8_stream(b"\xc3(x"), ("\u{fffd}(x".to_string(), &b""[..]));
        // A 4-byte sequence split 3 + 1.
        let (t, tail) = decode_utf8_stream(b"\xf0\x9f\x98");
        assert!(t.is_empty());
        let joined = [tail, b"\x80"].concat();
        assert_eq!(decode_utf8_stream(&joined).0, "\u{1f600}");
    }
}
