/** Which python3 runs the peers: one with numpy + scipy (+ scikit-learn for the ridge peer). */
import { spawnSync } from 'node:child_process';

export interface PythonInfo {
  path: string;
  numpy: string;
  scipy: string;
  sklearn?: string;
  /** OpenBLAS kernel set numpy picked (openblas_get_corename) in the peers' environment, when it could be read. */
  blasCore?: string;
}

/**
 * OpenBLAS variables that pin its kernels. Some machines set them to older cores (this VM's
 * environment carries OPENBLAS_CORETYPE=Haswell and OPENBLAS_L2_SIZE=512 on an AVX-512 CPU), which
 * would make the peers slower than they are for a user: the peers always run without them, so
 * OpenBLAS picks its kernels by itself, and the bench prints which core it picked.
 */
export const PINNING_VARIABLES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

/** The variables of PINNING_VARIABLES set in this process's environment (reported, then removed for the peers). */
export function pinnedInEnvironment(): string[] {
  return PINNING_VARIABLES.filter((v) => process.env[v] !== undefined).map((v) => `${v}=${process.env[v]}`);
}

/** The environment every peer runs in: ours minus the pinning variables, with `threads` BLAS threads. */
export function peerEnvironment(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  for (const v of PINNING_VARIABLES) delete env[v];
  return env;
}

/** The OpenBLAS core numpy uses, read from the loaded library. */
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
  const run = spawnSync(path, ['-c', code], { encoding: 'utf8', env: peerEnvironment(1) });
  if (run.status !== 0) return undefined;
  return { path, ...(JSON.parse(run.stdout) as Omit<PythonInfo, 'path'>) };
}
/** SIMSPEC_BENCH_PYTHON, else Debian's /usr/bin/python3 (has sklearn when python3-sklearn is installed), else python3. */
export function findPython(): { all?: PythonInfo; numpyOnly?: PythonInfo } {
  const candidates = [process.env.SIMSPEC_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  const found = candidates.map(probe).filter((p): p is PythonInfo => !!p);
  return { all: found.find((p) => p.sklearn), numpyOnly: found[0] };
}
