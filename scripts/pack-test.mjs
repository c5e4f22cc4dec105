#!/usr/bin/env node
// The package as a user gets it (#13): `npm pack` this checkout, install the tarball into a fresh
// project outside it, offline (its dependencies from the local npm cache, which `npm ci` filled),
// then, in that project: `intel compile --check` a spec of its own (data next to the spec) into a
// folder that does not exist yet, `tsc --noEmit` the project (moduleResolution NodeNext, strict),
// train the program one epoch, `intel sample` its run into a .npy, and use the run through the
// public API (`import { loadRun } from "intel-vae"`). Each step prints its wall time; the first
// failure prints its output and exits 1. `npm run test:package`; .ci/run runs it after npm test.
//
// Why the project gets a package-lock.json first: npm 11 resolves a dependency that no lockfile
// pins from its *full* packument, while `npm ci` caches only the abbreviated ones, so a lockless
// offline install fails (ENOTCACHED). The lock is this checkout's, cut to what the package needs.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const tmp = mkdtempSync(join(tmpdir(), "intel-vae-pack-"));
const project = join(tmp, "project");
const started = Date.now();

function step(name, cmd, args, cwd = project, env = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✗ ${name} (${s} s): ${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
    console.error(`the project is kept at ${project}`);
    process.exit(1);
  }
  console.log(`✓ ${name} (${s} s)`);
  return r.stdout + r.stderr;
}

function check(what, ok) {
  if (ok) return console.log(`✓ ${what}`);
  console.error(`✗ ${what}\nthe project is kept at ${project}`);
  process.exit(1);
}

// 1. the tarball (npm pack runs `prepare`: the build, with the type declarations)
const packOut = step("npm pack", "npm", ["pack", "--pack-destination", tmp, "--json", "--silent"], root);
const packed = JSON.parse(packOut.slice(packOut.indexOf("[")))[0];
const tarball = join(tmp, packed.filename);
check(`the tarball has the bundle, the declarations and no TypeScript sources (${packed.entryCount} files)`,
  ["dist/cli.js", "dist/support.js", "dist/index.js", "dist/.stamp", "dist/types/index.d.ts", "dist/types/runtime/support/index.d.ts", "specs/prelude.intel"].every((f) => packed.files.some((p) => p.path === f)) &&
    !packed.files.some((p) => p.path.endsWith(".ts") && !p.path.endsWith(".d.ts")));

// 2. a fresh project: package.json, the cut lockfile, a spec with its data, a tsconfig
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const self = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dev = { typescript: lock.packages["node_modules/typescript"].version, "@types/node": lock.packages["node_modules/@types/node"].version };
const manifest = { name: "intel-vae-user", version: "1.0.0", private: true, type: "module", dependencies: { "intel-vae": `file:../${packed.filename}` }, devDependencies: dev };
mkdirSync(join(project, "specs", "data"), { recursive: true });
writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(join(project, "package-lock.json"), `${JSON.stringify(cutLock(), null, 2)}\n`);
writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] }, include: ["src"] }, null, 2)}\n`);
writeFileSync(join(project, "specs", "ring.intel"), `intel 0.1
import "prelude"

model ring_csv {
  data x : Real[2] ~ csv(path: "data/ring.csv", validation: 40)
  encoder q(y | x) = mlp_encoder(hidden: [10])
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = circle(y)
  decoder p(x | z) : Gaussian(sigma: "learned") = mlp_decoder(hidden: [10])
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-3), batch: 40, epochs: 3, seed: 1 }
}
`);
const rows = Array.from({ length: 200 }, (_, i) => `${(2 * Math.cos(i * 0.1)).toFixed(4)},${(2 * Math.sin(i * 0.1)).toFixed(4)}`);
writeFileSync(join(project, "specs", "data", "ring.csv"), `a,b\n${rows.join("\n")}\n`);

// 3. the install, offline
step("npm install --offline (the tarball; its dependencies from the npm cache)", "npm", ["install", "--offline", "--no-audit", "--no-fund", `../${packed.filename}`]);
const bin = (name) => join(project, "node_modules", ".bin", name);

// 4. compile into a missing folder, type-checked where it lands; the data path is the spec's, not the working folder's
const compiled = step("intel compile specs/ring.intel -o src/model/ring.ts --check", bin("intel"), ["compile", "specs/ring.intel", "-o", "src/model/ring.ts", "--check"]);
check("it type-checks there", compiled.includes("type-checks"));
const program = readFileSync(join(project, "src/model/ring.ts"), "utf8");
check('the program imports "intel-vae/support" and "@tensorflow/tfjs", nothing else', sameSet([...program.matchAll(/from "([^"]+)"/g)].map((m) => m[1]), ["@tensorflow/tfjs", "intel-vae/support"]));

// 5. the project's own tsc, with a file that uses the public API
writeFileSync(join(project, "src", "use-run.ts"), `import { loadRun } from "intel-vae";

