"""W6 peer: the numpy loop a user writes for RSA with a stimulus bootstrap — correlation-distance
RDMs (1 - np.corrcoef, as rsatoolbox calc_rdm(method='correlation')) of each layer and of the
brain's repeat-averaged responses (np.nanmean over the repeats axis: missing repeats are NaN),
Spearman between the condensed RDMs (scipy.stats.spearmanr), then B bootstrap samples over stimuli
drawn as rsatoolbox's eval_bootstrap_pattern does: np.random.RandomState(seed).randint(0, n, n) per
sample, the same indices for model and brain, pairs of two copies of one stimulus dropped, every
pair read from the upper triangle (the condensed RDM). Each
layer is evaluated with a fresh RandomState(seed), so every layer sees the same draws. The interval
is the percentile interval (np.percentile, linear) of the samples; the standard error is
sqrt(var(ddof=1) * n/(n-1)) (rsatoolbox's bootstrap variance correction).
Usage: python3 rsa_bootstrap.py CONFIG_JSON -> JSON {values: {...}, stages: {...seconds}}"""
import json, sys, time
import numpy as np
from scipy.stats import rankdata

cfg = json.loads(sys.argv[1])
stages = {"load": 0.0, "products": 0.0, "resampling": 0.0, "metric": 0.0}

def timed(stage, f, *args):
    t = time.perf_counter(); out = f(*args); stages[stage] += time.perf_counter() - t
    return out

def load(path):
    x = np.load(path)
    return np.nanmean(x, axis=1) if x.ndim == 3 else x

def spearman(a, b):
    ra, rb = rankdata(a), rankdata(b)
    ra -= ra.mean(); rb -= rb.mean()
    return float(ra @ rb / np.sqrt((ra @ ra) * (rb @ rb)))

values = {}
rdms = {}
for comp in cfg["comparisons"]:
    for layer, lpath in comp["layers"].items():
        for region, rpath in comp["regions"].items():
            for path in (lpath, rpath):
                if path not in rdms:
                    x = timed("load", load, path)
                    rdms[path] = timed("products", lambda: 1.0 - np.corrcoef(x))
            a, b = rdms[lpath], rdms[rpath]
            n = a.shape[0]
            iu = np.triu_indices(n, 1)
            key = f"{comp['name']}/{layer}/{region}"
            values[key] = timed("metric", spearman, a[iu], b[iu])
            boots = comp["bootstrap"]
            rng = np.random.RandomState(comp.get("seed", 0))
            samples = np.empty(boots)
            for s in range(boots):
                t = time.perf_counter()
                idx = rng.randint(0, n, n)
                keep = idx[iu[0]] != idx[iu[1]]
                # Read each pair from the upper triangle, as the condensed RDM holds it: 1 - corrcoef
                # is not exactly symmetric (an ulp apart), and copies of one pair must tie exactly.
                i0, i1 = idx[iu[0]][keep], idx[iu[1]][keep]
                ia, ib = np.minimum(i0, i1), np.maximum(i0, i1)
                sa, sb = a[ia, ib], b[ia, ib]
                stages["resampling"] += time.perf_counter() - t
                samples[s] = timed("metric", spearman, sa, sb)
            values[f"{key}#ci_lower"] = float(np.percentile(samples, 2.5))
            values[f"{key}#ci_upper"] = float(np.percentile(samples, 97.5))
            values[f"{key}#standard_error"] = float(np.sqrt(np.var(samples, ddof=1) * n / (n - 1)))
print(json.dumps({"values": values, "stages": stages}))
