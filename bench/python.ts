/** Which python3 runs the peers: one with numpy + scipy (+ scikit-learn for the ridge peer). */
import { spawnSync } from 'node:child_process';

export interface PythonInfo {
  path: string;
  numpy: string;
  scipy: string;
  sklearn?: string;
}

function probe(path: string): PythonInfo | undefined {
  const code =
    'import json\nout={}\nimport numpy, scipy\nout["numpy"]=numpy.__version__\nout["scipy"]=scipy.__version__\n' +
    'try:\n import sklearn\n out["sklearn"]=sklearn.__version__\nexcept Exception:\n pass\nprint(json.dumps(out))';
  const run = spawnSync(path, ['-c', code], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  return { path, ...(JSON.parse(run.stdout) as Omit<PythonInfo, 'path'>) };
}

/** SIMSPEC_BENCH_PYTHON, else Debian's /usr/bin/python3 (has sklearn when python3-sklearn is installed), else python3. */
export function findPython(): { all?: PythonInfo; numpyOnly?: PythonInfo } {
  const candidates = [process.env.SIMSPEC_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  const found = candidates.map(probe).filter((p): p is PythonInfo => !!p);
  return { all: found.find((p) => p.sklearn), numpyOnly: found[0] };
}
