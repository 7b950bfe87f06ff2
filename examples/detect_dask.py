"""Co-action on Dask: the engine partitioned by target across workers, same edges as in memory.

Usage::

    python examples/detect_dask.py [SIZE]      # SIZE: tiny (default), small, medium, large

Dask is optional (``pip install 'coordnet[dask]'``). The script checks what this installation
offers and says so instead of failing: without Dask, or without coordnet's Dask backend
(:mod:`coordnet.backends.dask`), it prints the reason and exits with status 0. With both, it starts
a local cluster, runs the co-repost and co-link engines on it, checks that the edges equal those
of the in-memory engine, and runs detection.
"""

import importlib
import inspect
import sys
import time

try:
    import dask  # noqa: F401
    from dask.distributed import Client, LocalCluster
except ImportError:
    print("Dask is not installed, so this example does nothing: pip install 'coordnet[dask]'")
    sys.exit(0)

try:
    backend = importlib.import_module("coordnet.backends.dask")
    run_coaction_dask = backend.run_coaction_dask
except (ImportError, AttributeError):
    print("This coordnet has no Dask backend yet (no coordnet.backends.dask.run_coaction_dask); "
          "nothing to run on Dask. detect() runs in memory: see examples/detect_io_archive.py.")
    sys.exit(0)

import pandas as pd

from coordnet.detect import detect
from coordnet.signals.coaction import CoLink, CoRepost
from coordnet.simulate import simulate

size = next((a for a in sys.argv[1:] if a in ("tiny", "small", "medium", "large") or a.isdigit()), "tiny")
scenario = simulate(size=size, seed=0)
print(scenario)
params = inspect.signature(run_coaction_dask).parameters
print(f"run_coaction_dask{inspect.signature(run_coaction_dask)}")

with LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster, Client(cluster) as client:
    for signal in (CoRepost(window=["60s", "1h"]), CoLink(window="10min")):
        t0 = time.perf_counter()
        local = signal.compute(scenario.dataset)
        t_local = time.perf_counter() - t0
        t0 = time.perf_counter()
        kwargs = {"client": client} if "client" in params else {}
        remote = run_coaction_dask(signal, scenario.dataset, **kwargs)
        remote = getattr(remote, "edges", remote)
        t_dask = time.perf_counter() - t0
        keys = [c for c in ("account_a", "account_b", "window") if c in local.columns]
        same = local.sort_values(keys).reset_index(drop=True)[local.columns].equals(
            remote.sort_values(keys).reset_index(drop=True)[local.columns])
        print(f"{signal.signal_name}: {len(local):,} edges in memory ({t_local:.2f} s), {len(remote):,} on Dask "
              f"({t_dask:.2f} s); identical: {same}")
        if not same:
            sys.exit(1)

result = detect(scenario.dataset)
print(result)
print(pd.Series(result.accounts["network_id"].value_counts()).head())
