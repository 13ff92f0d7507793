// Run the benchmark guest under Node's node:wasi (uvwasi), for wasibox-bench.
// usage: node node-runner.mjs GUEST.wasm WORKDIR -- [guest args...]
// The work directory is preopened at /work (the first preopen, fd 3), stdio inherited.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [wasmPath, workDir, sep, ...guestArgs] = process.argv.slice(2);
if (!wasmPath || !workDir || sep !== '--') {
  console.error('usage: node node-runner.mjs GUEST.wasm WORKDIR -- [guest args...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: ['bench-guest', ...guestArgs],
  env: {},
  preopens: { '/work': workDir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
