"""Measure a detection against ground truth (from :func:`coordnet.simulate` or hand labels).

A detection is whatever the detector returns: an object with an ``accounts`` DataFrame, or that
DataFrame itself, with columns ``account_id``, ``network_id`` (missing = not in a network) and
``score`` in [0, 1]. The truth is a DataFrame with ``account_id``, ``role`` ("organic",
"campaign" or "decoy") and ``group`` (campaign or decoy name), as
:attr:`coordnet.simulate.Scenario.truth` holds it.

Definitions, used by every function here:

- An account is **flagged** when its ``network_id`` is not missing and its ``score`` is at least
  `threshold`. Accounts of the truth absent from the detection are not flagged and score 0;
  missing scores count as 0. Accounts of the detection absent from the truth are ignored (and
  logged).
- **Positives** are the campaign accounts; organic and decoy accounts are negatives.
- **ARI/AMI over campaign accounts** compare the detected networks with the campaigns on the
  campaign accounts; a campaign account that is not flagged is a network of its own, so misses
  lower the agreement. **ARI/AMI over flagged accounts** compare them on the flagged accounts;
  a flagged account outside every campaign is a campaign of its own, so networks that mix
  campaigns with other accounts lower the agreement.
- A **decoy group is flagged** when at least `min_share` of its accounts (and at least 2) are
  flagged, or when one detected network holds at least ``min(min_network, group size)`` of
  them.

Metrics are free functions; :func:`evaluate` gathers them in an :class:`Evaluation`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ParameterError, SchemaError

logger = logging.getLogger(__name__)

__all__ = [
    "Evaluation",
    "account_labels",
    "campaign_recall",
    "decoy_false_positives",
    "evaluate",
    "network_agreement",
    "precision_recall_f1",
    "roc_auc",
]

_ROLES = ("organic", "campaign", "decoy")


def _accounts_of(result) -> pd.DataFrame:
    frame = result if isinstance(result, pd.DataFrame) else getattr(result, "accounts", None)
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            "evaluate expects the detector's result (an object with an 'accounts' DataFrame) or "
            f"that DataFrame. Got {type(result).__name__} instead.", name="result", value=result)
    missing = [c for c in ("account_id", "network_id", "score") if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"result.accounts lacks column(s) {missing}. Expected account_id, network_id (missing "
            f"= not flagged) and score in [0, 1]; got {list(frame.columns)}.", column=missing[0])
    out = pd.DataFrame({
        "account_id": frame["account_id"].astype("string[pyarrow]").to_numpy(),
        "network_id": frame["network_id"].to_numpy(dtype=object),
        "score": pd.to_numeric(frame["score"], errors="coerce").to_numpy(dtype=float),
    })
    out["network_id"] = out["network_id"].where(pd.notna(out["network_id"]), None)
    if out["account_id"].isna().any():
        raise SchemaError("result.accounts has rows without an account_id.", column="account_id")
    dup = out["account_id"].duplicated()
    if dup.any():
        raise SchemaError(
            f"result.accounts lists account {out.loc[dup, 'account_id'].iloc[0]!r} more than once; "
            "expected one row per account.", column="account_id",
            value=out.loc[dup, "account_id"].iloc[0])
    scores = out["score"].dropna()
    bad = (scores < 0) | (scores > 1)
    if bad.any():
        raise SchemaError(f"result.accounts holds score {scores[bad].iloc[0]!r}; scores must lie "
                          "in [0, 1].", column="score", value=scores[bad].iloc[0])
    return out


def _truth_of(truth) -> pd.DataFrame:
    if not isinstance(truth, pd.DataFrame) and isinstance(getattr(truth, "truth", None), pd.DataFrame):
        truth = truth.truth  # a Scenario
    if not isinstance(truth, pd.DataFrame):
        raise ParameterError("evaluate expects the truth as a DataFrame (or a Scenario). Got "
                             f"{type(truth).__name__} instead.", name="truth", value=truth)
    missing = [c for c in ("account_id", "role", "group") if c not in truth.columns]
    if missing:
        raise SchemaError(f"truth lacks column(s) {missing}. Expected account_id, role "
                          f"({', '.join(_ROLES)}) and group; got {list(truth.columns)}.",
                          column=missing[0])
    out = pd.DataFrame({
        "account_id": truth["account_id"].astype("string[pyarrow]").to_numpy(),
        "role": truth["role"].astype(object).to_numpy(),
        "group": truth["group"].astype(object).to_numpy(),
        "tactic": truth["tactic"].astype(object).to_numpy() if "tactic" in truth else None,
    })
    bad = ~out["role"].isin(_ROLES)
    if bad.any():
        raise SchemaError(f"truth holds role {out.loc[bad, 'role'].iloc[0]!r}; expected one of "
                          f"{list(_ROLES)}.", column="role", value=out.loc[bad, "role"].iloc[0])
    nogroup = out["role"].isin(["campaign", "decoy"]) & out["group"].isna()
    if nogroup.any():
        raise SchemaError(f"truth: account {out.loc[nogroup, 'account_id'].iloc[0]!r} is a "
                          f"{out.loc[nogroup, 'role'].iloc[0]} account without a group.",
                          column="group")
    if out["account_id"].duplicated().any():
        raise SchemaError("truth lists an account more than once.", column="account_id")
    return out


def _check_threshold(threshold) -> float:
    ok = isinstance(threshold, (int, float, np.integer, np.floating)) and not isinstance(threshold, bool)
    if not ok or not (0 <= threshold <= 1):
        raise ParameterError(f"The 'threshold' parameter must be a number in [0, 1]. Got "
                             f"{threshold!r} instead.", name="threshold", value=threshold)
    return float(threshold)


def account_labels(result, truth, *, threshold: float = 0.5) -> pd.DataFrame:
    """The truth aligned with the detection: one row per truth account.

    Returns
    -------
    DataFrame
        ``account_id, role, group, tactic, score, network_id, flagged, positive`` in the order
        of `truth`; ``score`` is 0 for accounts the detection does not list.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["a", "b", "c"], "role": ["campaign", "organic", "decoy"],
    ...                       "group": ["op", None, "fans"]})
    >>> det = pd.DataFrame({"account_id": ["a", "b"], "network_id": [1, None], "score": [0.9, 0.2]})
    >>> account_labels(det, truth)[["account_id", "score", "flagged", "positive"]]
      account_id  score  flagged  positive
    0          a    0.9     True      True
    1          b    0.2    False     False
    2          c    0.0    False     False
    """
    threshold = _check_threshold(threshold)
    det = _accounts_of(result)
    tr = _truth_of(truth)
    extra = ~det["account_id"].isin(tr["account_id"])
    if extra.any():
        logger.warning("evaluate: %d account(s) of the result are not in the truth; ignored",
                       int(extra.sum()))
    m = tr.merge(det, on="account_id", how="left")
    m["score"] = m["score"].fillna(0.0)
    m["network_id"] = m["network_id"].astype(object).where(m["network_id"].notna(), None)
    m["flagged"] = m["network_id"].notna() & (m["score"] >= threshold)
    m["positive"] = m["role"] == "campaign"
    return m


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else float("nan")


def precision_recall_f1(result, truth, *, threshold: float = 0.5) -> tuple[float, float, float]:
    """Account precision, recall and F1 of the flagged accounts against the campaign accounts.

    Precision is NaN when nothing is flagged, recall NaN when the truth has no campaign account,
    F1 NaN when either is NaN (and 0 when both are 0).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": list("abcd"), "role": ["campaign"] * 2 + ["organic"] * 2,
    ...                       "group": ["op", "op", None, None]})
    >>> det = pd.DataFrame({"account_id": ["a", "c"], "network_id": [0, 0], "score": [1.0, 1.0]})
    >>> precision_recall_f1(det, truth)
    (0.5, 0.5, 0.5)
    """
    return _prf(account_labels(result, truth, threshold=threshold))


def _prf(m: pd.DataFrame) -> tuple[float, float, float]:
    tp = int((m["flagged"] & m["positive"]).sum())
    p = _ratio(tp, int(m["flagged"].sum()))
    r = _ratio(tp, int(m["positive"].sum()))
    if np.isnan(p) or np.isnan(r):
        f = float("nan")
    else:
        f = 0.0 if p + r == 0 else 2 * p * r / (p + r)
    return p, r, f


def roc_auc(result, truth) -> float:
    """ROC-AUC of the account scores (campaign = positive), NaN when one class is absent.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": list("abc"), "role": ["campaign", "organic", "decoy"],
    ...                       "group": ["op", None, "fans"]})
    >>> det = pd.DataFrame({"account_id": list("abc"), "network_id": [0, None, None],
    ...                     "score": [0.8, 0.1, 0.9]})
    >>> roc_auc(det, truth)
    0.5
    """
    return _auc(account_labels(result, truth, threshold=0.5))


def _auc(m: pd.DataFrame) -> float:
    from sklearn.metrics import roc_auc_score

    y = m["positive"].to_numpy()
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, m["score"].to_numpy()))


def network_agreement(result, truth, *, threshold: float = 0.5,
                      over: str = "campaign") -> tuple[float, float]:
    """ARI and AMI of the detected networks against the campaigns.

    Parameters
    ----------
    over : {"campaign", "flagged"}, default="campaign"
        "campaign": over the campaign accounts, each unflagged one a network of its own.
        "flagged": over the flagged accounts, each non-campaign one a campaign of its own.

    Returns
    -------
    (float, float)
        Adjusted Rand index and adjusted mutual information (NaN with fewer than 2 accounts).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": list("abcd"), "role": ["campaign"] * 4,
    ...                       "group": ["x", "x", "y", "y"]})
    >>> det = pd.DataFrame({"account_id": list("abcd"), "network_id": [1, 1, 2, 2], "score": 1.0})
    >>> network_agreement(det, truth)
    (1.0, 1.0)
    """
    if over not in ("campaign", "flagged"):
        raise ParameterError(f"The 'over' parameter of network_agreement must be 'campaign' or "
                             f"'flagged'. Got {over!r} instead.", name="over", value=over)
    return _agreement(account_labels(result, truth, threshold=threshold), over)


def _agreement(m: pd.DataFrame, over: str) -> tuple[float, float]:
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

    sub = m.loc[m["positive"] if over == "campaign" else m["flagged"]]
    if len(sub) < 2:
        return float("nan"), float("nan")
    own = "\x00" + sub["account_id"].astype(str)  # a label of its own, never a real name
    true = np.where(sub["positive"], "c:" + sub["group"].astype(str), own)
    pred = np.where(sub["flagged"], "n:" + sub["network_id"].astype(str), own)
    return (float(adjusted_rand_score(true, pred)), float(adjusted_mutual_info_score(true, pred)))


def campaign_recall(result, truth, *, threshold: float = 0.5) -> pd.DataFrame:
    """Per campaign: accounts, flagged, recall, how many networks hold them, the main network.

    Returns
    -------
    DataFrame
        ``group, tactic, accounts, flagged, recall, networks, main_network, main_share, purity``:
        ``main_network`` holds most of the campaign's flagged accounts, ``main_share`` is the
        share of the campaign in it, ``purity`` the share of that network's flagged accounts
        that belong to the campaign.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": list("abcd"), "role": ["campaign"] * 3 + ["organic"],
    ...                       "group": ["x", "x", "x", None]})
    >>> det = pd.DataFrame({"account_id": list("abd"), "network_id": [7, 7, 7], "score": 1.0})
    >>> campaign_recall(det, truth)[["group", "accounts", "flagged", "recall", "main_share", "purity"]]
      group  accounts  flagged    recall  main_share    purity
    0     x         3        2  0.666667    0.666667  0.666667
    """
    return _campaigns(account_labels(result, truth, threshold=threshold))


def _campaigns(m: pd.DataFrame) -> pd.DataFrame:
    sizes = m.loc[m["flagged"]].groupby("network_id").size() if m["flagged"].any() else pd.Series(dtype=int)
    rows = []
    for group, sub in m.loc[m["positive"]].groupby("group", sort=True):
        fl = sub.loc[sub["flagged"]]
        counts = fl["network_id"].astype(str).value_counts() if len(fl) else pd.Series(dtype=int)
        main = None
        main_share = purity = 0.0
        if len(counts):
            best = counts.index[0]
            main = fl.loc[fl["network_id"].astype(str) == best, "network_id"].iloc[0]
            main_share = counts.iloc[0] / len(sub)
            purity = counts.iloc[0] / sizes[main]
        tactic = sub["tactic"].dropna()
        rows.append({
            "group": group,
            "tactic": tactic.iloc[0] if len(tactic) else None,
            "accounts": len(sub),
            "flagged": len(fl),
            "recall": len(fl) / len(sub),
            "networks": int(len(counts)),
            "main_network": main,
            "main_share": float(main_share),
            "purity": float(purity),
        })
    cols = ["group", "tactic", "accounts", "flagged", "recall", "networks", "main_network",
            "main_share", "purity"]
    return pd.DataFrame(rows, columns=cols)


def decoy_false_positives(result, truth, *, threshold: float = 0.5, min_share: float = 0.10,
                          min_network: int = 3) -> pd.DataFrame:
    """Per decoy group: how many of its accounts are flagged, and whether the group is flagged.

    A group is flagged when at least `min_share` of its accounts (and at least 2) are flagged,
    or when one network holds at least ``min(min_network, group size)`` of its accounts.

    Returns
    -------
    DataFrame
        ``group, tactic, accounts, flagged, share, max_in_network, group_flagged``.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": list("abcde"), "role": ["decoy"] * 5,
    ...                       "group": ["fans"] * 5})
    >>> det = pd.DataFrame({"account_id": ["a"], "network_id": [3], "score": [0.9]})
    >>> decoy_false_positives(det, truth)[["group", "flagged", "share", "group_flagged"]]
      group  flagged  share  group_flagged
    0  fans        1    0.2          False
    """
    min_share, min_network = _check_decoy_rule(min_share, min_network)
    return _decoys(account_labels(result, truth, threshold=threshold), min_share, min_network)


def _check_decoy_rule(min_share, min_network) -> tuple[float, int]:
    if isinstance(min_network, bool) or not (isinstance(min_network, (int, np.integer))
                                             and min_network >= 1):
        raise ParameterError(f"The 'min_network' parameter must be an integer >= 1. Got "
                             f"{min_network!r} instead.", name="min_network", value=min_network)
    if isinstance(min_share, bool) or not (isinstance(min_share, (int, float, np.floating))
                                           and 0 < min_share <= 1):
        raise ParameterError(f"The 'min_share' parameter must be a number in (0, 1]. Got "
                             f"{min_share!r} instead.", name="min_share", value=min_share)
    return float(min_share), int(min_network)


def _decoys(m: pd.DataFrame, min_share: float, min_network: int) -> pd.DataFrame:
    rows = []
    for group, sub in m.loc[m["role"] == "decoy"].groupby("group", sort=True):
        fl = sub.loc[sub["flagged"]]
        biggest = int(fl["network_id"].astype(str).value_counts().iloc[0]) if len(fl) else 0
        share = len(fl) / len(sub)
        tactic = sub["tactic"].dropna()
        rows.append({
            "group": group,
            "tactic": tactic.iloc[0] if len(tactic) else None,
            "accounts": len(sub),
            "flagged": len(fl),
            "share": share,
            "max_in_network": biggest,
            "group_flagged": bool((len(fl) >= 2 and share >= min_share)
                                  or (len(fl) and biggest >= min(min_network, len(sub)))),
        })
    return pd.DataFrame(rows, columns=["group", "tactic", "accounts", "flagged", "share",
                                       "max_in_network", "group_flagged"])


@dataclass(frozen=True)
class Evaluation:
    """How well a detection matches the truth (see the module docs for the definitions).

    Attributes
    ----------
    threshold : float
        Score at or above which an account in a network counts as flagged.
    accounts, campaign_accounts, flagged, true_positives : int
        Counts over the truth's accounts.
    precision, recall, f1, roc_auc : float
        Account-level metrics (campaign = positive).
    ari, ami : float
        Network agreement over the campaign accounts.
    ari_flagged, ami_flagged : float
        Network agreement over the flagged accounts.
    campaigns : DataFrame
        :func:`campaign_recall`.
    decoys : DataFrame
        :func:`decoy_false_positives`.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["a", "b"], "role": ["campaign", "organic"],
    ...                       "group": ["op", None]})
    >>> ev = evaluate(pd.DataFrame({"account_id": ["a"], "network_id": [0], "score": [1.0]}), truth)
    >>> ev.table()[["precision", "recall", "f1", "roc_auc"]]
       precision  recall   f1  roc_auc
    0        1.0     1.0  1.0      1.0
    """

    threshold: float
    accounts: int
    campaign_accounts: int
    flagged: int
    true_positives: int
    precision: float
    recall: float
    f1: float
    roc_auc: float
    ari: float
    ami: float
    ari_flagged: float
    ami_flagged: float
    campaigns: pd.DataFrame = field(repr=False)
    decoys: pd.DataFrame = field(repr=False)

    @property
    def decoy_groups_flagged(self) -> int:
        """Number of decoy groups flagged."""
        return int(self.decoys["group_flagged"].sum()) if len(self.decoys) else 0

    @property
    def decoy_accounts_flagged(self) -> int:
        """Number of decoy accounts flagged."""
        return int(self.decoys["flagged"].sum()) if len(self.decoys) else 0

    def as_dict(self) -> dict:
        """The headline figures as a flat dict."""
        return {
            "threshold": self.threshold, "accounts": self.accounts,
            "campaign_accounts": self.campaign_accounts, "flagged": self.flagged,
            "true_positives": self.true_positives, "precision": self.precision,
            "recall": self.recall, "f1": self.f1, "roc_auc": self.roc_auc, "ari": self.ari,
            "ami": self.ami, "ari_flagged": self.ari_flagged, "ami_flagged": self.ami_flagged,
            "decoy_accounts_flagged": self.decoy_accounts_flagged,
            "decoy_groups_flagged": self.decoy_groups_flagged,
        }

    def table(self) -> pd.DataFrame:
        """The headline figures as a one-row DataFrame (concatenate several to compare runs)."""
        return pd.DataFrame([self.as_dict()])

    def __repr__(self) -> str:
        return (f"<Evaluation: precision {self.precision:.3f}, recall {self.recall:.3f}, "
                f"F1 {self.f1:.3f}, ROC-AUC {self.roc_auc:.3f}, ARI {self.ari:.3f}, "
                f"{self.decoy_groups_flagged} decoy group(s) flagged>")

    def __str__(self) -> str:
        lines = [
            f"Evaluation at threshold {self.threshold:g}: {self.accounts:,} accounts, "
            f"{self.campaign_accounts:,} in campaigns, {self.flagged:,} flagged "
            f"({self.true_positives:,} correctly)",
            f"  precision {self.precision:.3f}   recall {self.recall:.3f}   F1 {self.f1:.3f}   "
            f"ROC-AUC {self.roc_auc:.3f}",
            f"  networks vs campaigns: ARI {self.ari:.3f}, AMI {self.ami:.3f} over campaign "
            f"accounts; ARI {self.ari_flagged:.3f}, AMI {self.ami_flagged:.3f} over flagged accounts",
        ]
        if len(self.campaigns):
            lines.append("  campaigns:")
            c = self.campaigns[["group", "tactic", "accounts", "flagged", "recall", "networks",
                                "purity"]]
            lines += ["    " + s for s in c.to_string(index=False, float_format="{:.2f}".format).splitlines()]
        if len(self.decoys):
            lines.append(f"  decoys: {self.decoy_groups_flagged} of {len(self.decoys)} group(s) "
                         f"flagged, {self.decoy_accounts_flagged:,} account(s) flagged")
            lines += ["    " + s for s in self.decoys.to_string(
                index=False, float_format="{:.2f}".format).splitlines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return (f"<pre>{html.escape(str(self))}</pre>")


def evaluate(result, truth, *, threshold: float = 0.5, min_share: float = 0.10,
             min_network: int = 3) -> Evaluation:
    """Precision, recall, F1, ROC-AUC, ARI/AMI, per-campaign recall and decoy false positives.

    Parameters
    ----------
    result : object with an ``accounts`` DataFrame, or that DataFrame
        ``account_id``, ``network_id`` (missing = not in a network), ``score`` in [0, 1].
    truth : DataFrame or Scenario
        ``account_id``, ``role``, ``group`` (and ``tactic``), e.g. ``simulate(...).truth``.
    threshold : float, default=0.5
        An account is flagged when it is in a network and its score is at least this.
    min_share, min_network : float, int, default=0.10, 3
        When a decoy group counts as flagged (see :func:`decoy_false_positives`).

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": list("abcdef"),
    ...     "role": ["campaign", "campaign", "campaign", "organic", "decoy", "decoy"],
    ...     "group": ["op", "op", "op", None, "fans", "fans"]})
    >>> det = pd.DataFrame({"account_id": list("abcd"), "network_id": [0, 0, None, 0],
    ...                     "score": [0.9, 0.8, 0.4, 0.7]})
    >>> ev = evaluate(det, truth)
    >>> round(ev.precision, 3), round(ev.recall, 3), ev.decoy_groups_flagged
    (0.667, 0.667, 0)
    """
    m = account_labels(result, truth, threshold=threshold)
    p, r, f = _prf(m)
    ari, ami = _agreement(m, "campaign")
    ari_f, ami_f = _agreement(m, "flagged")
    return Evaluation(
        threshold=threshold,
        accounts=len(m),
        campaign_accounts=int(m["positive"].sum()),
        flagged=int(m["flagged"].sum()),
        true_positives=int((m["flagged"] & m["positive"]).sum()),
        precision=p, recall=r, f1=f,
        roc_auc=_auc(m),
        ari=ari, ami=ami, ari_flagged=ari_f, ami_flagged=ami_f,
        campaigns=_campaigns(m),
        decoys=_decoys(m, *_check_decoy_rule(min_share, min_network)),
    )
