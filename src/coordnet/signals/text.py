"""Near-duplicate text: posts whose normalized text is nearly the same, grouped into text clusters.

A campaign that pastes one message through many accounts rarely pastes it byte for byte: an emoji
is added, a word swapped, a typo slips in, a different mention, hashtag or shortened link rides
along. This module groups such posts into *text clusters* and hands the clusters to the co-action
engine as one more projection (accounts posting the same text cluster within a window).

How a text is compared
----------------------
1. :func:`coordnet.normalize.normalize_text` strips a leading ``RT @user:``, URLs, mentions and
   hashtags, applies NFKC and casefolds.
2. Punctuation, symbols and emoji become spaces; invisible format characters (zero-width space
   and joiner, soft hyphen, variation selectors, emoji skin-tone modifiers) are deleted; white
   space is collapsed. What remains (letters, marks, digits, single spaces) is the *comparison
   text*. Texts equal at this point are exact copies and are compared once.
3. The comparison text is cut into character shingles (overlapping k-grams of characters,
   spaces included; never whitespace words, so Chinese and Japanese work): k = `shingle`
   (default 5), or `wide_shingle` (default 3) for texts written mostly in East Asian wide
   characters (Chinese, Japanese, Korean), where one character carries about a word.
4. Two texts are *near-duplicates* when the Jaccard similarity of their shingle sets,
   ``|A ∩ B| / |A ∪ B|``, is at least `threshold` (default 0.5). With 5-shingles one typo in a
   60-character text gives about 0.85, a swapped pair of words 0.6 to 0.75, two light edits of a
   short text 0.5 to 0.8; unrelated texts in one language rarely exceed 0.15.

How pairs are found at scale (``method="minhash"``)
---------------------------------------------------
Each distinct comparison text gets a MinHash signature of `num_perm` values (Broder 1997; all
shingles of all texts are hashed in a few numpy passes per permutation, no Python loop per text).
Locality-sensitive hashing by banding (Leskovec, Rajaraman & Ullman, *Mining of Massive
Datasets*, ch. 3) proposes candidate pairs: signatures are cut into ``b`` bands of ``r`` rows,
with ``r`` the largest number of rows that still proposes a pair at Jaccard = `threshold` with
probability >= 0.85 (``r = 4, b = 32`` for the defaults). Texts sharing a band bucket become
candidates (all pairs in buckets of up to 8 texts; in larger buckets each text is paired with the
bucket's top text and its neighbour, which bounds the work on huge campaigns). A candidate's
Jaccard is estimated from the signatures (standard error about 0.045 at 0.5 with 128
permutations): estimates at least 0.15 above `threshold` are kept, at least 0.15 below dropped,
and those in between settled with the exact Jaccard of the shingle sets. ``method="exact"``
compares every pair of distinct texts with the exact Jaccard instead (quadratic: for collections
up to some tens of thousands of distinct texts, and as a reference).

Clusters
--------
Texts are ranked by how many distinct accounts posted them (then posts, then a content hash).
Clusters are stars: going down the ranking, a text that is not yet in a cluster becomes a
representative, and every unclustered text similar to it joins it. So every member is within
`threshold` of its cluster's representative (the ``similarity`` column, always exact): clusters
never chain (A ~ B ~ C ... ~ Z with A and Z unrelated), and the representative is the most widely
posted form.

What is never clustered
-----------------------
Texts whose comparison text is shorter than `min_chars` (characters without spaces, East Asian
wide characters counting two; default 25), texts made only of URLs, mentions, hashtags, emoji or
punctuation, texts whose shingles repeat (``haha haha haha ...``: fewer distinct shingles than
half their length) and, unless asked, reposts (a repost copies its original: that is co-repost
evidence, not copied text). Their ``text_cluster`` is missing and ``note`` says why.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ParameterError, SchemaError
from ..normalize import normalize_text
from ..schema import STRING_DTYPE, TIMESTAMP_DTYPE
from .base import check_number
from .coaction import CoAction

logger = logging.getLogger(__name__)

__all__ = [
    "CLUSTER_COLUMNS",
    "CoSimilarText",
    "NOTES",
    "band_parameters",
    "comparison_text",
    "near_duplicate_clusters",
    "near_duplicate_projection",
]

#: Why a post has no text cluster (the ``note`` column).
NOTES = ("empty", "no_words", "short", "repetitive", "repost")
_NOTE_DTYPE = pd.CategoricalDtype(list(NOTES))

#: Columns of :func:`near_duplicate_clusters`' output and their dtypes.
CLUSTER_COLUMNS: dict[str, object] = {
    "post_id": STRING_DTYPE,
    "text_cluster": STRING_DTYPE,
    "cluster_posts": pd.Int64Dtype(),
    "cluster_texts": pd.Int64Dtype(),
    "cluster_accounts": pd.Int64Dtype(),
    "similarity": pd.Float64Dtype(),
    "representative": STRING_DTYPE,
    "note": _NOTE_DTYPE,
}

_ACTION_COLUMNS: dict[str, object] = {
    "account_id": STRING_DTYPE,
    "target": STRING_DTYPE,
    "timestamp": TIMESTAMP_DTYPE,
    "post_id": STRING_DTYPE,
}

_METHODS = ("minhash", "exact")
_ALL_PAIRS_BUCKET = 8        # buckets up to this size give all their pairs
_BAND_RECALL = 0.85          # P(candidate | Jaccard = threshold) the banding must reach
_CHUNK_SHINGLES = 4_000_000  # characters or shingles per chunk (working memory ~ 50 bytes each)
_CHUNK_PAIRS = 250_000       # candidate pairs verified per chunk
_EXACT_WARN = 50_000         # distinct texts above which method="exact" warns
_VERIFY_MARGIN = 0.15        # estimates this close to the threshold are checked exactly

# Character classes of the comparison text.
_DROP, _SPACE, _NARROW, _WIDE = 0, 1, 2, 3

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)


# ---------------------------------------------------------------------------------------------
# Comparison text
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Class of every code point: dropped, space, narrow or wide character (built once)."""
    import unicodedata

    table = np.full(0x110000, _NARROW, dtype=np.uint8)  # unassigned / private use: kept
    for block in (range(0x0, 0x40000), range(0xE0000, 0xE1000)):
        for cp in block:
            ch = chr(cp)
            cat = unicodedata.category(ch)
            c0 = cat[0]
            if (cat in ("Cf", "Cs", "Me") or 0x1F3FB <= cp <= 0x1F3FF or 0xFE00 <= cp <= 0xFE0F
                    or 0xE0100 <= cp <= 0xE01EF):
                # Invisible formatting, lone surrogates, enclosing marks, emoji skin tones,
                # variation selectors: deleted, so "he\u200bllo" reads "hello".
                table[cp] = _DROP
            elif c0 in "PSZ" or cat == "Cc":
                table[cp] = _SPACE
            elif unicodedata.east_asian_width(ch) in ("W", "F"):
                table[cp] = _WIDE
    return table


