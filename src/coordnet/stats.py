"""Small statistical helpers shared by the signals, fusion and clustering."""

from __future__ import annotations

import numpy as np

__all__ = ["bh_adjust"]


def bh_adjust(p: np.ndarray, m: int | None = None) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of `p` among `m` tests (default ``len(p)``).

    Tests not in `p` count as ``p = 1``: they only enlarge the family, which can only raise q
    (conservative).

    Examples
    --------
    >>> bh_adjust(np.array([0.01, 0.04, 0.03]), m=3).round(3).tolist()
    [0.03, 0.04, 0.04]
    >>> bh_adjust(np.array([0.01, 0.02, 0.03]), m=100).tolist()
    [1.0, 1.0, 1.0]
    """
    p = np.asarray(p, dtype=np.float64)
    n = len(p)
    if n == 0:
        return np.zeros(0)
    m = n if m is None else max(int(m), n)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q
