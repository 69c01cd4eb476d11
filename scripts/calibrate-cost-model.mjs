#!/usr/bin/env node
// Calibrates engine/scale/plan.ts's cost model: for each cost class, seconds per unit of work as the
// ratio of the sums of measured seconds (a one-process run's <output>.run.json) and of the model's
// units (`simspec plan --json`). Usage: node scripts/calibrate-cost-model.mjs SPEC RESULTS.run.json
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
const [spec, facts] = process.argv.slice(2);
const plan = JSON.parse(execFileSync(process.execPath, [resolve('bin/simspec.js'), 'plan', spec, '--json'], { encoding: 'utf8' }));
const run = JSON.parse(readFileSync(facts, 'utf8'));
const measured = new Map(run.scores.map((s) => [`${s.comparison}\u0000${s.layer}\u0000${s.region}`, s.milliseconds / 1000]));
const sums = new Map();
for (const cell of plan.cells) {
  const actual = measured.get(cell.key);
  if (actual === undefined) continue;
  const s = sums.get(cell.costClass) ?? { seconds: 0, units: 0, cells: 0, predicted: 0 };
  s.seconds += actual; s.units += cell.units; s.cells++; s.predicted += cell.seconds;
  sums.set(cell.costClass, s);
}
for (const [name, s] of sums) console.log(`${name.padEnd(16)} ${String(s.cells).padStart(3)} cells  measured ${s.seconds.toFixed(2)} s  predicted ${s.predicted.toFixed(2)} s  fitted ${(s.seconds / s.units).toExponential(2)} s/unit`);
