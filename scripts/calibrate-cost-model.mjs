#!/usr/bin/env node
// Calibrates engine/scale/plan.ts's cost model and prints the constants to put there.
//
//   node scripts/calibrate-cost-model.mjs [SPEC] [--shards N] [--facts RESULTS.run.json]
//
// SPEC defaults to scripts/cost-model/calibration.simspec.yaml (every cost class on the synthetic
// sample). Steps:
//  1. `simspec plan SPEC --json`: each cell's cost class and units of work;
//  2. one process, `simspec run SPEC --no-cache`, for each cell's measured seconds (its
//     `<output>.run.json`; or the run-facts file given with --facts, skipping the run);
//  3. per cost class, seconds per unit as the ratio of the sums (measured seconds / units); for RSA,
//     whose resampling draws reuse the RDMs, two terms — the RDMs (units = n²·(p+q), from the cells
//     without draws) and the draws (drawUnits = draws·n², from the rest of the other cells' time);
//  4. the fixed cost of a process (Node, the bundle, the kernels' calibration, planning and loading,
//     writing the shard): N shard processes run one after another, each timed from spawn to exit,
//     minus the seconds of its cells (the shard file's cellMilliseconds); the median is the constant.
// Then each shard's predicted time with the fitted constants beside its measured time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const shardCount = Number(option('--shards', '4'));
let facts = option('--facts', undefined);
const spec = resolve(args[0] ?? 'scripts/cost-model/calibration.simspec.yaml');
if (args[1]) facts = args[1]; // the former usage: SPEC RESULTS.run.json
const bin = resolve('bin/simspec.js');
let scratchFolder;
const scratch = () => (scratchFolder ??= mkdtempSync(join(tmpdir(), 'simspec-calibrate-')));

const plan = JSON.parse(execFileSync(process.execPath, [bin, 'plan', spec, '--json', '--shards', String(Math.max(1, shardCount))], { encoding: 'utf8', maxBuffer: 1 << 28 }));
if (!facts) {
  const out = join(scratch(), 'one.json');
  const started = Date.now();
  const run = spawnSync(process.execPath, [bin, 'run', spec, '--no-cache', '--quiet', '--out', out], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`the calibration run failed:\n${run.stderr}`);
  console.log(`one process: ${((Date.now() - started) / 1000).toFixed(1)} s wall`);
  facts = `${out}.run.json`;
}
const measured = new Map(JSON.parse(readFileSync(facts, 'utf8')).scores.map((s) => [`${s.comparison}\u0000${s.layer}\u0000${s.region}`, s.milliseconds / 1000]));

// Fit. The run's first cell also pays the process's one-off warm-up (the JIT, the kernels' first
// calls), which belongs to the fixed cost of a process, not to its cost class: it is left out.
const byClass = new Map();
const firstMeasured = plan.cells.find((c) => measured.has(c.key))?.key;
for (const cell of plan.cells) {
  const seconds = measured.get(cell.key);
  if (seconds === undefined || cell.key === firstMeasured) continue;
  if (!byClass.has(cell.costClass)) byClass.set(cell.costClass, []);
  byClass.get(cell.costClass).push({ ...cell, measured: seconds });
}
const fitted = {};
let rsaPerDraw;
for (const [name, cells] of byClass) {
  if (name === 'rsa' && cells.some((c) => c.drawUnits > 0) && cells.some((c) => !c.drawUnits)) {
    // Two terms, fitted in turn: the RDMs' constant from the cells without draws, then the draws'
    // constant from what the other cells took beyond their RDMs (a joint least-squares fit lets the
    // noisy small cells drive one constant negative).
    const plain = cells.filter((c) => !c.drawUnits);
    const drawn = cells.filter((c) => c.drawUnits > 0);
    const a = plain.reduce((s, c) => s + c.measured, 0) / plain.reduce((s, c) => s + c.units, 0);
    const b = Math.max(0, drawn.reduce((s, c) => s + c.measured - a * c.units, 0) / drawn.reduce((s, c) => s + c.drawUnits, 0));
    fitted[name] = a;
    rsaPerDraw = b;
  } else {
    fitted[name] = cells.reduce((s, c) => s + c.measured, 0) / cells.reduce((s, c) => s + c.units, 0);
  }
}
const predict = (cell) => (fitted[cell.costClass] ?? 0) * cell.units + (cell.costClass === 'rsa' ? (rsaPerDraw ?? 0) * (cell.drawUnits ?? 0) : 0);
console.log('\ncost class        cells  measured s  fitted model s  old model s  seconds per unit');
for (const [name, cells] of byClass) {
  const sum = (f) => cells.reduce((s, c) => s + f(c), 0);
  console.log(`${name.padEnd(16)} ${String(cells.length).padStart(6)}  ${sum((c) => c.measured).toFixed(2).padStart(10)}  ${sum(predict).toFixed(2).padStart(14)}  ${sum((c) => c.seconds).toFixed(2).padStart(11)}  ${fitted[name].toExponential(2)}${name === 'rsa' && rsaPerDraw !== undefined ? ` (+ ${rsaPerDraw.toExponential(2)} per draw·n²)` : ''}`);
}

// The fixed cost of a process (--shards 0: not measured).
const shardDir = shardCount > 0 ? join(scratch(), 'shards') : '';
const starts = [];
const rows = [];
for (let index = 0; index < shardCount; index++) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [bin, 'run', spec, '--shard', String(index), '--of', String(shardCount), '--no-cache', '--shards-dir', shardDir], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`shard ${index} failed:\n${run.stderr}`);
  const file = readdirSync(shardDir).find((n) => n.startsWith(`shard-${String(index).padStart(4, '0')}-of-`) && n.endsWith('.json'));
  const shard = JSON.parse(readFileSync(join(shardDir, file), 'utf8'));
  const cellSeconds = shard.run.cellMilliseconds.reduce((a, b) => a + b, 0) / 1000;
  starts.push(wall - cellSeconds);
  rows.push({ index, wall, cellSeconds, cells: plan.shards[index].cells.map((key) => plan.cells.find((c) => c.key === key)) });
}
const sorted = [...starts].sort((a, b) => a - b);
const start = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
if (rows.length) console.log(`\nshard  cells  measured wall s  of which cells s  fixed s  predicted s (fitted)  predicted s (old)`);
for (const r of rows) {
  const predicted = start + r.cells.reduce((s, c) => s + predict(c), 0);
  const old = r.cells.reduce((s, c) => s + c.seconds, 0);
  console.log(`${String(r.index).padStart(5)}  ${String(r.cells.length).padStart(5)}  ${r.wall.toFixed(2).padStart(15)}  ${r.cellSeconds.toFixed(2).padStart(16)}  ${(r.wall - r.cellSeconds).toFixed(2).padStart(7)}  ${predicted.toFixed(2).padStart(20)}  ${old.toFixed(2).padStart(17)}`);
}
console.log(`\nconstants for engine/scale/plan.ts:`);
for (const [name, value] of Object.entries(fitted)) console.log(`  ${JSON.stringify(name)}: ${value.toExponential(1)},`);
if (rsaPerDraw !== undefined) console.log(`  RSA_SECONDS_PER_DRAW_PAIR = ${rsaPerDraw.toExponential(1)}`);
if (starts.length) console.log(`  PROCESS_START_SECONDS = ${start.toFixed(1)}   (median of ${starts.map((s) => s.toFixed(2)).join(', ')})`);
