/** Which python3 runs the peers: one with numpy + scipy (+ scikit-learn for the ridge peer). */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface PythonInfo {
  path: string;
  numpy: string;
  scipy: string;
  sklearn?: string;
  /** OpenBLAS kernel set numpy picked (openblas_get_corename), when it could be read. */
  blasCore?: string;
  /** Environment the peers run with (OPENBLAS_CORETYPE when OpenBLAS misdetected the CPU). */
  env: Record<string, string>;
}

/**
 * The OpenBLAS core numpy uses, read from the loaded library. OpenBLAS 0.3.21 (Debian 12) does not
 * recognise some virtual CPUs and falls back to its generic SSE3 'Prescott' kernels, several times
 * slower than the AVX2/AVX-512 ones the CPU supports; a benchmark against that would flatter us.
 */
const CORE_PROBE = [
  'import ctypes, re',
  'core = None',
  'for line in open("/proc/self/maps"):',
  '    m = re.search(r"(/\\S*openblas\\S*\\.so\\S*)", line)',
  '    if m:',
  '        try:',
  '            lib = ctypes.CDLL(m.group(1)); lib.openblas_get_corename.restype = ctypes.c_char_p; core = lib.openblas_get_corename().decode(); break',
  '        except Exception:',
  '            pass',
  'out["blasCore"] = core',
].join('\n');

function probe(path: string): PythonInfo | undefined {
  const code =
    'import json\nout={}\nimport numpy, scipy\nout["numpy"]=numpy.__version__\nout["scipy"]=scipy.__version__\n' +
    'try:\n import sklearn\n out["sklearn"]=sklearn.__version__\nexcept Exception:\n pass\n' +
    'numpy.ones((64, 64)) @ numpy.ones((64, 64))\n' +
    CORE_PROBE +
    '\nprint(json.dumps(out))';
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  const run = spawnSync(path, ['-c', code], { encoding: 'utf8', env });
  if (run.status !== 0) return undefined;
  const info = JSON.parse(run.stdout) as Omit<PythonInfo, 'path' | 'env'>;
  const peerEnv: Record<string, string> = {};
  const flags = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  if (info.blasCore && /^(Prescott|Core2|Nehalem|Katmai|Coppermine|Northwood|Banias|Atom)$/i.test(info.blasCore)) {
    if (/ avx512f /.test(flags) && / avx512vl /.test(flags)) peerEnv.OPENBLAS_CORETYPE = 'SkylakeX';
    else if (/ avx2 /.test(flags)) peerEnv.OPENBLAS_CORETYPE = 'Haswell';
  }
  return { path, ...info, env: peerEnv };
}

/** SIMSPEC_BENCH_PYTHON, else Debian's /usr/bin/python3 (has sklearn when python3-sklearn is installed), else python3. */
export function findPython(): { all?: PythonInfo; numpyOnly?: PythonInfo } {
  const candidates = [process.env.SIMSPEC_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  const found = candidates.map(probe).filter((p): p is PythonInfo => !!p);
  return { all: found.find((p) => p.sklearn), numpyOnly: found[0] };
}
