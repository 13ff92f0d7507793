//! The two renderings of a traced call: one strace-like line of text, one JSON object.
//! JSON is written by hand (the core has no serde); strings are escaped per RFC 8259 and
//! bytes that are not UTF-8 become U+FFFD there, while the text form shows them as `\xNN`.

use super::decode::{Decoded, Field, FlagKind, Value};
use super::TraceEvent;
use crate::abi::{Errno, Version};
use crate::ctx::Exit;
use core::fmt::{self, Write};

/// Rights with at least this many of their 30 bits set are shown as what is missing
/// (`ALL&~(FD_WRITE|FD_ALLOCATE)`), which is how wasi-libc builds them.
const RIGHTS_COMPLEMENT_FROM: u32 = 16;

/// The text form (see [`TraceEvent::write_text`]).
pub(super) fn text(ev: &TraceEvent<'_>, d: &Decoded, out: &mut dyn Write) -> fmt::Result {
    if ev.version == Version::Unstable {
        write!(out, "{}::", ev.version.module())?;
    }
    out.write_str(ev.func.name())?;
    out.write_char('(')?;
    for (i, field) in d.args.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        text_value(&field.value, out)?;
    }
    out.write_str(") = ")?;
    match (ev.exit, ev.errno) {
        (Some(Exit::Code(code)), _) => write!(out, "? [exit {code}]")?,
        (Some(Exit::Signal(sig)), _) => {
            out.write_str("? [killed by ")?;
            text_value(&super::decode::signal(sig), out)?;
            out.write_char(']')?;
        }
        (None, Some(Errno::SUCCESS)) => out.write_char('0')?,
        (None, Some(e)) => {
            text_errno(e, out)?;
            if let Some(what) = e.description() {
                write!(out, " ({})", what.trim_end_matches('.'))?;
            }
        }
        (None, None) => out.write_char('?')?,
    }
    if !d.results.is_empty() {
        out.write_str(" [")?;
        text_fields(&d.results, out)?;
        out.write_char(']')?;
    }
    write!(out, " ({})", Duration(ev.elapsed_ns))
}

fn text_fields(fields: &[Field], out: &mut dyn Write) -> fmt::Result {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write!(out, "{}=", field.name)?;
        text_value(&field.value, out)?;
    }
    Ok(())
}

fn text_errno(e: Errno, out: &mut dyn Write) -> fmt::Result {
    match (e, e.name()) {
        (Errno::SUCCESS, _) => out.write_char('0'),
        (_, Some(name)) => write!(out, "E{name}"),
        (_, None) => write!(out, "{}", e.0),
    }
}

fn text_value(v: &Value, out: &mut dyn Write) -> fmt::Result {
    match v {
        Value::Fd { fd, path: Some(path) } => {
            write!(out, "{fd}<")?;
            escape_text(path.as_bytes(), out)?;
            out.write_char('>')
        }
        Value::Fd { fd, path: None } => write!(out, "{fd}"),
        Value::Uint(n) => write!(out, "{n}"),
        Value::Int(n) => write!(out, "{n}"),
        Value::Ptr(p) => write!(out, "{p:#x}"),
        Value::Bytes { bytes, truncated } => {
            out.write_char('"')?;
            escape_text(bytes, out)?;
            out.write_char('"')?;
            if *truncated {
                out.write_str("...")?;
            }
            Ok(())
        }
        Value::Flags { kind, bits } => text_flags(*kind, *bits, out),
        Value::Name(name) => out.write_str(name),
        Value::Errno(e) => text_errno(*e, out),
        Value::Invalid(n) => write!(out, "{n}"),
        Value::Fault(p) => write!(out, "{p:#x} (bad pointer)"),
        Value::List { items, more } => {
            out.write_char('[')?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                text_value(item, out)?;
            }
            if *more {
                out.write_str(if items.is_empty() { "..." } else { ", ..." })?;
            }
            out.write_char(']')
        }
        Value::Struct(fields) => {
            out.write_char('{')?;
            text_fields(fields, out)?;
            out.write_char('}')
        }
    }
}

