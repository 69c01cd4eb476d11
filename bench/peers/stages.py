"""Stage timer shared by the peer scripts: `with stage("load"): ...` adds the block's wall time to
stages["load"]; the scripts print `stages` beside their values so that bench/run.ts shows the same
breakdown (load, products, decompositions, resampling, metric) for the peers as for simspec.
Blocks are not nested."""
import time
from contextlib import contextmanager

stages = {}

@contextmanager
def stage(name):
    started = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - started
