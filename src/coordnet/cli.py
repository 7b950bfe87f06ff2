"""The ``coordnet`` command line.

Every error is one line on standard error naming the file, row or parameter at fault; exit codes
follow convention: 0 success, 1 a problem with the input data, 2 a usage error (argparse's), 130
interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CoordnetError, ParameterError

logger = logging.getLogger(__name__)

FORMATS = ("twitter-io", "twitter-v2", "twitter-api", "crowdtangle", "telegram", "table", "coortweet",
           "coortweet-multimodal", "coordnet")


def read_input(paths: Sequence[str], fmt: str | None, *, users: Sequence[str] | None = None,
               mapping: dict | None = None):
    """Read input files of a named format into a Dataset (the CLI's reader dispatch)."""
    from .io import read

    return read(list(paths), format=fmt, users=users, **(mapping or {}))


def _parse_mapping(items: Sequence[str] | None) -> dict:
    out = {}
    for item in items or ():
        if "=" not in item:
            raise ParameterError(f"--map takes CANONICAL=SOURCE pairs, e.g. --map account_id=user. Got {item!r}.",
                                 name="map", value=item)
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="input files, folders or globs (.csv, .csv.gz, .zip, .json, .jsonl, .parquet)")
    p.add_argument("--format", "-f", choices=FORMATS, default=None,
                   help="input format (default: guessed from the files' columns or structure)")
    p.add_argument("--users", nargs="+", default=None, metavar="FILE",
                   help="Twitter IO archive users file(s), for --format twitter-io")
    p.add_argument("--map", nargs="+", default=None, metavar="CANONICAL=SOURCE",
                   help="column mapping for --format table, e.g. --map account_id=user timestamp=created")


def _cmd_summary(args: argparse.Namespace) -> int:
    ds = read_input(args.inputs, args.format, users=args.users, mapping=_parse_mapping(args.map))
    print(ds.summary(top=args.top))
    if args.save:
        path = ds.save(args.save)
        print(f"\nsaved as Parquet: {path}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .sample import sample_paths

    tweets, users = sample_paths()
    print(f"coordnet {__version__} demo: the bundled sample (synthetic, in Twitter's IO-archive format)")
    print(f"  {tweets}\n  {users}\n")
    ds = read_input([str(tweets)], "twitter-io", users=[str(users)])
    print(ds.summary())
    return _demo_detect(ds, args)


def _demo_detect(ds, args) -> int:
    try:
        from .detect import detect
    except ImportError:  # detection not built yet
        return 0
    result = detect(ds)
    print()
    print(result.describe())
    if getattr(args, "out", None):
        result.save(args.out)
        print(f"\nwrote results to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``coordnet`` command."""
    parser = argparse.ArgumentParser(
        prog="coordnet",
        description="Find coordinated inauthentic behaviour in social-media data.",
    )
    parser.add_argument("--version", action="version", version=f"coordnet {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log what each stage does (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("summary", help="describe a collection: counts, time span, kinds, top hashtags and domains")
    _add_input_args(p)
    p.add_argument("--top", type=int, default=5, help="how many top hashtags/domains/accounts (default 5)")
    p.add_argument("--save", metavar="DIR", help="also save the parsed collection as Parquet in DIR")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("demo", help="run on the bundled sample dataset")
    p.add_argument("--out", metavar="DIR", help="write the results into DIR")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coordnet`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (CoordnetError, FileNotFoundError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"coordnet: error: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        print("coordnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