const model = await loadRun(process.argv[2]!, { backend: "cpu" });
const x = model.sample(6, 7);
const z = model.encode(x);
if (x.length !== 6 || z.length !== 6 || z.some((p) => Math.abs(Math.hypot(p[0]!, p[1]!) - 1) > 1e-3)) throw new Error("unexpected samples or codes");
console.log(\`api: sample(6) and encode: \${z.length} points on the unit circle\`);
model.dispose();
`);
// the declarations are real: a wrong call is a type error (with `any` types these would be unused, TS2578)
writeFileSync(join(project, "src", "types-probe.ts"), `import { loadRun } from "intel-vae";
import { runProgram } from "intel-vae/support";

// @ts-expect-error: loadRun takes a run directory
void loadRun(42);
// @ts-expect-error: runProgram takes a Program and its arguments
void runProgram(1, []);
`);
step("tsc --noEmit (strict, NodeNext)", bin("tsc"), ["--noEmit", "-p", "."]);

// 6. train the program one epoch, sample its run, use it from the API
const trained = step("npx tsx src/model/ring.ts --epochs 1 --backend cpu --out runs/ring", bin("tsx"), ["src/model/ring.ts", "--epochs", "1", "--backend", "cpu", "--out", "runs/ring"]);
check("one epoch trained", trained.includes("1 epochs done"));
step("intel sample runs/ring -n 16 -o samples.npy", bin("intel"), ["sample", "runs/ring", "-n", "16", "-o", "samples.npy", "--backend", "cpu"]);
const npy = readFileSync(join(project, "samples.npy"));
const header = npy.subarray(10, 10 + npy.readUInt16LE(8)).toString("latin1");
check(`samples.npy is a real .npy of shape (16, 2): ${header.trim()}`, npy.subarray(0, 6).toString("latin1") === "\x93NUMPY" && /'shape': \(16, 2\)/.test(header));
const used = step("npx tsx src/use-run.ts runs/ring (the public API)", bin("tsx"), ["src/use-run.ts", "runs/ring"]);
check("the API loaded the run", used.includes("points on the unit circle"));

console.log(`package test passed in ${((Date.now() - started) / 1000).toFixed(0)} s (${tarball})`);
if (!keep) rmSync(tmp, { recursive: true, force: true });

function sameSet(a, b) {
  return new Set(a).size === new Set(b).size && b.every((x) => a.includes(x));
}

/** This checkout's lockfile cut to what the packed package needs (its dependencies, optional ones included) plus typescript and @types/node. */
function cutLock() {
  const packages = {
    "": { ...manifest, private: undefined, type: undefined },
    "node_modules/intel-vae": {
      version: self.version,
      resolved: `file:../${packed.filename}`,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      license: self.license,
      dependencies: self.dependencies,
      optionalDependencies: self.optionalDependencies,
      bin: self.bin,
      engines: self.engines,
    },
  };
  const queue = [
    ...Object.keys({ ...self.dependencies, ...self.optionalDependencies }).map((d) => ["", d]),
    ...Object.keys(dev).map((d) => ["", d]),
  ];
  while (queue.length) {
    const [from, name] = queue.shift();
    const at = locate(from, name);
    if (!at || packages[at]) continue;
    const { dev: _dev, devOptional, peer: _peer, ...entry } = lock.packages[at];
    if (devOptional) entry.optional = true;
    packages[at] = entry;
    for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push([at, d]);
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
}

/** where Node finds `name` from the package at `from` in the lock (its own node_modules, then its parents'). */
function locate(from, name) {
  for (let dir = from; ; dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : "") {
    const at = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (lock.packages[at]) return at;
    if (!dir) return null;
  }
}
