"""W5 peer part: orthogonal Procrustes shape distance, netrep 0.0.2 LinearMetric(alpha=1,
center_columns=True, zero_pad=True, score_method='angular').fit_score(X, Y) on all stimuli:
θ = arccos(‖X̃ᵀỸ‖_* / (‖X̃‖_F‖Ỹ‖_F)) after centring and zero padding. netrep forms the p×q product
and its SVD (here numpy; netrep itself when NETREP_SRC is set).
Usage: python3 procrustes.py CONFIG_JSON -> JSON {values: {...}}"""
import json, os, sys
import numpy as np
from stages import stage, stages

cfg = json.loads(sys.argv[1])
if os.environ.get("NETREP_SRC"):
    sys.path.insert(0, os.environ["NETREP_SRC"])
    from netrep.metrics import LinearMetric
else:
    LinearMetric = None

values = {}
for comp in cfg["comparisons"]:
    for layer, lpath in comp["layers"].items():
        with stage("load"):
            x = np.load(lpath)
        for region, rpath in comp["regions"].items():
            with stage("load"):
                y = np.load(rpath)
            if LinearMetric is not None:
                with stage("metric"):
                    d = LinearMetric(alpha=1.0, center_columns=True, zero_pad=True, score_method="angular").fit_score(x, y)
            else:
                with stage("products"):
                    xc, yc = x - x.mean(0), y - y.mean(0)
                    cross = xc.T @ yc
                with stage("decompositions"):
                    nuc = np.linalg.svd(cross, compute_uv=False).sum()
                d = np.arccos(np.clip(nuc / (np.linalg.norm(xc) * np.linalg.norm(yc)), -1, 1))
            values[f"{comp['name']}/{layer}/{region}"] = float(d)
print(json.dumps({"values": values, "stages": stages}))
