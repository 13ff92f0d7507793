#!/usr/bin/env node
// Reference runner: runs wasibox conformance cases under Node.js's node:wasi (uvwasi).
//
//   node conformance/guests/node-ref.mjs OUT_DIR CASE.json|DIR...   compare with the cases
//   node conformance/guests/node-ref.mjs --json OUT_DIR CASE.json   print the raw results
//   --strict: report cases marked node_disagrees as failures too (to refresh the table)
//
// OUT_DIR is what build.sh filled. WAT guests are compiled with the `wasmtime` Python
// package (pip install wasmtime), since Node has no WAT compiler.
// Node/uvwasi is a second opinion, not the reference: where it disagrees with Linux
// semantics the case says so in "node_disagrees" (see conformance/cases/README.md), and
// such cases are reported as "known" instead of failures.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CASES_ROOT = path.join(HERE, '..', 'cases');

function resolveFixture(casePath, rel) {
  for (const base of [CASES_ROOT, path.dirname(casePath)]) {
    const p = path.join(base, rel);
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) return p;
  }
  throw new Error(`${casePath}: fixture directory ${rel} not found`);
}

function preopenList(c) {
  const out = (c.dirs || []).map((d) => [path.basename(d), d]);
  for (const [g, rel] of Object.entries(c.preopens || {})) out.push([g, rel]);
  return out;
}

function cmpBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function fileLine(rel, data) {
  if (data.length === 0) return `f ${rel} 0`;
  if (data.length <= 64 && data.every((b) => b >= 0x20 && b <= 0x7e)) return `f ${rel} ${data.length} ${data.toString('latin1')}`;
  return `f ${rel} ${data.length} *`;
}

function snapshotTree(root) {
  const entries = [];
  const walk = (dir, prefix) => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      const rel = prefix + name;
      const st = fs.lstatSync(full);
      if (st.isSymbolicLink()) entries.push([rel, `l ${rel} -> ${fs.readlinkSync(full)}`]);
      else if (st.isDirectory()) {
        entries.push([rel, `d ${rel}`]);
        walk(full, rel + '/');
      } else if (st.isFile()) entries.push([rel, fileLine(rel, fs.readFileSync(full))]);
      else entries.push([rel, `? ${rel}`]);
    }
  };
  walk(root, '');
  entries.sort((a, b) => cmpBytes(a[0], b[0]));
  return entries.map((e) => e[1]);
}

function guestModule(outDir, guest) {
  const [lang, name] = guest.split(/\/(.*)/s);
  if (lang === 'wat') return path.join(outDir, 'wat', `${name}.wat`);
  return path.join(outDir, lang, `${name}.wasm`);
}

const moduleCache = new Map();
function loadModule(file) {
  if (moduleCache.has(file)) return moduleCache.get(file);
  let bytes;
  if (file.endsWith('.wat')) {
    bytes = execFileSync('python3', ['-c', 'import sys, wasmtime; sys.stdout.buffer.write(wasmtime.wat2wasm(open(sys.argv[1]).read()))', file], { maxBuffer: 64 << 20 });
  } else {
    bytes = fs.readFileSync(file);
  }
  const m = new WebAssembly.Module(bytes);
  moduleCache.set(file, m);
  return m;
}

