/**
 * The `simspec` command as users run it (the built bundle through bin/simspec.js): exit codes,
 * error lines without stack traces, reference cases through `score --case`, atomic results and a
 * clean Ctrl-C. `npm test` builds the bundle before running the tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertWithinTolerance, referenceCases } from '../helpers/referenceCases';

const BIN = resolve('bin/simspec.js');

function simspec(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?/, `stack trace in output:\n${text}`);
}

test('check: four problems with line:col and exit code 1', () => {
  const { code, stdout } = simspec(['check', 'test/fixtures/specs/four-problems.simspec.yaml']);
  assert.equal(code, 1);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 4, stdout);
  const spec = 'test/fixtures/specs/four-problems.simspec.yaml';
  assert.match(lines[0]!, new RegExp(`^${spec}:5:20: error: File not found`));
  assert.match(lines[1]!, new RegExp(`^${spec}:7:83: error: .*'arr_1'.*available: arr_0`));
  assert.match(lines[2]!, new RegExp(`^${spec}:8:18: error: Region \`EVC92\` has 92 stimuli but model conv1 has 78`));
  assert.match(lines[3]!, new RegExp(`^${spec}:12:14: error: \`spearmann\` is not a valid value.*Did you mean \`spearman\``));
});

test('check: a clean sample exits 0', () => {
  const { code, stdout } = simspec(['check', 'samples/kriegeskorte2008/kriegeskorte2008.simspec.yaml']);
  assert.equal(code, 0);
  assert.equal(stdout, '');
});

test('run: prints the table with mIT vs hIT Pearson r 0.4912 and writes the results file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-run-'));
  const out = join(dir, 'results.json');
  const { code, stdout, stderr } = simspec(['run', 'samples/kriegeskorte2008/kriegeskorte2008.simspec.yaml', '--comparison', 'mIT_vs_hIT_pearson', '--out', out]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /mIT_vs_hIT_pearson\s+mIT\s+hIT\s+0\.4912/);
  const results = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(results.format, 'simspec-results');
  assert.equal(results.scores.length, 1);
  assert.ok(Math.abs(results.scores[0].value - 0.49121) < 5e-6);
  assert.match(results.spec.sha256, /^[0-9a-f]{64}$/);
  // The results file and its sidecar of run facts (engine/run/results.ts splitRunFacts), no temporary file.
  assert.deepEqual(readdirSync(dir).sort(), ['results.json', 'results.json.run.json'], 'no temporary files left behind');
});

test('score --metric rsa compares two files directly', () => {
  const { code, stdout } = simspec(['score', '--metric', 'rsa', '--param', 'compare=pearson', 'samples/kriegeskorte2008/data/derived/rdm_mIT_674neurons.npy', 'samples/kriegeskorte2008/data/derived/rdm_hIT_316voxels.npy']);
  assert.equal(code, 0);
  assert.ok(Math.abs(JSON.parse(stdout).value - 0.49121) < 5e-6);
});

// Every reference case in the fixtures, through the command line, within the case's tolerance.
const cases = referenceCases();

test(`score --case reproduces all ${cases.length} reference cases`, async (t) => {
  for (const { dir, expected } of cases) {
    await t.test(expected.name, () => {
      const { code, stdout, stderr } = simspec(['score', '--case', dir]);
      assert.equal(code, 0, stderr);
      assertWithinTolerance(JSON.parse(stdout).value, expected.value, expected.tolerance, expected.name);
    });
  }
});

test('bad inputs end in one error line and a non-zero exit, never a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-bad-'));
  writeFileSync(join(dir, 'truncated.npy'), readFileSync('samples/kriegeskorte2008/data/derived/rdm_mIT_674neurons.npy').subarray(0, 500));
  writeFileSync(join(dir, 'bad.simspec.yaml'), 'simspec: 1\nmodel: [\n');
  const runs = [
    simspec(['run', join(dir, 'missing.simspec.yaml')]),
    simspec(['run', join(dir, 'bad.simspec.yaml')]),
    simspec(['score', '--metric', 'rsa', join(dir, 'truncated.npy'), 'samples/kriegeskorte2008/data/derived/rdm_hIT_316voxels.npy']),
    simspec(['score', '--case', dir]),
    simspec(['frobnicate']),
  ];
  for (const run of runs) {
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /error/);
    assertNoStackTrace(run.stderr + run.stdout);
  }
  assert.match(runs[2]!.stderr, /truncated\.npy/);
});

test('Ctrl-C stops a long run cleanly and leaves the earlier results file unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-cancel-'));
  const data = resolve('samples/algonauts2019/data');
  const spec = (samples: number) => `simspec: 1
model:
  layers:
    conv5: { file: ${data}/alexnet_rdms_78images/features.10.npz, key: arr_0, kind: rdm }
brain:
  IT: { file: ${data}/78images/fmri_IT_RDMs.npz, key: arr_0, kind: rdm, subjects: 0 }
comparisons:
  - name: rsa
    metric: rsa
    compare: tau-b
statistics:
  bootstrap: { over: [stimuli, subjects], samples: ${samples}, seed: 1 }
output: results.json
`;
  writeFileSync(join(dir, 'long.simspec.yaml'), spec(2));
  const first = simspec(['run', 'long.simspec.yaml'], dir);
  assert.equal(first.code, 0, first.stderr);
  const before = readFileSync(join(dir, 'results.json'), 'utf8');
  const mtime = statSync(join(dir, 'results.json')).mtimeMs;
  writeFileSync(join(dir, 'long.simspec.yaml'), spec(1_000_000));
  const child = spawn(process.execPath, [BIN, 'run', 'long.simspec.yaml'], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  await new Promise<void>((ready) => {
    const poll = setInterval(() => {
      if (stderr.includes('rsa: conv5 × IT')) {
        clearInterval(poll);
        setTimeout(ready, 500); // well inside the million-sample bootstrap
      }
    }, 50);
  });
  const sent = Date.now();
  child.kill('SIGINT');
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const stopMilliseconds = Date.now() - sent;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /cancelled/);
  // The engine stops itself through the shared cancel flag; termination is only the fallback.
  assert.doesNotMatch(stderr, /terminated/);
  // The worker is terminated 1 s after Ctrl-C if it has not stopped; 5 s only guards against a hang.
  assert.ok(stopMilliseconds < 5000, `stopped after ${stopMilliseconds} ms`);
  console.log(`# Ctrl-C to exit: ${stopMilliseconds} ms`);
  assert.equal(readFileSync(join(dir, 'results.json'), 'utf8'), before);
  assert.equal(statSync(join(dir, 'results.json')).mtimeMs, mtime);
  assert.deepEqual(readdirSync(dir).sort(), ['long.simspec.yaml', 'results.json', 'results.json.run.json']);
});

test('run --threads 2 gives the same numbers as one thread; a bad thread count is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-threads-'));
  const outputs = [1, 2].map((threads) => {
    const out = join(dir, `t${threads}.json`);
    const { code, stderr } = simspec(['run', 'samples/synthetic-encoding/synthetic-encoding.simspec.yaml', '--comparison', 'cka', '--no-cache', '--threads', String(threads), '--out', out]);
    assert.equal(code, 0, stderr);
    return JSON.parse(readFileSync(out, 'utf8')).scores.map((s: { value: number }) => s.value);
  });
  assert.deepEqual(outputs[1], outputs[0]);
  const bad = simspec(['run', 'samples/synthetic-encoding/synthetic-encoding.simspec.yaml', '--threads', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--threads needs a positive integer/);
});
