"""numpy side of the kernel table (bench/kernels.ts): median wall time of X@X.T (syrk), X@Y.T (gemm),
X.T@Y and numpy.linalg.eigh/eigvalsh, at the thread count the caller set in OPENBLAS_NUM_THREADS.
Usage: python3 kernels.py   -> JSON on stdout."""
import json, os, sys, time
import numpy as np

def median_time(f, repeats=3):
    f()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

cfg = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
rng = np.random.default_rng(0)
out = {"numpy": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
for n, p in cfg.get("gram", [[1000, 4096], [1000, 20000]]):
    x = rng.random((n, p)) - 0.5
    out[f"gram {n}x{p}"] = median_time(lambda: x @ x.T)
    y = x.copy()
    out[f"gemm {n}x{p}"] = median_time(lambda: x @ y.T)
for n, p in cfg.get("xty", [[1000, 4096]]):
    x = rng.random((n, p)) - 0.5; y = rng.random((n, p)) - 0.5
    out[f"xty {n}x{p}"] = median_time(lambda: x.T @ y)
for n in cfg.get("eigh", [500, 1000]):
    a = rng.random((n, n)) - 0.5; a = a + a.T
    out[f"eigh {n}"] = median_time(lambda: np.linalg.eigh(a))
    out[f"eigvalsh {n}"] = median_time(lambda: np.linalg.eigvalsh(a))
print(json.dumps(out))