export function runCase(casePath, outDir) {
  const c = JSON.parse(fs.readFileSync(casePath, 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nref-'));
  try {
    const pre = preopenList(c).map(([guest, rel], i) => {
      const host = path.join(tmp, `pre${i}`);
      fs.cpSync(resolveFixture(casePath, rel), host, { recursive: true, verbatimSymlinks: true });
      return [guest, rel, host];
    });
    const modPath = guestModule(outDir, c.guest);
    fs.writeFileSync(path.join(tmp, 'stdin'), c.stdin || '');
    const fdIn = fs.openSync(path.join(tmp, 'stdin'), 'r');
    const fdOut = fs.openSync(path.join(tmp, 'stdout'), 'w');
    const fdErr = fs.openSync(path.join(tmp, 'stderr'), 'w');
    const preopens = {};
    for (const [g, , h] of pre) preopens[g] = h;
    const wasi = new WASI({
      version: c.version === 'unstable' ? 'unstable' : 'preview1',
      args: [path.basename(modPath), ...(c.args || [])],
      env: c.env || {},
      preopens,
      returnOnExit: true,
      stdin: fdIn,
      stdout: fdOut,
      stderr: fdErr,
    });
    let code = 0;
    let trap = null;
    try {
      const inst = new WebAssembly.Instance(loadModule(modPath), wasi.getImportObject());
      if (c.reactor) {
        wasi.initialize(inst);
        inst.exports[c.invoke]();
      } else {
        code = wasi.start(inst);
      }
    } catch (e) {
      trap = String(e && e.message ? e.message : e);
      code = 134;
    }
    for (const fd of [fdIn, fdOut, fdErr]) fs.closeSync(fd);
    const tree = {};
    for (const [, rel, host] of pre) tree[rel] = snapshotTree(host);
    return {
      case: c,
      result: {
        exit_code: code,
        stdout: fs.readFileSync(path.join(tmp, 'stdout'), 'utf8'),
        stderr: fs.readFileSync(path.join(tmp, 'stderr'), 'utf8'),
        tree,
        trap,
      },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function compare(c, r) {
  const diffs = [];
  const want = c.exit_code ?? 0;
  if (want !== r.exit_code) diffs.push(`exit_code: expected ${want} got ${r.exit_code}${r.trap ? ` (trap: ${r.trap})` : ''}`);
  for (const k of ['stdout', 'stderr']) {
    if (k in c && c[k] !== r[k]) diffs.push(`${k}: expected ${JSON.stringify(c[k])}\n          got ${JSON.stringify(r[k])}`);
  }
  for (const [rel, lines] of Object.entries(c.tree || {})) {
    const got = r.tree[rel];
    if (JSON.stringify(got) !== JSON.stringify(lines)) diffs.push(`tree ${rel}: expected ${JSON.stringify(lines)}\n          got ${JSON.stringify(got)}`);
  }
  return diffs;
}

function* expand(paths) {
  for (const p of paths) {
    if (fs.statSync(p).isDirectory()) {
      const all = [];
      const walk = (d) => {
        for (const n of fs.readdirSync(d).sort()) {
          const f = path.join(d, n);
          if (n === 'fixtures') continue;
          if (fs.statSync(f).isDirectory()) walk(f);
          else if (n.endsWith('.json')) all.push(f);
        }
      };
      walk(p);
      yield* all;
    } else yield p;
  }
}

function main(argv) {
  let json = false;
  let strict = false;
  let quiet = false;
  const rest = [];
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '-q') quiet = true;
    else if (a === '--strict') strict = true;
    else rest.push(a);
  }
  const [outDir, ...paths] = rest;
  if (!outDir || paths.length === 0) {
    console.error('usage: node-ref.mjs [--json] [-q] OUT_DIR CASE.json|DIR...');
    process.exit(2);
  }
  let pass = 0, fail = 0, known = 0, skipped = 0;
  const results = {};
  for (const p of expand(paths)) {
    let c, r;
    if (json) {
      ({ case: c, result: r } = runCase(p, outDir));
      results[p] = r;
      continue;
    }
    // One child process per case: uvwasi crashes on some hostile inputs.
    c = JSON.parse(fs.readFileSync(p, 'utf8'));
    if (!c.guest || !fs.existsSync(guestModule(outDir, c.guest))) {
      skipped++; // not one of build.sh's guests (e.g. upstream testsuite modules)
      continue;
    }
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--json', outDir, p], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 20000 });
    if (child.status === 0) {
      r = JSON.parse(child.stdout)[p];
    } else {
      r = { exit_code: -1, stdout: '', stderr: '', tree: {}, trap: `node crashed (${child.signal || child.status}): ${(child.stderr || '').slice(0, 200)}` };
    }
    const diffs = compare(c, r);
    if (diffs.length === 0) {
      pass++;
      if (!quiet) console.log(`ok    ${p}`);
    } else if (c.node_disagrees && !strict) {
      known++;
      if (!quiet) console.log(`known ${p}  [node_disagrees: ${c.node_disagrees}]`);
    } else {
      fail++;
      console.log(`FAIL  ${p}`);
      for (const d of diffs) console.log(`    ${d}`);
    }
  }
  if (json) {
    process.stdout.write(JSON.stringify(results, null, 1) + '\n');
    return;
  }
  console.log(`node-ref: ${pass} passed, ${fail} failed, ${known} known disagreements, ${skipped} skipped`);
  process.exitCode = fail ? 1 : 0;
}

main(process.argv.slice(2));
