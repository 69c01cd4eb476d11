"""W1 peer: correlation-distance RDMs (1 - Pearson r between stimulus patterns, as rsatoolbox
calc_rdm(method='correlation') and scipy pdist 'correlation'), Spearman between the condensed RDMs
(scipy.stats.spearmanr), and a stimulus bootstrap (resample stimuli with replacement; pairs of
identical resampled stimuli dropped, as rsatoolbox's pattern bootstrap).
Usage: python3 rsa.py CONFIG_JSON -> JSON {values: {...}}"""
import json, sys
import numpy as np
from scipy.stats import spearmanr
from stages import stage, stages

cfg = json.loads(sys.argv[1])
def rdm(path):
    with stage("load"):
        x = np.load(path)
    with stage("products"):
        return 1.0 - np.corrcoef(x)

values = {}
rdms = {}
for comp in cfg["comparisons"]:
    for layer, lpath in comp["layers"].items():
        if lpath not in rdms: rdms[lpath] = rdm(lpath)
        for region, rpath in comp["regions"].items():
            if rpath not in rdms: rdms[rpath] = rdm(rpath)
            a, b = rdms[lpath], rdms[rpath]
            iu = np.triu_indices(a.shape[0], 1)
            with stage("metric"):
                values[f"{comp['name']}/{layer}/{region}"] = float(spearmanr(a[iu], b[iu])[0])
            boots = comp.get("bootstrap", 0)
            if boots:
              with stage("resampling"):
                rng = np.random.default_rng(comp.get("seed", 0))
                n = a.shape[0]
                stats = []
                for _ in range(boots):
                    idx = rng.integers(0, n, n)
                    sa, sb = a[np.ix_(idx, idx)][iu], b[np.ix_(idx, idx)][iu]
                    keep = idx[iu[0]] != idx[iu[1]]
                    stats.append(spearmanr(sa[keep], sb[keep])[0])
                values[f"{comp['name']}/{layer}/{region}#bootstrap_sd"] = float(np.std(stats))
print(json.dumps({"values": values, "stages": stages}))
