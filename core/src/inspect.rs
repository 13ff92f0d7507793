//! Module inspection with `wasmparser`: which WASI version and functions a module
//! imports, whether it is a command (`_start`) or a reactor (`_initialize`), its memory
//! export, and every import that would fail to link, reported by name before any
//! instantiation.

use crate::abi::Version;
use crate::dispatch::{Func, ValType};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wasmparser::{CompositeInnerType, ExternalKind, Parser, Payload, TypeRef};

/// One imported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Import module name.
    pub module: String,
    /// Import field name.
    pub name: String,
    /// Parameter types, if it is a function import.
    pub params: Vec<ValType>,
    /// Result types, if it is a function import.
    pub results: Vec<ValType>,
    /// Whether it is a function (else a memory, table or global).
    pub is_func: bool,
}

/// What a module asks of its host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// All imports.
    pub imports: Vec<Import>,
    /// Names of all exports.
    pub exports: Vec<String>,
    /// The WASI version the module imports (preview1 wins if it imports both).
    pub wasi_version: Option<Version>,
    /// The WASI functions it imports, with their version.
    pub wasi_functions: Vec<(Version, Func)>,
    /// Exports `_start`.
    pub is_command: bool,
    /// Exports `_initialize`.
    pub is_reactor: bool,
    /// Name of the exported memory, if any (`memory` for almost every module).
    pub memory_export: Option<String>,
    /// Everything that would fail to link against wasibox, one sentence each.
    pub problems: Vec<String>,
}

/// Parameters, results, and whether every value type is one WASI uses (i32/i64).
type FuncSig = (Vec<ValType>, Vec<ValType>, bool);

fn valtype(t: wasmparser::ValType) -> Option<ValType> {
    match t {
        wasmparser::ValType::I32 => Some(ValType::I32),
        wasmparser::ValType::I64 => Some(ValType::I64),
        _ => None,
    }
}

fn sig(params: &[ValType], results: &[ValType]) -> String {
    let show = |ts: &[ValType]| {
        ts.iter().map(|t| if *t == ValType::I32 { "i32" } else { "i64" }).collect::<Vec<_>>().join(", ")
    };
    format!("({}) -> ({})", show(params), show(results))
}

/// Inspect a binary module. `Err` if it cannot be parsed.
pub fn inspect(wasm: &[u8]) -> Result<ModuleInfo, String> {
    let mut info = ModuleInfo::default();
    // Function types by type index; `None` for non-function types or unsupported value types.
    let mut types: Vec<Option<FuncSig>> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(|e| e.to_string())?;
                    for sub in group.types() {
                        match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => {
                                let ps: Vec<_> = f.params().iter().map(|t| valtype(*t)).collect();
                                let rs: Vec<_> = f.results().iter().map(|t| valtype(*t)).collect();
                                let exact = ps.iter().chain(rs.iter()).all(Option::is_some);
                                types.push(Some((
                                    ps.into_iter().flatten().collect(),
                                    rs.into_iter().flatten().collect(),
                                    exact,
                                )));
                            }
                            _ => types.push(None),
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|e| e.to_string())?;
                    let (params, results, is_func, exact) = match import.ty {
                        TypeRef::Func(idx) => match types.get(idx as usize).cloned().flatten() {
                            Some((p, r, exact)) => (p, r, true, exact),
                            None => (Vec::new(), Vec::new(), true, false),
                        },
                        _ => (Vec::new(), Vec::new(), false, true),
                    };
                    let module = import.module.to_string();
                    let name = import.name.to_string();
                    if let Some(version) = Version::from_module(&module) {
                        match Func::from_name(&name).filter(|f| f.available_in(version)) {
                            None => {
                                info.problems.push(format!("{module}::{name} is not a function of {module}"))
                            }
                            Some(f) => {
                                if !is_func {
                                    info.problems
                                        .push(format!("{module}::{name} must be imported as a function"));
                                } else if !exact || params != f.params() || results != f.results() {
                                    info.problems.push(format!(
                                        "{module}::{name} is imported with type {} but WASI defines {}",
                                        sig(&params, &results),
                                        sig(f.params(), f.results())
                                    ));
                                }
                                info.wasi_functions.push((version, f));
                                if info.wasi_version != Some(Version::Preview1) {
                                    info.wasi_version = Some(version);
                                }
                            }
                        }
                    }
                    info.imports.push(Import { module, name, params, results, is_func });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| e.to_string())?;
                    match (export.kind, export.name) {
                        (ExternalKind::Func, "_start") => info.is_command = true,
                        (ExternalKind::Func, "_initialize") => info.is_reactor = true,
                        (ExternalKind::Memory, name) if info.memory_export.is_none() || name == "memory" => {
                            info.memory_export = Some(name.to_string());
                        }
                        _ => {}
                    }
                    info.exports.push(export.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_wrong_signature_by_name() {
        let wasm = wat::parse_str(
            r#"(module
                (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32) (result i32)))
                (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))
                (memory (export "memory") 1)
                (func (export "_start")))"#,
        )
        .unwrap();
        let info = inspect(&wasm).unwrap();
        assert!(info.is_command && !info.is_reactor);
        assert_eq!(info.memory_export.as_deref(), Some("memory"));
        assert_eq!(info.wasi_version, Some(Version::Preview1));
        assert_eq!(info.problems.len(), 2, "{:?}", info.problems);
        assert!(info.problems[0]
            .contains("wasi_snapshot_preview1::fd_write is imported with type (i32, i32) -> (i32)"));
        assert!(info.problems[1].contains("wasi_unstable::sock_accept is not a function"));
    }
}
