"""What every reader shares: finding files, opening compressed ones, reading CSV as text, and
recording rows that cannot be read.

Readers attach two hidden columns to the tables they hand to :class:`~coordnet.dataset.Dataset`,
``_source`` (file name, or ``archive.zip:member.csv``) and ``_row`` (1-based data row in that
file, header not counted), so that every reject names its file and row.
"""

from __future__ import annotations

import gc
import glob
import gzip
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..dataset import ROW_COL, SOURCE_COL
from ..errors import ParameterError, ReadError, SchemaError
from ..schema import REJECT_COLUMNS, empty_frame

logger = logging.getLogger(__name__)

PathLike = str | Path
Paths = PathLike | Iterable[PathLike]
ErrorMode = Literal["collect", "raise"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are built.

    Parsed JSON holds no reference cycles, but each collection walks every live object: with the
    collector on, reading slows down by an order of magnitude as the parsed data grows.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_errors(errors: str, reader: str) -> None:
    """Validate the `errors` parameter every reader takes."""
    if errors not in ("collect", "raise"):
        raise ParameterError(
            f"The 'errors' parameter of {reader} must be 'collect' or 'raise'. Got {errors!r} instead.",
            name="errors", value=errors,
        )


def expand_paths(paths: Paths, *, reader: str) -> list[Path]:
    """Paths, globs (``data/*.csv``) and folders (every file inside, sorted) as a list of files."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if any(ch in str(item) for ch in "*?["):
            hits = sorted(Path(h) for h in glob.glob(str(item)))
            if not hits:
                raise FileNotFoundError(f"{reader}: no file matches {str(item)!r}")
            out.extend(h for h in hits if h.is_file())
        elif p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")))
        elif p.exists():
            out.append(p)
        else:
            raise FileNotFoundError(f"{reader}: file not found: {str(item)!r}")
    if not out:
        raise FileNotFoundError(f"{reader}: no input files in {paths!r}")
    return out


@contextmanager
def open_members(path: Path, *, suffixes: tuple[str, ...] = ()) -> Iterator[list[tuple[str, IO[bytes]]]]:
    """Open a file, a ``.gz`` file or each matching member of a ``.zip`` as binary streams.

    Yields a list of ``(source_name, stream)``; a zip yields one entry per member whose name ends
    with one of `suffixes` (all members when empty).
    """
    name = str(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")
                       and not Path(m).name.startswith(("._", "."))
                       and (not suffixes or m.lower().endswith(suffixes))]
            if not members:
                raise ReadError(f"{name}: the zip archive holds no {' or '.join(suffixes) or 'files'}.",
                                source=name)
            streams = [(f"{name}:{m}", zf.open(m)) for m in members]
            try:
                yield [(n, _maybe_gunzip(n, s)) for n, s in streams]
            finally:
                for _, s in streams:
                    s.close()
    else:
        with open(path, "rb") as fh:
            yield [(name, _maybe_gunzip(name, fh))]


def _maybe_gunzip(name: str, stream: IO[bytes]) -> IO[bytes]:
    if name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=stream)
    return stream


def _header(stream: IO[bytes], source: str) -> list[str]:
    import csv

    first = stream.readline()
    if not first.strip():
        raise ReadError(f"{source}: the file is empty; expected a CSV header line.", source=source, row=0)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{source}, line 1: not UTF-8 text ({exc.reason}); expected a CSV file.",
                        source=source, row=0) from exc
    return next(csv.reader([text]))


def read_csv_text(
    path: Path,
    *,
    required: Iterable[str] = (),
    errors: ErrorMode = "collect",
    reader: str = "read_csv",
    suffixes: tuple[str, ...] = (".csv", ".csv.gz", ".tsv", ".txt"),
    delimiter: str = ",",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV file (or ``.gz``, or each CSV in a ``.zip``) with every column as text.

    Quoted commas and newlines, emoji and ids of any length are read exactly: nothing is inferred
    as a number. Rows with the wrong number of fields are listed as rejects (or raise
    :class:`~coordnet.errors.ReadError` naming file and row when ``errors="raise"``).

    Returns
    -------
    (DataFrame, DataFrame)
        The rows read, as ``string`` columns plus ``_source`` and ``_row``; and the rejects.
    """
    frames, rejects = [], []
    with open_members(path, suffixes=suffixes) as members:
        for source, stream in members:
            df, rej = _read_one_csv(stream, source, required=tuple(required), errors=errors,
                                    reader=reader, delimiter=delimiter)
            frames.append(df)
            rejects.append(rej)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return df, concat_rejects(rejects)


def _read_one_csv(stream: IO[bytes], source: str, *, required: tuple[str, ...], errors: ErrorMode,
                  reader: str, delimiter: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Parse straight from the (seekable) stream: holding the whole file as bytes next to the
    # table it becomes would double the peak memory.
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    start = stream.tell()
    names = _header(stream, source)
    stream.seek(start)
    missing = [c for c in required if c not in names]
    if missing:
        raise SchemaError(
            f"{source}: missing required column(s) {missing} for {reader}. Got columns {names}.",
            source=source, column=missing[0],
        )
    bad: list[tuple[int, str]] = []

    def on_invalid(row) -> str:
        # pyarrow numbers logical rows from 1 with the header as row 1: data row = number - 1.
        n = (row.number or 0) - 1
        msg = f"expected {row.expected_columns} fields, saw {row.actual_columns}"
        if errors == "raise":
            bad.append((n, msg))
            return "error"
        bad.append((n, msg))
        return "skip"

    seen = set()
    dupes = [n for n in names if n in seen or seen.add(n)]
    if dupes:
        raise ReadError(f"{source}: the header repeats column(s) {dupes}.", source=source, row=0)
    try:
        table = pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24,
                                           encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            # Empty fields, quoted or not, are read as missing (and nothing else is: "NA" or
            # "null" stay text), without a second pass over every column.
            convert_options=pacsv.ConvertOptions(
                # large_string: what pandas' string[pyarrow] holds, so no cast per column later.
                column_types={n: pa.large_string() for n in names}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        if bad:
            n, msg = bad[-1]
            raise ReadError(f"{source}, row {n:,}: {msg}. Expected {len(names)} fields as in the header "
                            "(a stray quote or an unquoted delimiter?).", source=source, row=n) from exc
        raise ReadError(f"{source}: cannot be read as CSV: {exc}", source=source) from exc
    df = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow"),
                                       pa.string(): pd.StringDtype("pyarrow")}.get)
    total = len(df) + len(bad)
    bad_rows = np.array(sorted(n for n, _ in bad), dtype=np.int64)
    # The data rows read: 1..total without the bad ones (a mask, not np.setdiff1d, which hashes
    # every row number).
    keep = np.ones(total, dtype=bool)
    keep[bad_rows[(bad_rows >= 1) & (bad_rows <= total)] - 1] = False
    rows = np.flatnonzero(keep) + 1
    df[SOURCE_COL] = source
    df[ROW_COL] = rows
    rej = reject_records(
        [dict(source=source, row=n, reason=f"malformed CSV row: {msg}") for n, msg in bad], table="posts"
    )
    if bad:
        logger.warning("%s: %d malformed row(s) set aside", source, len(bad))
    return df, rej


def reject_records(records: list[dict], *, table: str, action: str = "dropped") -> pd.DataFrame:
    """Reject rows (dicts with source, row, reason and optionally column, value, post_id) as a frame."""
    if not records:
        return empty_frame(REJECT_COLUMNS)
    df = pd.DataFrame.from_records(records)
    df["table"] = df.get("table", table)
    df["action"] = df.get("action", action)
    for col in REJECT_COLUMNS:
        if col not in df:
            df[col] = None
    return df[list(REJECT_COLUMNS)].astype(REJECT_COLUMNS)


def concat_rejects(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate reject frames, keeping the canonical columns even when all are empty."""
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty_frame(REJECT_COLUMNS)
    return pd.concat(frames, ignore_index=True).astype(REJECT_COLUMNS)