def _to_codepoints(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one uint32 code-point array, plus each text's start offset (len n + 1)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    joined = "".join(texts).encode("utf-32-le", errors="surrogatepass")
    return np.frombuffer(joined, dtype=np.uint32), offsets


def _from_codepoints(cp: np.ndarray, offsets: np.ndarray) -> list[str]:
    joined = cp.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", errors="surrogatepass")
    off = offsets.tolist()
    return [joined[a:b] for a, b in zip(off[:-1], off[1:], strict=True)]


def _clean_chunk(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    n = len(texts)
    cp, offsets = _to_codepoints(texts)
    if cp.size == 0:
        return [""] * n, np.zeros(n, np.int64), np.zeros(n, np.int64)
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    cls = _char_classes()[cp]
    keep = cls != _DROP
    cp, doc, cls = cp[keep], doc[keep], cls[keep]
    is_sp = cls == _SPACE
    # A space survives when the character before it (same text) is not a space and a non-space
    # character follows later in the same text: runs collapse, both ends are trimmed.
    prev_ok = np.zeros(cp.size, dtype=bool)
    if cp.size > 1:
        prev_ok[1:] = (~is_sp[:-1]) & (doc[1:] == doc[:-1])
    pos = np.arange(cp.size, dtype=np.int64)
    last_char = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_char, doc[~is_sp], pos[~is_sp])
    keep = ~is_sp | (prev_ok & (pos < last_char[doc]))
    cp, doc, cls = cp[keep], doc[keep], cls[keep]
    cp = np.where(cls == _SPACE, np.uint32(32), cp).astype(np.uint32)
    new_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc, minlength=n), out=new_off[1:])
    narrow = np.bincount(doc[cls == _NARROW], minlength=n)
    wide = np.bincount(doc[cls == _WIDE], minlength=n)
    return _from_codepoints(cp, new_off), narrow, wide