fn text_flags(kind: FlagKind, bits: u64, out: &mut dyn Write) -> fmt::Result {
    if bits == 0 {
        return out.write_char('0');
    }
    let unknown = kind.unknown(bits);
    let known = bits & !unknown;
    if kind == FlagKind::Rights && known.count_ones() >= RIGHTS_COMPLEMENT_FROM {
        // Bits no right names are left out here (path_open ignores them); `raw` keeps them.
        let missing = !kind.unknown(!0) & !known;
        if missing == 0 {
            return out.write_str("ALL");
        }
        out.write_str("ALL&~(")?;
        join_names(kind, missing, out)?;
        return out.write_char(')');
    }
    let any = join_names(kind, known, out)?;
    if unknown != 0 {
        if any {
            out.write_char('|')?;
        }
        write!(out, "{unknown:#x}")?;
    }
    Ok(())
}

/// Write the names of `bits` joined by `|`; whether any was written.
fn join_names(kind: FlagKind, bits: u64, out: &mut dyn Write) -> Result<bool, fmt::Error> {
    let mut first = true;
    let mut result = Ok(());
    kind.for_each_flag(|name, bit| {
        if bits & bit != 0 && result.is_ok() {
            if !first {
                result = out.write_char('|');
            }
            first = false;
            result = result.and_then(|()| out.write_str(name));
        }
    });
    result.map(|()| !first)
}

/// Bytes as C-like text: printable UTF-8 as is, `\n` `\t` `\r` `\"` `\\`, everything
/// else (controls, bytes that are not UTF-8) as `\xNN`.
fn escape_text(bytes: &[u8], out: &mut dyn Write) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.write_str("\\n")?,
                '\t' => out.write_str("\\t")?,
                '\r' => out.write_str("\\r")?,
                '"' => out.write_str("\\\"")?,
                '\\' => out.write_str("\\\\")?,
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        write!(out, "\\x{b:02x}")?;
                    }
                }
                c => out.write_char(c)?,
            }
        }
        for b in chunk.invalid() {
            write!(out, "\\x{b:02x}")?;
        }
    }
    Ok(())
}

/// A duration the way a person reads it: `850 ns`, `1.2 µs`, `3.4 ms`, `1.25 s`.
pub(super) struct Duration(pub(super) u64);

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        match ns {
            0..=999 => write!(f, "{ns} ns"),
            1_000..=999_999 => write!(f, "{}.{} µs", ns / 1_000, ns % 1_000 / 100),
            1_000_000..=999_999_999 => write!(f, "{}.{} ms", ns / 1_000_000, ns % 1_000_000 / 100_000),
            _ => write!(f, "{}.{:02} s", ns / 1_000_000_000, ns % 1_000_000_000 / 10_000_000),
        }
    }
}

/// The JSON form (see [`TraceEvent::write_json`]).
pub(super) fn json(ev: &TraceEvent<'_>, d: &Decoded, out: &mut dyn Write) -> fmt::Result {
    out.write_str("{\"func\":")?;
    json_str(ev.func.name().as_bytes(), false, out)?;
    out.write_str(",\"module\":")?;
    json_str(ev.version.module().as_bytes(), false, out)?;
    out.write_str(",\"raw\":[")?;
    for (i, a) in ev.args.iter().enumerate() {
        if i > 0 {
            out.write_char(',')?;
        }
        write!(out, "{a}")?;
    }
    out.write_str("],\"args\":")?;
    json_fields(&d.args, out)?;
    match ev.errno {
        Some(e) => {
            write!(out, ",\"errno\":{},\"errno_name\":", e.0)?;
            json_errno(e, out)?;
        }
        None => out.write_str(",\"errno\":null,\"errno_name\":null")?,
    }
    out.write_str(",\"results\":")?;
    json_fields(&d.results, out)?;
    out.write_str(",\"exit\":")?;
    match ev.exit {
        Some(Exit::Code(code)) => write!(out, "{{\"code\":{code}}}")?,
        Some(Exit::Signal(sig)) => {
            write!(out, "{{\"signal\":{sig},\"name\":")?;
            json_value(&super::decode::signal(sig), out)?;
            out.write_char('}')?;
        }
        None => out.write_str("null")?,
    }
    write!(out, ",\"duration_ns\":{}}}", ev.elapsed_ns)
}

