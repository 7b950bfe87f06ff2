"""Execution backends: the same engines run elsewhere than in one process.

- :mod:`coordnet.backends.dask`: the co-action engine on a Dask cluster
  (:func:`~coordnet.backends.dask.run_coaction_dask`), partitioned by target, with identical
  edges to the local backend. Needs the ``dask`` extra: ``pip install 'coordnet[dask]'``.

Backend modules import their optional dependencies lazily, so importing this package never
fails on a machine without them.
"""
