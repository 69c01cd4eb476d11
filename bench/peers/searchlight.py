"""rsatoolbox's searchlight on the data bench/searchlight.ts writes (the peer; rsatoolbox on PYTHONPATH).

argv: folder radius centres-to-run. Times get_volume_searchlight over the whole mask, then
get_searchlight_RDMs + evaluate_models_searchlight(eval_fixed, 'spearman') on the first N centres;
prints one JSON line (times, peak RSS from getrusage, the values on those centres) and writes
centres.json (their C-order voxel indices).
"""
import json
import resource
import sys
import time
import os
import contextlib
import numpy as np

folder, radius, run_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
import rsatoolbox
from rsatoolbox.util.searchlight import get_volume_searchlight, get_searchlight_RDMs, evaluate_models_searchlight
from rsatoolbox.inference import eval_fixed
from rsatoolbox.model import ModelFixed
from rsatoolbox.rdm import RDMs

data = np.load(os.path.join(folder, 'data.npy'))
mask = np.load(os.path.join(folder, 'mask.npy'))
layers = np.load(os.path.join(folder, 'layers.npy'))
models = [ModelFixed(f'layer{k}', RDMs(layers[k:k + 1])) for k in range(layers.shape[0])]

with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null), contextlib.redirect_stderr(null):
    t = time.perf_counter()
    centers, neighbors = get_volume_searchlight(mask, radius=radius, threshold=0.0, truncate_at_boundary=True)
    spheres_s = time.perf_counter() - t
    ran = min(run_count, len(centers))
    t = time.perf_counter()
    sl = get_searchlight_RDMs(data, centers[:ran], neighbors[:ran], np.arange(data.shape[0]), method='correlation', verbose=False)
    rdms_s = time.perf_counter() - t
    t = time.perf_counter()
    res = evaluate_models_searchlight(sl, models, eval_fixed, method='spearman')
    eval_s = time.perf_counter() - t

values = [np.squeeze(r.evaluations).tolist() for r in res]
json.dump([int(c) for c in centers[:ran]], open(os.path.join(folder, 'centres.json'), 'w'))
blas = None
try:
    import ctypes, re
    for line in open('/proc/self/maps'):
        m = re.search(r'(/\S*openblas\S*\.so\S*)', line)
        if m:
            lib = ctypes.CDLL(m.group(1)); lib.openblas_get_corename.restype = ctypes.c_char_p; blas = lib.openblas_get_corename().decode(); break
except Exception:
    pass
print(json.dumps({'centres': len(centers), 'spheres_s': spheres_s, 'ran': ran, 'rdms_s': rdms_s, 'eval_s': eval_s,
                  'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'values': values,
                  'rsatoolbox': getattr(rsatoolbox, '__version__', 'git'), 'blas': blas}))