fn json_fields(fields: &[Field], out: &mut dyn Write) -> fmt::Result {
    out.write_char('{')?;
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_char(',')?;
        }
        json_str(field.name.as_bytes(), false, out)?;
        out.write_char(':')?;
        json_value(&field.value, out)?;
    }
    out.write_char('}')
}

fn json_errno(e: Errno, out: &mut dyn Write) -> fmt::Result {
    match (e, e.name()) {
        (Errno::SUCCESS, _) => out.write_str("\"SUCCESS\""),
        (_, Some(name)) => write!(out, "\"E{name}\""),
        (_, None) => write!(out, "\"{}\"", e.0),
    }
}

fn json_value(v: &Value, out: &mut dyn Write) -> fmt::Result {
    match v {
        Value::Fd { fd, path } => {
            write!(out, "{{\"fd\":{fd},\"path\":")?;
            match path {
                Some(p) => json_str(p.as_bytes(), false, out)?,
                None => out.write_str("null")?,
            }
            out.write_char('}')
        }
        Value::Uint(n) => write!(out, "{n}"),
        Value::Int(n) => write!(out, "{n}"),
        Value::Ptr(p) => write!(out, "{p}"),
        Value::Invalid(n) => write!(out, "{n}"),
        Value::Bytes { bytes, truncated } => json_str(bytes, *truncated, out),
        Value::Flags { kind, bits } => {
            out.write_char('[')?;
            let mut first = true;
            let mut result = Ok(());
            kind.for_each_flag(|name, bit| {
                if bits & bit != 0 && result.is_ok() {
                    let sep = if first { "" } else { "," };
                    first = false;
                    result = write!(out, "{sep}\"{name}\"");
                }
            });
            result?;
            let unknown = kind.unknown(*bits);
            if unknown != 0 {
                let sep = if first { "" } else { "," };
                write!(out, "{sep}\"{unknown:#x}\"")?;
            }
            out.write_char(']')
        }
        Value::Name(name) => json_str(name.as_bytes(), false, out),
        Value::Errno(e) => json_errno(*e, out),
        Value::Fault(p) => write!(out, "{{\"bad_pointer\":{p}}}"),
        Value::List { items, more } => {
            out.write_char('[')?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                json_value(item, out)?;
            }
            if *more {
                out.write_str(if items.is_empty() { "\"...\"" } else { ",\"...\"" })?;
            }
            out.write_char(']')
        }
        Value::Struct(fields) => json_fields(fields, out),
    }
}

/// `bytes` as a JSON string: UTF-8 kept, invalid bytes as U+FFFD, `"` `\` and control
/// characters escaped; `truncated` appends `…` inside the string.
fn json_str(bytes: &[u8], truncated: bool, out: &mut dyn Write) -> fmt::Result {
    out.write_char('"')?;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.write_str("\\\"")?,
                '\\' => out.write_str("\\\\")?,
                '\n' => out.write_str("\\n")?,
                '\r' => out.write_str("\\r")?,
                '\t' => out.write_str("\\t")?,
                c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
                c => out.write_char(c)?,
            }
        }
        if !chunk.invalid().is_empty() {
            out.write_char(char::REPLACEMENT_CHARACTER)?;
        }
    }
    if truncated {
        out.write_char('…')?;
    }
    out.write_char('"')
}
