"""W4 peer: debiased linear CKA in numpy (Song et al. 2012 unbiased HSIC on K = XXᵀ, L = YYᵀ of the
raw data, as Kornblith's and Brain-Score's `cka`):
HSIC_u = [tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)), K̃ = K with zero diagonal.
Usage: python3 cka.py CONFIG_JSON -> JSON {values: {...}}"""
import json, sys
import numpy as np
from stages import stage, stages

cfg = json.loads(sys.argv[1])

def hsic_u(k, l):
    n = k.shape[0]
    k = k.copy(); l = l.copy()
    np.fill_diagonal(k, 0); np.fill_diagonal(l, 0)
    kl = k @ l
    return (np.trace(kl) + k.sum() * l.sum() / ((n - 1) * (n - 2)) - 2 / (n - 2) * kl.sum()) / (n * (n - 3))

values = {}
grams = {}
for comp in cfg["comparisons"]:
    for layer, lpath in comp["layers"].items():
        if lpath not in grams:
            with stage("load"):
                x = np.load(lpath)
            with stage("products"):
                grams[lpath] = x @ x.T
        for region, rpath in comp["regions"].items():
            if rpath not in grams:
                with stage("load"):
                    y = np.load(rpath)
                with stage("products"):
                    grams[rpath] = y @ y.T
            k, l = grams[lpath], grams[rpath]
            with stage("metric"):
              values[f"{comp['name']}/{layer}/{region}"] = float(hsic_u(k, l) / np.sqrt(hsic_u(k, k) * hsic_u(l, l)))
print(json.dumps({"values": values, "stages": stages}))
