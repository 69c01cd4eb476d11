"""W2 peer: generalized shape metric LinearMetric(alpha, center_columns=True, zero_pad=True,
score_method='angular') of netrep 0.0.2 under 5-fold CV (contiguous folds, sklearn KFold without
shuffle): fit on the training rows, score the held-out rows, mean over folds. Uses netrep itself when
NETREP_SRC names its source folder; otherwise this numpy transcription of netrep's algorithm
(p×p scatter, eigh whitening with eigenvalues clipped at 1e-7 and preserve_variance, SVD of XwᵀYw).
Usage: python3 shape.py CONFIG_JSON -> JSON {values: {...}}"""
import json, os, sys
import numpy as np
from stages import stage, stages

cfg = json.loads(sys.argv[1])
if os.environ.get("NETREP_SRC"):
    sys.path.insert(0, os.environ["NETREP_SRC"])
    from netrep.metrics import LinearMetric
else:
    LinearMetric = None

def whiten(x, alpha):
    c = x.T @ x
    e, v = np.linalg.eigh(c)
    e[e < 1e-7] = 1e-7
    d = alpha + (1 - alpha) * e ** -0.5
    z = (v * d) @ v.T
    new_var = np.sum(alpha ** 2 * e + 2 * alpha * (1 - alpha) * e ** 0.5 + (1 - alpha) ** 2)
    return x @ z * np.sqrt(np.sum(e) / new_var), z * np.sqrt(np.sum(e) / new_var)

class NumpyLinearMetric:
    def __init__(self, alpha): self.alpha = alpha
    def _pad(self, x, y):
        p = max(x.shape[1], y.shape[1])
        pad = lambda m: np.pad(m, ((0, 0), (0, p - m.shape[1])))
        return pad(x), pad(y)
    def fit(self, x, y):
        x, y = self._pad(x, y)
        self.mx, self.my = x.mean(0), y.mean(0)
        xw, self.zx = whiten(x - self.mx, self.alpha)
        yw, self.zy = whiten(y - self.my, self.alpha)
        u, _, vt = np.linalg.svd(xw.T @ yw, full_matrices=False)
        self.wx, self.wy = u, vt.T
        return self
    def score(self, x, y):
        x, y = self._pad(x, y)
        xa = (x - self.mx) @ self.zx @ self.wx
        ya = (y - self.my) @ self.zy @ self.wy
        c = np.sum(xa * ya) / (np.linalg.norm(xa) * np.linalg.norm(ya))
        return float(np.arccos(np.clip(c, -1, 1)))

def folds(n, k):
    sizes = np.full(k, n // k); sizes[: n % k] += 1
    start = 0
    for s in sizes:
        test = np.arange(start, start + s); start += s
        yield np.setdiff1d(np.arange(n), test), test

values = {}
for comp in cfg["comparisons"]:
    for layer, lpath in comp["layers"].items():
        with stage("load"):
            x = np.load(lpath)
        for region, rpath in comp["regions"].items():
            with stage("load"):
                y = np.load(rpath)
            scores = []
            for train, test in folds(x.shape[0], comp.get("folds", 5)):
                if LinearMetric is not None:
                    m = LinearMetric(alpha=comp["alpha"], center_columns=True, zero_pad=True, score_method="angular")
                else:
                    m = NumpyLinearMetric(comp["alpha"])
                # The fit: p×p scatters, their eigh whitening and the SVD (products inside).
                with stage("decompositions"):
                    m.fit(x[train], y[train])
                with stage("metric"):
                    scores.append(m.score(x[test], y[test]))
            values[f"{comp['name']}/{layer}/{region}"] = float(np.mean(scores))
print(json.dumps({"values": values, "stages": stages}))
