/**
 * Per-draw cost of the RSA bootstrap at W1's size (1000 stimuli, 499 500 pairs): one model RDM and
 * one brain RDM, `--samples` stimulus draws, Spearman (the rank-once path). Prints ms per draw.
 *   npx tsx bench/rsa-draw.ts [--stimuli=1000] [--samples=50] [--layers=1] [--method=spearman]
 */
import { bootstrapRsa } from '../engine/metrics/rsa/bootstrap';
import { NumpyRandomState } from '../engine/stats/random';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const n = Number(args.stimuli ?? 1000);
const samples = Number(args.samples ?? 50);
const layers = Number(args.layers ?? 1);
const method = args.method ?? 'spearman';
const pairs = (n * (n - 1)) / 2;
const rng = new NumpyRandomState(1);
const vector = () => Float64Array.from({ length: pairs }, () => rng.randomSample());
const brain = vector();
const models = Array.from({ length: layers }, vector);
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const result = bootstrapRsa({ modelRdms: models, subjectRdms: { rows: 1, cols: pairs, data: brain }, method, over: 'stimuli', iterations: samples, seed: 0, noiseCeiling: false });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
// CPU time is the figure to read on a shared machine (wall time there is mostly waiting for a core).
console.log(`${n} stimuli, ${pairs} pairs, ${layers} layer(s), ${method}: ${samples} draws (one presort included) in ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU; ${(cpuMs / samples).toFixed(2)} ms CPU per draw (sem ${result.models[0]!.sem.toExponential(3)})`);
