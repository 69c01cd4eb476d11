"""W3 peer: scikit-learn RidgeCV(alphas, alpha_per_target=...) (exact leave-one-out α selection on
the training rows) under 5-fold CV (contiguous folds, KFold without shuffle); per fold the Pearson r
of each held-out target (scipy pearsonr), median over targets (nanmedian), mean over folds.
Needs scikit-learn (Debian python3-sklearn under /usr/bin/python3).
Usage: python3 ridge.py CONFIG_JSON -> JSON {values: {...}}"""
import json, sys
import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold
from stages import stage, stages

cfg = json.loads(sys.argv[1])

def pearson_columns(a, b):
    a = a - a.mean(0); b = b - b.mean(0)
    return (a * b).sum(0) / np.sqrt((a * a).sum(0) * (b * b).sum(0))

values = {}
for comp in cfg["comparisons"]:
    for layer, lpath in comp["layers"].items():
        with stage("load"):
            x = np.load(lpath)
        for region, rpath in comp["regions"].items():
            with stage("load"):
                y = np.load(rpath)
            per_fold = []
            for train, test in KFold(n_splits=comp.get("folds", 5)).split(x):
                # RidgeCV's fit: the Gram/SVD of the training rows and the leave-one-out search (its products inside).
                with stage("decompositions"):
                    model = RidgeCV(alphas=comp["alphas"], alpha_per_target=comp.get("per_target", False)).fit(x[train], y[train])
                with stage("metric"):
                    r = pearson_columns(y[test], model.predict(x[test]))
                per_fold.append(np.nanmedian(r))
            values[f"{comp['name']}/{layer}/{region}"] = float(np.mean(per_fold))
print(json.dumps({"values": values, "stages": stages}))