def _clean(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Comparison texts of already-normalized texts, vectorized over chunks of texts.

    Returns the comparison texts and the count of narrow and of wide characters of each.
    """
    out: list[str] = []
    narrow, wide = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    lengths = np.cumsum(np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)))
    lo = 0
    while lo < len(texts):
        base = lengths[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(lengths, base + _CHUNK_SHINGLES, side="right")), lo + 1)
        got, a, b = _clean_chunk(texts[lo:hi])
        out.extend(got)
        narrow.append(a)
        wide.append(b)
        lo = hi
    return out, np.concatenate(narrow), np.concatenate(wide)


def comparison_text(text: str | None) -> str:
    """The text near-duplicates are compared on (steps 1 and 2 of the module's description).

    Examples
    --------
    >>> comparison_text("RT @bot1: Hong-Kong's police 👍🏽 did well!! https://t.co/x #HK")
    'hong kong s police did well'
    >>> comparison_text("香港警察，辛苦了！")
    '香港警察 辛苦了'
    """
    return _clean([normalize_text(text, strip_hashtags=True)])[0][0]


# ---------------------------------------------------------------------------------------------
# Shingles and MinHash
# ---------------------------------------------------------------------------------------------


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: a well-mixed 64-bit hash of each value."""
    x = x ^ (x >> _U64(30))
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ranges ``starts[i] .. starts[i] + lengths[i] - 1``."""
    lengths = lengths.astype(np.int64, copy=False)
    begin = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64, copy=False) - begin, lengths) + np.arange(
        int(lengths.sum()), dtype=np.int64)


def _coefs(seed: int, kmax: int) -> np.ndarray:
    """Odd 64-bit multipliers of the shingle hash (one per character position, one for k)."""
    rng = np.random.default_rng([seed, 0x5EED])
    return rng.integers(1, 2**63, size=kmax + 1, dtype=np.uint64) | _U64(1)


def _shingle_hashes(cp: np.ndarray, offsets: np.ndarray, k: np.ndarray, coef: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hash of every character k-gram of every text (k per text).

    Returns the hashes and the start of each text's run of hashes (len n + 1). A text shorter
    than its k gives one shingle: the whole text. The hash of a k-gram is a random linear form
    of its code points, finished with splitmix64's mixer.
    """
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    count = np.maximum(lengths - k + 1, 1)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=starts[1:])
    out = np.empty(int(starts[-1]), dtype=np.uint64)
    cp64 = np.concatenate([cp.astype(np.uint64) + _U64(1), np.zeros(1, np.uint64)])
    total = cp.size
    for kv in np.unique(k).tolist():
        tail = _U64((kv * int(coef[-1])) % 2**64)
        docs = np.flatnonzero((k == kv) & (lengths >= kv))
        if docs.size:
            span = total - kv + 1
            h = cp64[:span] * coef[0]
            for j in range(1, kv):
                h += cp64[j:j + span] * coef[j]
            out[_ragged(starts[docs], count[docs])] = h[_ragged(offsets[docs], count[docs])] + tail
        short = np.flatnonzero((k == kv) & (lengths < kv))
        if short.size:  # the whole text is its one shingle
            h = np.full(short.size, tail, dtype=np.uint64)
            for j in range(kv):
                inside = j < lengths[short]
                idx = np.where(inside, offsets[short] + j, total)
                h += cp64[idx] * coef[j] * inside.astype(np.uint64)
            out[starts[short]] = h
    return (_mix64(out) >> _U64(32)).astype(np.uint32), starts


def _minhash(texts: list[str], k: np.ndarray, num_perm: int, seed: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (low 16 bits of each minimum, b-bit MinHash) and the estimated number
    of distinct shingles of each text. Texts are processed in chunks of about
    ``_CHUNK_SHINGLES`` shingles; inside a chunk, one numpy pass per permutation. The
    permutations are ``x -> a x + b mod 2**32`` (odd ``a``) of the mixed 32-bit shingle hashes."""
    coef = _coefs(seed, int(k.max(initial=1)))
    rng = np.random.default_rng([seed, 0x9E2])
    a = (rng.integers(0, 2**31, size=num_perm, dtype=np.uint64) * _U64(2) + _U64(1)).astype(np.uint32)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    n = len(texts)
    sig = np.empty((n, num_perm), dtype=np.uint16)
    distinct = np.empty(n, dtype=np.float64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    work = np.cumsum(np.maximum(lengths - k + 1, 1))
    lo = 0
    while lo < n:
        base = work[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(work, base + _CHUNK_SHINGLES, side="right")), lo + 1)
        cp, offsets = _to_codepoints(texts[lo:hi])
        x, starts = _shingle_hashes(cp, offsets, k[lo:hi], coef)
        seg = starts[:-1]
        buf = np.empty_like(x)
        mins = np.empty((num_perm, hi - lo), dtype=np.uint32)
        for i in range(num_perm):
            np.multiply(x, a[i], out=buf)
            buf += b[i]
            np.minimum.reduceat(buf, seg, out=mins[i])
        sig[lo:hi] = mins.T.astype(np.uint16)
        # k minimum values of uniform hashes: E[min] = 1 / (d + 1).
        acc = ((mins.astype(np.float64) + 0.5) / 2.0**32).sum(axis=0)
        distinct[lo:hi] = num_perm / acc - 1.0
        lo = hi
    return sig, distinct


def _pair_jaccard(texts: list[str], k: np.ndarray, u: np.ndarray, v: np.ndarray, seed: int
                  ) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of texts ``u[i]`` and ``v[i]``."""
    out = np.empty(u.size, dtype=np.float64)
    if u.size == 0:
        return out
    docs, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    iu, iv = inv[:u.size], inv[u.size:]
    coef = _coefs(seed, int(k.max(initial=1)))
    cp, offsets = _to_codepoints([texts[i] for i in docs.tolist()])
    x, starts = _shingle_hashes(cp, offsets, k[docs], coef)
    doc = np.repeat(np.arange(docs.size, dtype=np.uint64), np.diff(starts))
    keys = np.unique((doc << _U64(32)) | x.astype(np.uint64))     # distinct shingles per text
    hashes = keys & _MASK32
    size = np.bincount((keys >> _U64(32)).astype(np.int64), minlength=docs.size)
    first = np.zeros(docs.size, dtype=np.int64)
    np.cumsum(size[:-1], out=first[1:])
    step = max(1, _CHUNK_SHINGLES // max(1, int(2 * size.mean())))
    for s in range(0, u.size, step):
        a, b = iu[s:s + step], iv[s:s + step]
        tag = np.arange(a.size, dtype=np.uint64)
        both = np.concatenate([
            (np.repeat(tag, size[a]) << _U64(32)) | hashes[_ragged(first[a], size[a])],
            (np.repeat(tag, size[b]) << _U64(32)) | hashes[_ragged(first[b], size[b])],
        ])
        both.sort()
        dup = both[1:] == both[:-1]
        inter = np.bincount((both[1:][dup] >> _U64(32)).astype(np.int64), minlength=a.size)
        union = size[a] + size[b] - inter
        out[s:s + step] = inter / np.maximum(union, 1)
    return out


def band_parameters(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band for LSH at `threshold` with `num_perm` permutations.

    The largest number of rows ``r`` (then ``b = num_perm // r`` bands) for which a pair with
    Jaccard = `threshold` becomes a candidate with probability ``1 - (1 - t**r)**b >= 0.85``.
    More rows mean fewer chance candidates, so less work.

    Examples
    --------
    >>> band_parameters(0.5, 128)
    (32, 4)
    >>> band_parameters(0.8, 128)
    (14, 9)
    """
    best = 1
    for r in range(1, num_perm + 1):
        b = num_perm // r
        if 1.0 - (1.0 - threshold**r) ** b >= _BAND_RECALL:
            best = r
    return num_perm // best, best


def _band_keys(sig: np.ndarray, band: int, rows: int, salt: np.ndarray) -> np.ndarray:
    part = sig[:, band * rows:(band + 1) * rows].astype(np.uint64)
    key = np.full(sig.shape[0], _U64(band), dtype=np.uint64)
    for j in range(rows):
        key = _mix64(key ^ (part[:, j] * salt[j]))
    return key


def _bucket_pairs(keys: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Candidate pairs ``u * n + v`` (u < v) from one band: texts sharing a bucket.

    All pairs in buckets of up to ``_ALL_PAIRS_BUCKET`` texts; in larger buckets each text is
    paired with the bucket's first text (the highest ranked: texts are indexed by rank) and with
    the one before it, which keeps the work linear on huge buckets.
    """
    n = keys.size
    idx = np.flatnonzero(eligible)
    order = idx[np.argsort(keys[idx], kind="stable")]  # stable: rank order inside a bucket
    k = keys[order]
    if order.size < 2:
        return np.empty(0, dtype=np.int64)
    new = np.ones(order.size, dtype=bool)
    new[1:] = k[1:] != k[:-1]
    first = np.flatnonzero(new)
    size = np.diff(np.append(first, order.size))
    bsize = np.repeat(size, size)
    shared = bsize >= 2                      # most buckets hold one text: drop them first
    order, new, bsize = order[shared], new[shared], bsize[shared]
    m = order.size
    if m < 2:
        return np.empty(0, dtype=np.int64)
    bucket = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    out = []
    for d in range(1, _ALL_PAIRS_BUCKET):
        i = np.arange(m - d)
        same = bucket[i] == bucket[i + d]
        if d > 1:  # beyond the neighbour, only small buckets give all their pairs
            same &= bsize[i] <= _ALL_PAIRS_BUCKET
        i = i[same]
        out.append(order[i].astype(np.int64) * n + order[i + d])
    member = np.flatnonzero((bsize > _ALL_PAIRS_BUCKET) & ~new)
    out.append(order[first[bucket[member]]].astype(np.int64) * n + order[member])
    return np.concatenate(out)


def _estimated_jaccard(sig: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    out = np.empty(u.size, dtype=np.float64)
    for s in range(0, u.size, _CHUNK_PAIRS):
        e = s + _CHUNK_PAIRS
        out[s:e] = (sig[u[s:e]] == sig[v[s:e]]).mean(axis=1)
    # b-bit MinHash: unequal minima agree on 16 bits by chance with probability 2**-16.
    c = 2.0**-16
    return np.clip((out - c) / (1.0 - c), 0.0, 1.0)


def _minhash_edges(sig: np.ndarray, eligible: np.ndarray, threshold: float, exact
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of texts (u < v, by rank) whose Jaccard similarity reaches `threshold`.

    LSH banding proposes candidates; their Jaccard is estimated from the signatures; estimates
    within ``_VERIFY_MARGIN`` of the threshold are settled with the exact Jaccard
    (``exact(u, v)``), those clearly above are kept, those clearly below dropped.
    """
    n, num_perm = sig.shape
    bands, rows = band_parameters(threshold, num_perm)
    salt = np.random.default_rng([num_perm, 0xBA4D]).integers(1, 2**63, size=rows, dtype=np.uint64)
    pairs = [np.unique(_bucket_pairs(_band_keys(sig, band, rows, salt), eligible))
             for band in range(bands)]
    cand = np.unique(np.concatenate(pairs)) if pairs else np.empty(0, np.int64)
    u, v = cand // n, cand % n
    est = _estimated_jaccard(sig, u, v)
    sure = est >= threshold + _VERIFY_MARGIN
    check = ~sure & (est >= threshold - _VERIFY_MARGIN)
    keep = sure.copy()
    keep[check] = exact(u[check], v[check]) >= threshold
    logger.debug("minhash: %d bands x %d rows, %d candidate pairs, %d verified exactly, %d kept",
                 bands, rows, cand.size, int(check.sum()), int(keep.sum()))
    return u[keep], v[keep]


def _shingle_matrix(texts: list[str], k: np.ndarray, seed: int):
    """Binary CSR matrix texts x distinct shingles (for the exact method)."""
    import scipy.sparse as sp

    cp, offsets = _to_codepoints(texts)
    x, starts = _shingle_hashes(cp, offsets, k, _coefs(seed, int(k.max(initial=1))))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(starts))
    col = pd.factorize(x)[0]
    m = sp.csr_matrix((np.ones(x.size, dtype=np.float32), (doc, col)),
                      shape=(len(texts), int(col.max(initial=-1)) + 1))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _exact_edges(mat, eligible: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of texts (u < v) whose exact Jaccard similarity reaches `threshold`."""
    idx = np.flatnonzero(eligible)
    if idx.size > _EXACT_WARN:
        logger.warning("method='exact' compares all pairs of %d distinct texts (quadratic); "
                       "method='minhash' scales", idx.size)
    sub = mat[idx]
    size = np.asarray(sub.sum(axis=1)).ravel()
    us, vs = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    block = max(1, 2_000_000 // max(1, idx.size))
    for s in range(0, idx.size, block):
        inter = (sub[s:s + block] @ sub.T).tocoo()
        i = inter.row.astype(np.int64) + s
        j = inter.col.astype(np.int64)
        up = i < j
        i, j, c = i[up], j[up], inter.data[up]
        keep = c / (size[i] + size[j] - c) >= threshold
        us.append(idx[i[keep]])
        vs.append(idx[j[keep]])
    return np.concatenate(us), np.concatenate(vs)


# ---------------------------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------------------------


def _star_clusters(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Greedy star clustering of nodes ranked 0 (best) .. n-1 over edges ``u < v``.

    The sequential rule: in rank order, a node not yet taken becomes a center and takes all its
    untaken neighbours. So the centers are the lexicographically first maximal independent set
    (a node is a center exactly when no better-ranked neighbour is), found here in vectorized
    rounds: an undecided node whose better-ranked neighbours are all decided non-centers becomes
    a center, and its undecided neighbours become members. Each member then joins its
    best-ranked neighbouring center (the first that reached it). Nodes without edges are their
    own centers; the rounds run on the others only.
    """
    center = np.arange(n, dtype=np.int64)
    if u.size == 0:
        return center
    nodes, inv = np.unique(np.concatenate([u, v]).astype(np.int64), return_inverse=True)
    m = nodes.size
    u0, v0 = inv[:u.size], inv[u.size:]        # compact labels keep the rank order
    state = np.zeros(m, dtype=np.int8)         # 0 undecided, 1 center, 2 member
    u, v = u0, v0
    while True:
        und = state == 0
        if not und.any():
            break
        live = und[u] & und[v]
        u, v = u[live], v[live]
        blocked = np.zeros(m, dtype=bool)
        blocked[v] = True                      # an undecided better-ranked neighbour remains
        new = und & ~blocked
        state[new] = 1
        state[v[new[u]]] = 2
    is_center = state == 1
    take = is_center[u0] & ~is_center[v0]
    best = np.arange(m, dtype=np.int64)
    best[~is_center] = m
    np.minimum.at(best, v0[take], u0[take])
    center[nodes] = nodes[best]
    return center


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


def _cluster_id(text: str) -> str:
    """Cluster id from the representative's comparison text: stable across runs and row orders."""
    return f"tc{_digest(text):016x}"


def _distinct_per_group(group: np.ndarray, value: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct non-missing ``value`` (codes >= 0) per ``group`` (codes < n)."""
    ok = value >= 0
    width = int(value.max(initial=0)) + 1
    pairs = np.unique(group[ok] * width + value[ok])
    return np.bincount(pairs // width, minlength=n)


def _readable_representatives(reps: np.ndarray, raw_rank: np.ndarray, raw_code: np.ndarray,
                              normalized: list[str], n_rank: int) -> np.ndarray:
    """Per representative rank: its most posted normalized text (ties: smallest string)."""
    out = np.full(n_rank, None, dtype=object)
    if reps.size == 0:
        return out
    is_rep = np.zeros(n_rank + 1, dtype=bool)
    is_rep[reps] = True
    cand = np.flatnonzero(is_rep[np.where(raw_rank >= 0, raw_rank, n_rank)])
    rank = raw_rank[cand]
    several = np.bincount(rank, minlength=n_rank)[rank] > 1
    single = cand[~several]                       # most ranks have one normalized form
    out[raw_rank[single]] = [normalized[i] for i in single.tolist()]
    multi = cand[several]
    if multi.size:
        posts = np.bincount(raw_code[raw_code >= 0], minlength=raw_rank.size)
        frame = pd.DataFrame({"rank": raw_rank[multi], "posts": -posts[multi],
                              "text": [normalized[i] for i in multi.tolist()]})
        frame = frame.sort_values(["rank", "posts", "text"]).drop_duplicates("rank")
        out[frame["rank"].to_numpy()] = frame["text"].to_numpy(dtype=object)
    return out


def _scatter(mask: np.ndarray, values: np.ndarray, dtype) -> pd.api.extensions.ExtensionArray:
    """An array of len(mask), missing outside `mask`, `values` inside."""
    if dtype in ("Int64", "Float64"):
        full = np.zeros(mask.size, dtype=np.int64 if dtype == "Int64" else np.float64)
        full[mask] = values
        cls = pd.arrays.IntegerArray if dtype == "Int64" else pd.arrays.FloatingArray
        return cls(full, ~mask)
    full = np.full(mask.size, None, dtype=object)
    full[mask] = values
    return pd.array(full, dtype=dtype)


class _Clock:
    """Stage timings (wall and CPU seconds) for the debug log."""

    def __init__(self) -> None:
        import time

        self._wall, self._cpu = time.perf_counter, time.process_time
        self._last = (self._wall(), self._cpu())
        self.laps: dict[str, tuple[float, float]] = {}

    def lap(self, name: str) -> None:
        now = (self._wall(), self._cpu())
        self.laps[name] = (round(now[0] - self._last[0], 3), round(now[1] - self._last[1], 3))
        self._last = now


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


def _inputs(data, include_reposts: bool) -> tuple[pd.Series, pd.Series, pd.Series | None, np.ndarray]:
    """post_id, text, account_id (or None) and a repost mask from any accepted input."""
    if isinstance(data, Dataset):
        posts = data.posts
        if "text" not in posts.columns:
            raise SchemaError("near_duplicate_clusters needs the posts column 'text', which this "
                              f"dataset lacks. Its posts columns are {list(posts.columns)}.",
                              column="text")
        frame = posts
    elif isinstance(data, pd.DataFrame):
        if "text" not in data.columns:
            raise SchemaError("near_duplicate_clusters needs a 'text' column in the DataFrame; "
                              f"got {list(data.columns)}.", column="text")
        frame = data.reset_index(drop="post_id" in data.columns)
        if "post_id" not in data.columns:
            frame = frame.rename(columns={frame.columns[0]: "post_id"})
    elif isinstance(data, pd.Series):
        frame = pd.DataFrame({"post_id": data.index.astype(str), "text": data.to_numpy(dtype=object)})
    elif isinstance(data, (list, tuple, np.ndarray)):
        frame = pd.DataFrame({"post_id": [str(i) for i in range(len(data))],
                              "text": pd.Series(list(data), dtype=object)})
    else:
        raise ParameterError(
            "near_duplicate_clusters expects a coordnet.Dataset, a DataFrame with a 'text' column, "
            f"a Series of texts or a list of texts. Got {type(data).__name__} instead.",
            name="dataset_or_texts", value=data,
        )
    post_id = frame["post_id"].astype(STRING_DTYPE).reset_index(drop=True)
    text = frame["text"].astype(STRING_DTYPE).reset_index(drop=True)
    account = (frame["account_id"].astype(STRING_DTYPE).reset_index(drop=True)
               if "account_id" in frame.columns else None)
    repost = np.zeros(len(frame), dtype=bool)
    if not include_reposts and "kind" in frame.columns:
        repost = (frame["kind"].astype("string") == "repost").fillna(False).to_numpy(dtype=bool)
    return post_id, text, account, repost


def _check_params(threshold, shingle, wide_shingle, min_chars, method, num_perm, seed,
                  include_reposts, owner: str = "near_duplicate_clusters") -> None:
    check_number(threshold, owner=owner, name="threshold", low=0.05, high=1.0)
    check_number(shingle, owner=owner, name="shingle", low=1, high=32, integer=True)
    check_number(wide_shingle, owner=owner, name="wide_shingle", low=1, high=32, integer=True)
    check_number(min_chars, owner=owner, name="min_chars", low=1, integer=True)
    check_number(num_perm, owner=owner, name="num_perm", low=16, high=1024, integer=True)
    check_number(seed, owner=owner, name="seed", low=0, integer=True)
    if method not in _METHODS:
        raise ParameterError(f"The 'method' parameter of {owner} must be one of {list(_METHODS)}. "
                             f"Got {method!r} instead.", name="method", value=method)
    if not isinstance(include_reposts, (bool, np.bool_)):
        raise ParameterError(f"The 'include_reposts' parameter of {owner} must be True or False. "
                             f"Got {include_reposts!r} instead.", name="include_reposts",
                             value=include_reposts)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def near_duplicate_clusters(
    dataset_or_texts: Dataset | pd.DataFrame | pd.Series | Sequence[str],
    *,
    threshold: float = 0.5,
    shingle: int = 5,
    wide_shingle: int = 3,
    min_chars: int = 25,
    method: Literal["minhash", "exact"] = "minhash",
    num_perm: int = 128,
    include_reposts: bool = False,
    seed: int = 0,
) -> pd.DataFrame:
    """Group posts whose normalized texts are near-duplicates into text clusters.

    See the module description for how texts are normalized, compared and clustered.

    Parameters
    ----------
    dataset_or_texts : Dataset, DataFrame, Series or list of str
        A :class:`~coordnet.dataset.Dataset`; a DataFrame with a ``text`` column (and optionally
        ``post_id``, else its index; ``account_id``; ``kind``); a Series of texts (its index is
        the post id); or a list of texts (post ids ``"0"``, ``"1"``...).
    threshold : float, default=0.5
        Smallest Jaccard similarity of two texts' shingle sets for them to be near-duplicates.
        With ``method="minhash"`` a pair is found with probability >= 0.85 at the threshold and
        >= 0.98 at 0.1 above it (:func:`band_parameters`); whether a found pair reaches the
        threshold is decided exactly when its MinHash estimate is within 0.15 of it.
    shingle : int, default=5
        Characters per shingle.
    wide_shingle : int, default=3
        Characters per shingle for texts written mostly in East Asian wide characters.
    min_chars : int, default=25
        Shortest comparison text (characters without spaces, wide characters counting two) that
        is clustered; shorter texts get no cluster (``note = "short"``).
    method : {"minhash", "exact"}, default="minhash"
        MinHash with LSH banding (scales to millions), or all pairs with the exact Jaccard
        (quadratic; small collections and reference checks).
    num_perm : int, default=128
        MinHash permutations (``method="minhash"``): more is more precise and slower.
    include_reposts : bool, default=False
        Also cluster reposts (``kind == "repost"``); by default they get ``note = "repost"``.
    seed : int, default=0
        Seed of the hash functions. The result is the same for the same seed and input, whatever
        the order of the rows.

    Returns
    -------
    DataFrame
        One row per input post, in input order, with columns :data:`CLUSTER_COLUMNS`:
        ``post_id``; ``text_cluster`` (``"tc"`` + 16 hex digits from the representative's
        comparison text, missing when not clustered); ``cluster_posts``, ``cluster_texts``
        (distinct comparison texts) and ``cluster_accounts`` (distinct accounts, missing without
        account ids) of the cluster; ``similarity`` (Jaccard of the post's text to the
        representative, 1.0 for a copy of it); ``representative`` (its normalized text);
        ``note`` (why a post has no cluster: one of :data:`NOTES`). A singleton cluster (size 1)
        means the text was compared and nothing matched. ``attrs["near_duplicate"]`` counts
        posts per outcome.

    Examples
    --------
    >>> texts = ["The police did a great job today protecting our city 👍",
    ...          "RT @x: the police did a great job today, protecting our city! https://t.co/a",
    ...          "The police did a grate job today protecting our city #HK",
    ...          "Weather is lovely in the harbour this afternoon, going swimming",
    ...          "thank you!!", "https://t.co/b @someone #tag"]
    >>> out = near_duplicate_clusters(texts)
    >>> out[["post_id", "cluster_posts", "note"]]
      post_id  cluster_posts      note
    0       0              3       NaN
    1       1              3       NaN
    2       2              3       NaN
    3       3              1       NaN
    4       4           <NA>     short
    5       5           <NA>  no_words
    >>> out["text_cluster"].iloc[0] == out["text_cluster"].iloc[2]
    True
    """
    _check_params(threshold, shingle, wide_shingle, min_chars, method, num_perm, seed,
                  include_reposts)
    post_id, text, account, repost = _inputs(dataset_or_texts, include_reposts)
    n_posts = len(post_id)
    clock = _Clock()

    # 1. Distinct raw texts -> normalized text (python, once per distinct text).
    raw_code, raw_uniq = pd.factorize(text, use_na_sentinel=True)
    raw_code = np.asarray(raw_code, dtype=np.int64)
    raw_uniq = np.asarray(raw_uniq, dtype=object)
    normalized = [normalize_text(t, strip_hashtags=True) for t in raw_uniq]
    raw_blank = np.fromiter((not str(t).strip() for t in raw_uniq), dtype=bool, count=len(raw_uniq))
    del raw_uniq
    clock.lap("normalize")

    # 2. Comparison texts (vectorized), deduplicated: one "key" per distinct comparison text.
    cleaned, narrow, wide = _clean(normalized)
    key_code, key_uniq = pd.factorize(pd.Series(cleaned, dtype=object))
    del cleaned
    key_code = np.asarray(key_code, dtype=np.int64)
    key_uniq = np.asarray(key_uniq, dtype=object)
    n_keys = len(key_uniq)
    first_raw = np.zeros(n_keys, dtype=np.int64)
    first_raw[key_code] = np.arange(key_code.size)  # any raw text of the key: same counts
    k_narrow, k_wide = narrow[first_raw], wide[first_raw]
    key_len = np.fromiter((len(t) for t in key_uniq), dtype=np.int64, count=n_keys)
    clock.lap("clean")

    # 3. Per post: its key, or a note saying why it is not compared.
    has = raw_code >= 0
    post_key = np.full(n_posts, -1, dtype=np.int64)
    post_key[has] = key_code[raw_code[has]]
    blank = np.ones(n_posts, dtype=bool)
    blank[has] = raw_blank[raw_code[has]]
    keyed = post_key >= 0
    no_words = np.zeros(n_posts, dtype=bool)
    no_words[keyed] = key_len[post_key[keyed]] == 0
    short = np.zeros(n_posts, dtype=bool)
    short[keyed] = (k_narrow + 2 * k_wide)[post_key[keyed]] < min_chars
    note = np.full(n_posts, -1, dtype=np.int8)
    for name, mask in (("short", short), ("no_words", no_words), ("empty", blank),
                       ("repost", repost)):
        note[mask] = NOTES.index(name)
    candidate = note < 0

    # 4. Rank the compared keys: distinct accounts, then posts, then a content hash.
    acc_code = None
    if account is not None:
        acc_code = np.asarray(pd.factorize(account, use_na_sentinel=True)[0], dtype=np.int64)
    posts_per_key = np.bincount(post_key[candidate], minlength=n_keys)
    acc_per_key = (posts_per_key if acc_code is None else
                   _distinct_per_group(post_key[candidate], acc_code[candidate], n_keys))
    elig = np.flatnonzero(posts_per_key > 0)
    digest = np.fromiter((_digest(key_uniq[i]) for i in elig.tolist()), dtype=np.uint64,
                         count=elig.size)
    order = np.lexsort((digest, -posts_per_key[elig], -acc_per_key[elig]))
    ranked, digest = elig[order], digest[order]
    n_rank = ranked.size
    rank_of_key = np.full(n_keys, -1, dtype=np.int64)
    rank_of_key[ranked] = np.arange(n_rank)
    texts = [key_uniq[i] for i in ranked.tolist()]
    k = np.where(k_wide[ranked] > k_narrow[ranked], wide_shingle, shingle).astype(np.int64)
    positions = np.maximum(key_len[ranked] - k + 1, 1)
    clock.lap("rank")

    # 5. Similar pairs of distinct texts, then star clusters around representatives.
    def exact(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return _pair_jaccard(texts, k, u, v, seed)

    if method == "minhash":
        sig, distinct = _minhash(texts, k, num_perm, seed)
        clock.lap("minhash")
        repetitive = distinct < 0.5 * positions
        u, v = _minhash_edges(sig, ~repetitive, threshold, exact)
        del sig
    else:
        mat = _shingle_matrix(texts, k, seed)
        repetitive = np.asarray(mat.sum(axis=1)).ravel() < 0.5 * positions
        u, v = _exact_edges(mat, ~repetitive, threshold)
        del mat
    clock.lap("pairs")
    center = _star_clusters(n_rank, u, v)
    center[repetitive] = -1
    similarity = np.where(center >= 0, 1.0, np.nan)
    joined = np.flatnonzero((center >= 0) & (center != np.arange(n_rank)))
    similarity[joined] = exact(joined, center[joined])
    clock.lap("cluster")

    # 6. Per post: cluster, sizes, similarity, representative text.
    prank = np.full(n_posts, -1, dtype=np.int64)
    prank[candidate] = rank_of_key[post_key[candidate]]
    ranked_post = prank >= 0
    note[np.flatnonzero(ranked_post)[repetitive[prank[ranked_post]]]] = NOTES.index("repetitive")
    pcenter = np.full(n_posts, -1, dtype=np.int64)
    pcenter[ranked_post] = center[prank[ranked_post]]
    inside = pcenter >= 0
    pc = pcenter[inside]
    c_posts = np.bincount(pc, minlength=n_rank)
    c_texts = np.bincount(center[center >= 0], minlength=n_rank)
    reps = np.unique(pc)
    rep_id = np.full(n_rank, None, dtype=object)
    rep_id[reps] = [f"tc{d:016x}" for d in digest[reps].tolist()]   # == _cluster_id(texts[r])
    rep_text = _readable_representatives(reps, rank_of_key[key_code], raw_code, normalized, n_rank)

    out = pd.DataFrame({"post_id": post_id})
    out["text_cluster"] = _scatter(inside, rep_id[pc], STRING_DTYPE)
    out["cluster_posts"] = _scatter(inside, c_posts[pc], "Int64")
    out["cluster_texts"] = _scatter(inside, c_texts[pc], "Int64")
    if acc_code is None:
        out["cluster_accounts"] = pd.array([pd.NA] * n_posts, dtype="Int64")
    else:
        c_acc = _distinct_per_group(pc, acc_code[inside], n_rank)
        out["cluster_accounts"] = _scatter(inside, c_acc[pc], "Int64")
    out["similarity"] = _scatter(inside, similarity[prank[inside]], "Float64")
    out["representative"] = _scatter(inside, rep_text[pc], STRING_DTYPE)
    out["note"] = pd.Categorical.from_codes(note.astype(np.int64), dtype=_NOTE_DTYPE)

    counts = {"posts": n_posts, "clustered": int(inside.sum()),
              "in_shared_clusters": int((c_posts[pc] >= 2).sum())}
    counts.update({name: int((note == i).sum()) for i, name in enumerate(NOTES)})
    counts.update({"distinct_texts": int(n_rank), "clusters": int(reps.size),
                   "shared_clusters": int((c_posts[reps] >= 2).sum())})
    out.attrs["near_duplicate"] = counts
    logger.info("near-duplicate text: %s", counts)
    logger.debug("near-duplicate text timings (wall s, CPU s): %s", clock.laps)
    return out


def near_duplicate_projection(dataset: Dataset, **params) -> pd.DataFrame:
    """Actions for the co-action engine: each post in a shared text cluster acts on the cluster.

    Runs :func:`near_duplicate_clusters` (``params`` are its keyword parameters) and keeps the
    posts whose cluster was posted by at least two distinct accounts.

    Parameters
    ----------
    dataset : Dataset
        Needs ``text`` (and ``kind`` to leave reposts out).
    **params
        Keyword parameters of :func:`near_duplicate_clusters`.

    Returns
    -------
    DataFrame
        ``account_id, target, timestamp, post_id`` (``target`` = ``text_cluster``), in the
        dataset's order (time, then post id).

    Examples
    --------
    >>> import pandas as pd
    >>> from coordnet.dataset import Dataset
    >>> ds = Dataset(pd.DataFrame({
    ...     "post_id": ["1", "2", "3", "4"], "account_id": ["a", "b", "c", "c"],
    ...     "timestamp": [0, 5, 9, 20],
    ...     "text": ["Vote for the harbour bridge plan on sunday, friends!",
    ...              "vote for the harbor bridge plan on sunday friends 🌉",
    ...              "good morning", "Nothing to do with the others, just lunch at noon"]}))
    >>> near_duplicate_projection(ds)[["account_id", "post_id"]]
      account_id post_id
    0          a       1
    1          b       2
    """
    if not isinstance(dataset, Dataset):
        raise ParameterError(
            "near_duplicate_projection expects a coordnet.Dataset. Got "
            f"{type(dataset).__name__} instead; for plain texts use near_duplicate_clusters.",
            name="dataset", value=dataset,
        )
    clusters = near_duplicate_clusters(dataset, **params)
    keep = (clusters["cluster_accounts"] >= 2).fillna(False).to_numpy(dtype=bool)
    out = dataset.posts.loc[keep, ["account_id", "timestamp", "post_id"]].reset_index(drop=True)
    out["target"] = clusters["text_cluster"].to_numpy()[keep]
    out = out.astype(_ACTION_COLUMNS)
    out.attrs["near_duplicate"] = clusters.attrs.get("near_duplicate", {})
    return out[list(_ACTION_COLUMNS)]


class CoSimilarText(CoAction):
    """Account pairs that post near-duplicate texts within `window`, again and again.

    A :class:`~coordnet.signals.coaction.CoAction` whose projection is
    :func:`near_duplicate_projection`: a post acts on its text cluster, so two accounts co-act
    when they post texts of one cluster (the same message with light edits) within `window`.
    Same parameters as :class:`~coordnet.signals.coaction.CoAction` but `projection`, plus the
    text parameters of :func:`near_duplicate_clusters` (`seed` serves both).

    Parameters
    ----------
    window : duration or list of durations, default="60s"
        Largest gap between the two accounts' posts of a cluster. Pasting campaigns are often
        spread over minutes or hours; try ``["60s", "10min", "1h"]``.
    threshold, shingle, wide_shingle, min_chars, method, num_perm, include_reposts
        As in :func:`near_duplicate_clusters`.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordnet.dataset import Dataset
    >>> texts = ["Vote for the harbour bridge plan on sunday, friends!",
    ...          "Please support the new school budget at the council meeting"]
    >>> ds = Dataset(pd.DataFrame({
    ...     "post_id": list("1234"), "account_id": list("abab"), "timestamp": [0, 20, 500, 530],
    ...     "text": [texts[0], texts[0] + " 🌉", texts[1] + " https://t.co/x", "RT: " + texts[1]]}))
    >>> CoSimilarText(window="60s").compute(ds)[["account_a", "account_b", "signal", "support"]]
      account_a account_b           signal  support
    0         a         b  co_similar_text        2
    """

    name = "co_similar_text"
    requires = ("account_id", "timestamp", "kind", "text")

    def __init__(
        self,
        window="60s",
        *,
        threshold: float = 0.5,
        shingle: int = 5,
        wide_shingle: int = 3,
        min_chars: int = 25,
        method: Literal["minhash", "exact"] = "minhash",
        num_perm: int = 128,
        include_reposts: bool = False,
        min_support: int = 2,
        min_weight: float | None = None,
        min_accounts: int = 2,
        max_accounts: int | None = None,
        max_pairs_per_target: int | None = 2_000_000,
        viral: Literal["skip", "sample"] = "skip",
        start=None,
        end=None,
        alpha: float = 0.01,
        significance: Literal["bh", "bonferroni", "none"] = "bh",
        significant_only: bool = False,
        seed: int = 0,
        label: str | None = None,
        chunk_pairs: int = 4_000_000,
    ):
        self.threshold = threshold
        self.shingle = shingle
        self.wide_shingle = wide_shingle
        self.min_chars = min_chars
        self.method = method
        self.num_perm = num_perm
        self.include_reposts = include_reposts
        super().__init__(
            self._text_projection(seed), window, min_support=min_support, min_weight=min_weight,
            min_accounts=min_accounts, max_accounts=max_accounts,
            max_pairs_per_target=max_pairs_per_target, viral=viral, start=start, end=end,
            alpha=alpha, significance=significance, significant_only=significant_only, seed=seed,
            label=label, chunk_pairs=chunk_pairs,
        )

    def _text_projection(self, seed):
        return functools.partial(
            near_duplicate_projection, threshold=self.threshold, shingle=self.shingle,
            wide_shingle=self.wide_shingle, min_chars=self.min_chars, method=self.method,
            num_perm=self.num_perm, include_reposts=self.include_reposts, seed=seed,
        )

    def _validate(self) -> None:
        _check_params(self.threshold, self.shingle, self.wide_shingle, self.min_chars,
                      self.method, self.num_perm, self.seed, self.include_reposts,
                      owner="CoSimilarText")
        self.projection = self._text_projection(self.seed)
        super()._validate()
