"""The ``coordnet`` command line.

Commands::

    coordnet detect INPUT... --out DIR   find coordinated networks; write tables, graphs, report
    coordnet summary INPUT...            describe a collection
    coordnet demo [--out DIR]            run on the bundled sample
    coordnet simulate --out DIR          write a synthetic scenario with its ground truth

Every error is one line on standard error naming the file, row or parameter at fault; exit codes
follow convention: 0 success, 1 a problem with the input data (or the environment), 2 a usage
error, 130 interrupted. Progress bars (tqdm) show on long stages only when standard error is a
terminal.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import CoordnetError, MissingDependencyError, ParameterError

logger = logging.getLogger(__name__)

__all__ = ["build_parser", "main", "read_input", "window_signals"]

FORMATS = ("twitter-io", "twitter-v2", "twitter-api", "crowdtangle", "telegram", "table", "coortweet",
           "coortweet-multimodal", "coordnet")

#: Canonical post columns that ``--format table`` maps onto themselves when a file has them.
_AUTO_COLUMNS = ("post_id", "text", "kind", "ref_post_id", "ref_account_id", "urls", "hashtags",
                 "mentions", "media", "lang", "client", "platform")


class UsageError(ParameterError):
    """A command-line argument is wrong (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line."""

    def error(self, message: str):  # argparse calls this on a usage error
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _progress() -> bool:
    return sys.stderr.isatty()


def read_input(paths: Sequence[str], fmt: str | None, *, users: Sequence[str] | None = None,
               mapping: dict | None = None):
    """Read input files of a named (or guessed) format into a Dataset (the CLI's reader dispatch)."""
    from .io import guess_format, read

    mapping = dict(mapping or {})
    if fmt is None and not mapping and Path(paths[0]).is_file():
        try:
            fmt = guess_format(paths[0])
        except (OSError, ValueError, CoordnetError):  # the reader will name the problem
            fmt = None
    if fmt == "table" or (fmt is None and mapping):
        mapping = {**_auto_mapping(paths[0]), **mapping}
        fmt = "table"
    return read(list(paths), format=fmt, users=users, **mapping)


def _auto_mapping(path: str) -> dict:
    """Canonical columns a table already has under their own names (CSV/TSV/Parquet header)."""
    import pandas as pd

    p = Path(path)
    name = p.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq

            cols = pq.read_schema(p).names
        elif p.is_file() and name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")):
            sep = "\t" if ".tsv" in name else ","
            cols = pd.read_csv(p, nrows=0, sep=sep, dtype=str).columns.tolist()
        else:
            return {}
    except (OSError, ValueError):  # the reader will name the problem properly
        return {}
    return {c: c for c in _AUTO_COLUMNS if c in cols}


def _parse_mapping(items: Sequence[str] | None) -> dict:
    out = {}
    for item in items or ():
        if "=" not in item:
            raise UsageError(f"--map takes CANONICAL=SOURCE pairs, e.g. --map account_id=user. Got {item!r}.",
                             name="map", value=item)
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _names(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def window_signals(names: Sequence[str], windows: Sequence[str]) -> list:
    """The named signals with every co-action window replaced by `windows`.

    Co-action signals (co_repost, co_link, co_similar_text, ...) are rebuilt with the given
    window(s); the others (synchrony, rhythm, account signals) are left as they are.

    Examples
    --------
    >>> [s.window for s in window_signals(["co_repost", "co_link"], ["30s"])]
    [['30s'], ['30s']]
    >>> [type(s).__name__ for s in window_signals(["co_repost", "rhythm"], ["30s", "1h"])]
    ['CoRepost', 'Rhythm']
    """
    from .detect import default_signals
    from .signals.base import parse_window
    from .signals.coaction import CoAction

    for w in windows:
        parse_window(w, owner="--window", minimum="1s")
    out = []
    for s in default_signals(list(names)):
        if isinstance(s, CoAction):
            s = type(s)(**{**s.get_params(), "window": list(windows)})
        out.append(s)
    return out


def _detector_args(args: argparse.Namespace) -> dict:
    """Detector keywords from the detect/demo options; usage errors raise UsageError."""
    from .detect import DEFAULT_SIGNALS

    names = _names(args.signals) or list(DEFAULT_SIGNALS)
    drop = set(_names(args.exclude_signals))
    names = [n for n in names if n not in drop]
    if not names:
        raise UsageError("No signal left to run: --exclude-signals removed them all.", name="signals", value=names)
    try:
        if args.window:
            signals = window_signals(names, _names(args.window))
        else:
            from .detect import default_signals

            signals = default_signals(names)
        from .detect import Detector

        det = Detector(signals=signals, alpha=args.alpha, min_size=args.min_size, clustering=args.clustering,
                       seed=args.seed, progress=_progress())
    except ParameterError as exc:
        raise UsageError(str(exc), name=exc.name, value=exc.value) from exc
    return {"detector": det}


def _write_outputs(result, out: str | Path, *, title: str | None, report: bool = True) -> list[Path]:
    """Every export of a result into `out`; returns the files written."""
    from .report.html import write_report
    from .result import escape_formulas

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    steps = [
        ("CSV", lambda: result.to_csv(out)),
        ("Parquet", lambda: result.to_parquet(out)),
        ("GEXF", lambda: [result.to_gexf(out / "network.gexf")]),
        ("GraphML", lambda: [result.to_graphml(out / "network.graphml")]),
        ("JSON", lambda: [result.to_json(out / "networks.json")]),
    ]
    if report:
        steps.append(("report", lambda: [write_report(result, out / "report.html", title=title)]))
    rejects = result.dataset.rejects
    if len(rejects):
        def _rejects():
            p = out / "rejects.csv"
            escape_formulas(rejects).to_csv(p, index=False)
            return [p]
        steps.append(("rejects", _rejects))
    written: list[Path] = []
    bar = None
    if _progress():
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="writing", unit="file", leave=False)
    for name, fn in steps:
        if bar is not None:
            bar.set_postfix_str(name)
        written += fn()
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return written


def _print_written(written: list[Path], out: str | Path) -> None:
    print(f"\nwrote {len(written)} files to {out}:")
    for p in written:
        print(f"  {p.name}")


def _warn_rejects(ds) -> None:
    dropped = int((ds.rejects["action"] == "dropped").sum()) if len(ds.rejects) else 0
    if dropped:
        first = ds.rejects.iloc[0]
        print(f"coordnet: warning: {dropped:,} input row(s) set aside, e.g. {first['source']}, row "
              f"{first['row']}: {first['reason']} (all are listed in rejects.csv)", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


def _cmd_detect(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    det = _detector_args(args)["detector"]
    mapping = _parse_mapping(args.map)
    ds = read_input(args.inputs, args.format, users=args.users, mapping=mapping)
    logger.info("read %s", ds)
    _warn_rejects(ds)
    if len(ds) == 0:
        print("coordnet: error: the input holds no readable post; nothing to detect.", file=sys.stderr)
        return 1
    result = det.run(ds)
    print(result.describe(top=args.top))
    written = _write_outputs(result, args.out, title=args.title, report=not args.no_report)
    _print_written(written, args.out)
    print(f"\ndone in {time.perf_counter() - t0:.1f} s")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    ds = read_input(args.inputs, args.format, users=args.users, mapping=_parse_mapping(args.map))
    print(ds.summary(top=args.top))
    if args.save:
        path = ds.save(args.save)
        print(f"\nsaved as Parquet: {path}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .sample import sample_paths

    det = _detector_args(args)["detector"]
    tweets, users = sample_paths()
    print(f"coordnet {__version__} demo: the bundled sample (synthetic, in Twitter's IO-archive format)")
    print(f"  {tweets}\n  {users}\n")
    ds = read_input([str(tweets)], "twitter-io", users=[str(users)])
    print(ds.summary())
    print()
    result = det.run(ds)
    print(result.describe(top=args.top))
    if args.out:
        written = _write_outputs(result, args.out, title=args.title or "coordnet demo: the bundled sample")
        _print_written(written, args.out)
        print(f"\nopen {Path(args.out) / 'report.html'} in a browser to read the evidence.")
    else:
        print("\n(run `coordnet demo --out DIR` to write the tables, the graph and the HTML report)")
    return 0


def _size(value: str):
    return int(value) if value.isdigit() else value


def _cmd_simulate(args: argparse.Namespace) -> int:
    from .simulate import simulate

    try:
        sc = simulate(size=_size(args.size), seed=args.seed, days=args.days, start=args.start)
    except ParameterError as exc:
        raise UsageError(str(exc), name=exc.name, value=exc.value) from exc
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if args.as_ == "dataset":
        written.append(sc.dataset.save(out / "dataset"))
    else:
        for name, df in (("posts", sc.dataset.posts), ("accounts", sc.dataset.accounts)):
            p = out / f"{name}.csv"
            _lists_as_text(df).to_csv(p, index=False)
            written.append(p)
    p = out / "truth.csv"
    sc.truth.to_csv(p, index=False)
    written.append(p)
    print(repr(sc))
    print(f"\nwrote to {out}:")
    for w in written:
        print(f"  {w.name}{'/' if w.is_dir() else ''}")
    src = out / "dataset" if args.as_ == "dataset" else out / "posts.csv"
    fmt = "coordnet" if args.as_ == "dataset" else "table"
    print(f"\nnext: coordnet detect {src} --format {fmt} --out {out / 'result'}")
    return 0


def _lists_as_text(df):
    """List columns as ``['a', 'b']`` cells, which the table reader parses back."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.ArrowDtype) and "list" in str(out[col].dtype):
            out[col] = [repr([str(v) for v in x]) for x in out[col].tolist()]
    return out


# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="input files, folders or globs (.csv, .csv.gz, .zip, .json, .jsonl, .parquet; a "
                        "folder written by 'coordnet simulate' or Dataset.save)")
    p.add_argument("--format", "-f", choices=FORMATS, default=None,
                   help="input format (default: guessed from the first file's columns or structure)")
    p.add_argument("--users", nargs="+", default=None, metavar="FILE",
                   help="Twitter IO archive users file(s), for --format twitter-io")
    p.add_argument("--map", nargs="+", default=None, metavar="CANONICAL=SOURCE",
                   help="column mapping for --format table, e.g. --map account_id=user timestamp=created "
                        "(columns already named post_id, text, kind, urls, ... are mapped by themselves)")


def _add_detect_args(p: argparse.ArgumentParser) -> None:
    from .detect import DEFAULT_SIGNALS

    g = p.add_argument_group("detection")
    g.add_argument("--signals", metavar="LIST", default=None,
                   help="comma-separated signals to run (default: all of "
                        f"{', '.join(DEFAULT_SIGNALS)}; also co_hashtag, co_mention)")
    g.add_argument("--exclude-signals", metavar="LIST", default=None,
                   help="comma-separated signals not to run, e.g. --exclude-signals synchrony,rhythm")
    g.add_argument("--window", metavar="DURATION[,DURATION...]", default=None,
                   help="co-action window(s) replacing the defaults (60s,1h for reposts; 10min,1h for "
                        "links, texts, replies...), e.g. --window 30s or --window 60s,1h")
    g.add_argument("--alpha", type=float, default=0.01,
                   help="level of the network test: chance would produce a group as tied with at most "
                        "this probability (default 0.01)")
    g.add_argument("--min-size", type=int, default=3, help="smallest network (default 3)")
    g.add_argument("--clustering", choices=("louvain", "components"), default="louvain",
                   help="how the tie graph is split into networks (default louvain)")
    g.add_argument("--seed", type=int, default=0, help="seed of every random step (default 0)")
    g.add_argument("--top", type=int, default=10, help="networks described on the terminal (default 10)")
    g.add_argument("--title", default=None, help="title of the HTML report")


_EPILOG = """\
examples:
  coordnet demo --out demo_out
  coordnet detect hk_tweets.csv.gz --users hk_users.csv --format twitter-io --out hk_result
  coordnet detect posts.csv --format table --map account_id=user timestamp=created --out res
  coordnet detect tweets.jsonl --window 30s,10min --signals co_repost,co_link,co_text --out res
  coordnet simulate --size small --seed 1 --out scenario
  coordnet detect scenario/dataset --out scenario/result

exit codes: 0 success, 1 bad input data, 2 usage error, 130 interrupted.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``coordnet`` command."""
    parser = _Parser(
        prog="coordnet",
        description="Find coordinated inauthentic behaviour in social-media data: groups of accounts "
                    "that act together (repost the same posts within seconds, paste the same text, push "
                    "the same links, keep the same hours), with the evidence for each.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coordnet {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log what each stage does (-vv: debug, and tracebacks on errors)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "detect", help="find coordinated networks and write tables, graphs and an HTML report",
        description="Read a collection, find coordinated networks and write into --out: networks, "
                    "accounts and edges as CSV (spreadsheet-safe) and Parquet, the account graph as "
                    "GEXF and GraphML (for Gephi), networks.json, report.html (one self-contained "
                    "file) and rejects.csv when input rows were set aside. Prints the networks found.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_input_args(p)
    p.add_argument("--out", "-o", metavar="DIR", required=True, help="folder to write the results into")
    p.add_argument("--no-report", action="store_true", help="do not write report.html")
    _add_detect_args(p)
    p.set_defaults(func=_cmd_detect)

    p = sub.add_parser("summary", help="describe a collection: counts, time span, kinds, top hashtags and domains",
                       description="Read a collection and describe it: counts, time span, kinds, platforms, "
                                   "top hashtags, domains and accounts, and rows set aside while reading.")
    _add_input_args(p)
    p.add_argument("--top", type=int, default=5, help="how many top hashtags/domains/accounts (default 5)")
    p.add_argument("--save", metavar="DIR", help="also save the parsed collection as Parquet in DIR")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("demo", help="run detection on the bundled sample dataset",
                       description="Run detection on the bundled sample (3,566 synthetic tweets by 400 "
                                   "accounts in Twitter's IO-archive format, with a retweet ring and a "
                                   "copypasta network planted) and print the networks found.")
    p.add_argument("--out", "-o", metavar="DIR", help="also write the tables, graphs and report.html into DIR")
    _add_detect_args(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("simulate", help="write a synthetic scenario with planted campaigns and its ground truth",
                       description="Generate a synthetic collection with an organic background, planted "
                                   "coordinated campaigns (one per tactic) and decoys, and write it into "
                                   "--out with truth.csv (one row per account: role, group, tactic, seeder).")
    p.add_argument("--size", default="small",
                   help="tiny (~2k posts), small (~20k), medium (~100k), large (~1M) or a number of posts "
                        "(default small)")
    p.add_argument("--seed", type=int, default=0, help="seed: the same seed gives the same scenario (default 0)")
    p.add_argument("--days", type=int, default=7, help="length of the collection in days (default 7)")
    p.add_argument("--start", default="2019-08-01", help="first day, UTC (default 2019-08-01)")
    p.add_argument("--as", dest="as_", choices=("dataset", "csv"), default="dataset",
                   help="'dataset': a Parquet folder DIR/dataset that 'coordnet detect' reads as is "
                        "(default); 'csv': DIR/posts.csv and DIR/accounts.csv")
    p.add_argument("--out", "-o", metavar="DIR", required=True, help="folder to write into")
    p.set_defaults(func=_cmd_simulate)
    return parser


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{exc.filename}: no such file or folder"
    msg = " ".join(str(exc).split()) or type(exc).__name__
    where = []
    src, row = getattr(exc, "source", None), getattr(exc, "row", None)
    if src and str(src) not in msg:
        where.append(str(src))
    if row is not None and f"row {row}" not in msg and f"row {row:,}" not in msg:
        where.append(f"row {row}")
    return (", ".join(where) + ": " if where else "") + msg


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coordnet`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except ParameterError as exc:  # a value given on the command line
        print(f"coordnet {args.command}: error: {_one_line(exc)} (see 'coordnet {args.command} --help')",
              file=sys.stderr)
        return 2
    except MissingDependencyError as exc:
        print(f"coordnet: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except (CoordnetError, FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError,
            ValueError) as exc:
        if args.verbose >= 2:
            raise
        print(f"coordnet: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        print("coordnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
