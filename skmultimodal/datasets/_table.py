"""Reading a CSV table of image paths, texts and labels, as the command line
does: image paths resolved against the CSV's folder, rows labelled by their
CSV line number, every problem refused with a one-line ValueError that names
the file, the column and the lines. Prediction also reads Parquet files, in
row batches (:func:`iter_parquet`), their rows labelled by row number."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from shlex import quote as shlex_quote

from skmultimodal.utils._validation import plain_label

#: Line number of a CSV's first data row (the header is line 1): the index
#: label :func:`load_table` gives row 0.
FIRST_DATA_LINE = 2
#: Label of a Parquet file's first row in :func:`iter_parquet`: rows are
#: numbered from 0, as ``pandas.read_parquet`` indexes them.
FIRST_PARQUET_ROW = 0


def _read_csv(path, text_columns=(), numeric_columns=()):
    path = Path(path)
    options = csv_options(text_columns)
    df = _csv_errors(path, lambda pd: pd.read_csv(path, **options))
    _check_unique_header(path)
    if len(df) == 0:
        raise ValueError(f"CSV {str(path)!r} has a header but no rows")
    return missing_numbers(df, numeric_columns)


#: The cells that ``pandas.read_csv`` reads as missing by default, besides
#: the empty one (its documented ``na_values``). They are missing in a
#: numeric table column only (:func:`missing_numbers`): there they can only
#: mean "no number", as R and SQL exports write it.
PANDAS_MISSING = frozenset(
    {
        "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
        "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None",
        "n/a", "nan", "null",
    }
)  # fmt: skip


def csv_roles(
    image_column=None,
    text_column=None,
    keep_columns=(),
    tabular_columns=(),
    categorical_columns=(),
    *,
    texts_as_written=True,
):
    """``(text, numeric)``: the columns of a CSV read as text, as written
    (see :func:`csv_options`), and its numeric table columns (see
    :func:`missing_numbers`), for a read of these columns. Text are the
    image paths, the categorical columns and the ``keep_columns`` that are
    not also read as the texts (an id, a target, a group): a code ``007``
    stays ``"007"``, not the number 7 that pandas would infer (and merge
    with ``7``, and infer per chunk). A kept numeric column is read as text
    too, as written, and :func:`missing_numbers` types it as pandas infers
    it, leaving the text in the DataFrame it is given (which
    :func:`iter_table` keeps): the model reads the numbers. The text column
    is read as text too (a title ``2024`` is a text, in every chunk, as a
    model's text column is read for prediction), unless not
    ``texts_as_written``: then it is read as pandas reads it, so that a
    column of numbers is refused as texts (:func:`_check_text_column`: a
    wrong column given for training). ``image_column`` and
    ``text_column`` may be lists (several columns of a modality, read
    under their own names, also among ``tabular_columns``): they are read
    so too, never as numbers, their ``NA`` or ``None`` a text."""
    images, texts = _names_of(image_column), _names_of(text_column)
    numeric = [
        c
        for c in tabular_columns
        if c not in categorical_columns and c not in images and c not in texts
    ]
    kept = [c for c in keep_columns if c not in texts]
    text = [*images, *categorical_columns, *kept]
    if texts_as_written:
        text += texts
    return list(dict.fromkeys(text)), numeric


def _names_of(columns):
    """The column names of ``columns``: one name (None: none) or a list."""
    names = [columns] if columns is None or isinstance(columns, str) else columns
    return [c for c in names if c is not None]


def csv_options(text_columns=()):
    """``pandas.read_csv``'s keywords reading ``text_columns`` as text, as
    written, as a Parquet file's text column holds it, and every column
    with only an empty cell missing: a class, a category or an id ``NA``
    (North America), ``None`` or ``null`` stays one (a cell of whitespace
    only is missing too, everywhere: :func:`~skmultimodal.utils.is_missing`).
    """
    return {
        "dtype": {column: str for column in text_columns} or None,
        "keep_default_na": False,
        "na_values": [""],
        # never the first column as the index: rows ending in an empty
        # field (a trailing comma, as spreadsheets export) are read as if
        # it were not there, and values past the header's fields are an
        # error (see _csv_errors), where pandas would shift every column
        "index_col": False,
    }


def missing_numbers(df, numeric_columns):
    """``df`` (read with :func:`csv_options`) with the cells of its
    ``numeric_columns`` that pandas reads as missing by default
    (:data:`PANDAS_MISSING`: ``NA``, ``N/A``, ``null``...) missing, and such
    a column then numbers where every other cell is one, as pandas reads
    it by default. A numeric column read as text (a kept one, see
    :func:`csv_roles`) is first typed as ``pandas.read_csv`` infers it
    (``7`` an integer, ``True`` a boolean). A cell that is no number is
    left for the model to refuse, naming it. ``df`` itself is left as it
    is (a new DataFrame is returned): its texts stay the kept copy."""
    import io

    import pandas as pd

    texts = [
        column
        for column in dict.fromkeys(numeric_columns)
        if column in df.columns and not pd.api.types.is_numeric_dtype(df[column])
    ]
    if not texts:
        return df
    # pandas' own inference of the cells (quoted as needed, a missing one
    # empty): the types the columns get when read without their kept copy
    written = df[texts].to_csv(index=False)
    # a row whose one column is empty is a blank line: kept, as a missing cell
    typed = pd.read_csv(io.StringIO(written), **csv_options(), skip_blank_lines=False)
    typed.index = df.index
    numbers = {}
    for column in texts:
        cells = typed[column]
        marked = cells.isin(PANDAS_MISSING)
        if marked.any():
            cells = cells.mask(marked)
            try:
                cells = pd.to_numeric(cells)
            except (TypeError, ValueError):
                pass  # a cell that is not a number: the model names it
        numbers[column] = cells
    return df.assign(**numbers)


def csv_header(path):
    """The column names of the CSV file ``path`` as its first line writes
    them (a BOM dropped), or None when it is not a regular file: a pipe
    cannot be read twice. A file that is no CSV (a Parquet file, a
    spreadsheet) or not UTF-8 is refused as reading it refuses it
    (:func:`_csv_errors`), before anything is told of its columns."""
    import csv

    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    problem = _parquet_problem(path)
    if problem is not None:
        raise ValueError(problem)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), [])
    except UnicodeDecodeError as exc:
        raise ValueError(_encoding_problem(path, exc)) from None


def other_separator(names):
    """Whether the header ``names`` is one name holding a ``;`` or a tab:
    a file separated by another character than the comma, read as one
    column."""
    return len(names) == 1 and any(sep in str(names[0]) for sep in ";\t")


def _check_unique_header(path):
    """Refuse a CSV whose header names a column twice (pandas would read
    the second as ``NAME.1`` and the first would be used, silently). Only a
    regular file is checked."""
    header = csv_header(path)
    if header is not None:
        _check_unique(header, path, "CSV")


def _check_unique(names, path, kind):
    """Refuse a table (a ``kind`` file at ``path``) with duplicated column
    names, naming them."""
    seen, twice = set(), []
    for name in names:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        raise ValueError(
            f"{kind} {str(path)!r} names column(s) "
            f"{', '.join(map(repr, twice))} more than once; rename them so "
            "that each column has its own name"
        )


#: Appended to a CSV problem that a file not separated by commas causes.
_SEPARATOR_HINT = (
    "the file is read as comma-separated: convert a file separated by ';' "
    "or tabs to commas, and quote a field that holds a comma"
)


#: What a file given as a CSV is, by the signature it starts with, and what
#: to do with it.
_SIGNATURES = {
    b"PAR1": "it is a Parquet file, not a CSV; pass it with --parquet (predict "
    "and featurize read Parquet files), or convert it to CSV to train or evaluate",
    b"PK\x03\x04": "it looks like a spreadsheet (.xlsx, .ods) or a zip archive, "
    "not a CSV; export the sheet as CSV (or unzip the CSV) and pass that file",
}


def _parquet_problem(path):
    """The message of a CSV that failed to parse because it is a binary
    file of a known kind (a regular file starting with a signature of
    :data:`_SIGNATURES`: Parquet, a spreadsheet or zip archive), else None:
    its bytes may fail to decode, or (a small, compressed file) decode and
    fail to split into fields."""
    if not path.is_file():
        return None
    with open(path, "rb") as fh:
        start = fh.read(4)
    for signature, what in _SIGNATURES.items():
        if start == signature:
            return f"cannot parse CSV {str(path)!r}: {what}"
    return None


def _encoding_problem(path, exc):
    """The message of a CSV that is not UTF-8: the first line (and byte)
    that does not decode, found by reading ``path`` again when it is a
    regular file, and how to convert it."""
    bad = exc.object[exc.start : exc.start + 1]
    where = f"byte 0x{bad.hex()}" if bad else "a byte"
    if path.is_file():
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as err:
                    byte = line[err.start : err.start + 1].hex()
                    where = f"byte 0x{byte} on line {number} (its byte {err.start + 1})"
                    break
    converted = path.with_name(f"{path.stem}-utf8{path.suffix}")
    source, what = _unicode_encoding(path) or ("latin1", "")
    return (
        f"cannot parse CSV {str(path)!r}: {where} is not UTF-8, the encoding "
        f"CSV files are read in{what}; convert the file, e.g. iconv -f {source} -t "
        f"utf-8 {shlex_quote(str(path))} > {shlex_quote(str(converted))}"
    )


#: Byte-order marks of the UTF-16 and UTF-32 encodings (UTF-32's first: its
#: little-endian mark starts with UTF-16's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _unicode_encoding(path):
    """``(encoding, words)`` of a regular file ``path`` that starts with a
    UTF-16 or UTF-32 byte-order mark (which iconv's ``utf-16``/``utf-32``
    read), else None: such a file converted as Latin-1 would come out full
    of NUL characters."""
    if not path.is_file():
        return None
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return (
                encoding,
                f" (it starts with the byte-order mark of {encoding.upper()})",
            )
    return None


def _record_line(path, record):
    """The line of the file at ``path`` where its CSV record ``record``
    (from 1: the header is record 1, a blank line one record, a quoted
    cell's line breaks inside one) starts, as Python's ``csv`` module reads
    the file; None when it cannot tell."""
    import csv

    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            rows = csv.reader(f)
            end = 0  # the line the previous record ended on
            for _ in range(record - 1):
                next(rows)
                end = rows.line_num
            return end + 1
    except (OSError, StopIteration, csv.Error):
        return None


def _extra_fields(path):
    """pandas' "Expected N fields in line K, saw M" for the first record of
    the CSV at ``path`` with more fields than its header and a cell in them
    (else the first with more fields), K a line of the file; None when
    there is none or the file cannot be read."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            rows = csv.reader(f)
            width = len(next(rows))
            end, first = rows.line_num, None
            for row in rows:
                if len(row) > width:
                    found = f"Expected {width} fields in line {end + 1}, saw {len(row)}"
                    if any(cell.strip() for cell in row[width:]):
                        return found
                    first = first or found
                end = rows.line_num
            return first
    except (OSError, StopIteration, csv.Error):
        return None


class ExtraFieldsError(ValueError):
    """A CSV's first data row has more fields than its header, holding
    values: the message names the file's line (not a record, not a line of
    a Dask partition)."""


def _file_lines(path, message):
    """pandas' parser message with its record numbers as lines of the file:
    pandas counts a record whose quoted cell holds line breaks as one line
    ("Expected 3 fields in line 7": the 7th record; "EOF inside string
    starting at row 4": the record after the 4th), so after such a cell
    its numbers are not the file's lines, which every other message of
    the command line gives."""
    for pattern, first in (
        (r"(Expected \d+ fields? in line )(\d+)", 0),
        (r"(EOF inside string starting at )row (\d+)", 1),
    ):
        match = re.search(pattern, message)
        if match:
            line = _record_line(path, int(match.group(2)) + first)
            if line is not None:
                return (
                    message[: match.start()]
                    + f"{match.group(1).replace('at ', 'at line ')}{line}"
                    + message[match.end() :]
                )
    return message


def _csv_errors(path, read):
    """``read(pandas)`` with every reading problem of the CSV at ``path`` as
    one ValueError naming the file."""
    import pandas as pd

    if not path.exists():
        raise ValueError(f"cannot read CSV {str(path)!r}: no such file")
    if path.is_dir():
        raise ValueError(f"cannot read CSV {str(path)!r}: it is a directory")
    try:
        with warnings.catch_warnings():
            # index_col=False (csv_options): pandas warns, instead of taking
            # the first column for an index, when the first data row has
            # more fields than the header and a value in them
            warnings.filterwarnings(
                "error", "Length of header", category=pd.errors.ParserWarning
            )
            return read(pd)
    except pd.errors.ParserWarning:
        found = _extra_fields(path) or "a row has more fields than the header"
        raise ExtraFieldsError(
            f"cannot parse CSV {str(path)!r}: {found} ({_SEPARATOR_HINT})"
        ) from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"CSV {str(path)!r} is empty") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            _parquet_problem(path) or _encoding_problem(path, exc)
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        first = _file_lines(path, first)
        if re.search(r"Expected \d+ fields? in line", first):
            first += f" ({_SEPARATOR_HINT})"
        raise ValueError(
            _parquet_problem(path) or f"cannot parse CSV {str(path)!r}: {first}"
        ) from None
    except OSError as exc:
        raise ValueError(f"cannot read CSV {str(path)!r}: {exc.strerror}") from None


#: The command line's options naming the columns that :func:`load_table`
#: reads by role: the option, what its column holds and its default (None:
#: none), for the message of a column not found.
ROLE_OPTIONS = {
    "target": ("--target", "labels", "label"),
    "group": ("--group-column", "groups", None),
    "image": ("--image-column", "image paths", "image"),
    "text": ("--text-column", "texts", "text"),
}


def _check_columns(names, columns, csv_path, roles=None):
    """Every column of ``columns`` (None: not asked for) is among ``names``;
    ``roles`` maps a column to its role in :data:`ROLE_OPTIONS`, whose
    option the message of that column not found names."""
    names = list(names)
    missing = [c for c in columns if c is not None and c not in names]
    if missing:
        available = ", ".join(map(_shown_name, names))
        hint = ""
        if other_separator(names):
            hint = f" ({_SEPARATOR_HINT})"
        spaced = [
            repr(n)
            for n in names
            if str(n) != str(n).strip() and str(n).strip() in map(str, missing)
        ]
        if spaced:
            hint += (
                f" ({', '.join(spaced)}: spaces around a column's name are part "
                "of it; remove them from the header, or give the name with "
                "them, quoted)"
            )
        if names and str(names[0]).lstrip().startswith("{"):
            hint += (
                " (the file looks like JSON lines, not a CSV: convert it to CSV, "
                "e.g. with pandas.read_json(path, lines=True).to_csv)"
            )
        for column in missing:
            if column in (roles or {}):
                option, holds, default = ROLE_OPTIONS[roles[column]]
                default = f" (default {default!r})" if default else ""
                hint += (
                    f"; {column!r} is the {option} column{default}: pass "
                    f"{option} NAME, NAME the column of {holds}"
                )
        what = "column" if len(missing) == 1 else "columns"
        names = ", ".join(repr(c) for c in missing)
        raise ValueError(
            f"{what} {names} not found in {str(csv_path)!r}; "
            f"available columns: {available}{hint}"
        )


def _shown_name(name):
    """A column's name as :func:`_check_columns` lists it: as it is, or
    quoted (``' title'``) where it has spaces around it, holds a comma or
    is empty, so that the list shows it as the header holds it."""
    text = str(name)
    if not text or text != text.strip() or "," in text:
        return repr(text)
    return text


#: How an image cell's path that is not a regular file is named in
#: messages, by kind (``{where}``: the line and column of the first such
#: row), in the order the kinds are listed.
_BAD_PATHS = {
    "absent": "image file not found on {where}",
    "directory": "image path on {where} is a directory, not an image file",
    "special": "image path on {where} is not a regular file (a device, pipe "
    "or socket), not an image file",
    "url": "image cell on {where} is a URL; URLs are not read (download the "
    "image first: the library reads local paths, bytes and arrays)",
    "unreadable": "image path on {where} cannot be looked up",
}

#: Why an absent image file's cell starting with ``~`` was not found: cells
#: are file names, as pandas and the image readers take them, never
#: expanded as a shell would expand them.
TILDE_HINT = "`~` is not expanded in catalogue cells; write the full path"


def _looks_like_url(value):
    """Whether an image cell is a URL (``https://...``, ``s3://...``), as the
    image readers tell (:data:`skmultimodal.image._io._URL`)."""
    from skmultimodal.image._io import _URL

    return isinstance(value, str) and _URL.match(value) is not None


def _path_kind(path):
    """None when ``path`` is a regular file (what an image cell names), else
    ``"absent"``, ``"directory"``, ``"special"`` (a device, pipe or socket)
    or ``"unreadable"`` (the system cannot look it up: a link loop, a name
    too long, no permission): the kind of :func:`_path_problem`."""
    return _path_problem(path)[0]


def _path_problem(path):
    """``(kind, reason)``: :func:`_path_kind`'s kind of ``path``, with one
    ``stat`` call following links, and None or what the message adds: the
    system's reason a path could not be looked up, or, for an absent file,
    :func:`~skmultimodal.image._io.absent_hint`'s hint (the name stored in
    the other Unicode form, Windows separators, spaces around a part)."""
    import stat

    from skmultimodal.image._io import absent_hint

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:  # absent, or a broken link
        return "absent", absent_hint(str(path))
    except OSError as exc:  # a link loop, a name too long, no permission
        return "unreadable", exc.strerror or str(exc)
    except ValueError:  # a NUL in the path
        return "absent", None
    if stat.S_ISREG(mode):
        return None, None
    return ("directory" if stat.S_ISDIR(mode) else "special"), None


#: The folders of the entries that name an open file descriptor, as
#: :func:`os.path.realpath` gives them: ``/proc/<pid>/fd`` (and a thread's,
#: ``/proc/<pid>/task/<tid>/fd``) on Linux, ``/dev/fd`` elsewhere.
_DESCRIPTOR_FOLDER = re.compile(r"/dev/fd|/proc/[^/]+(?:/task/[^/]+)?/fd")


def _descriptor_alias(path):
    """Whether the absolute ``path`` names an open descriptor rather than a
    file in a folder: ``/dev/stdin``, ``/dev/fd/3``, ``/proc/self/fd/0``,
    or a link leading to one (each link of the chain is followed one at a
    time: the file a descriptor has open is in another folder). A file
    that merely lies under ``/dev`` (``/dev/shm/data.csv``) is not one."""
    import os

    for _ in range(40):  # the links the system follows at most
        folder = os.path.realpath(path.parent)
        if _DESCRIPTOR_FOLDER.fullmatch(folder):
            return True
        try:
            path = Path(folder, os.readlink(path))
        except OSError:  # not a link (or not one to look up): a file
            return False
    return False


def image_folder(path):
    """``(folder, why)``: the folder the relative image paths of the table
    file at ``path`` (a CSV or Parquet file) are read against, and None or
    why it is not the file's folder. That is the folder of ``path`` as
    given, made absolute without resolving links (a catalogue reached
    through a link reads the images next to the link, as its name says;
    one under ``/dev``, as ``/dev/shm``, too), unless ``path`` is not a
    regular file in a folder (a pipe: ``/dev/stdin``,
    ``<(zcat data.csv.gz)``; a device; a descriptor's alias, as
    ``/dev/stdin`` redirected from a file, :func:`_descriptor_alias`):
    then the current folder, and ``why`` says so."""
    import stat

    from skmultimodal.utils._paths import file_kind

    absolute = Path(path).absolute()
    try:
        mode = absolute.stat().st_mode
    except (OSError, ValueError):  # refused by the reader, naming it
        mode = stat.S_IFREG
    if stat.S_ISREG(mode) and not _descriptor_alias(absolute):
        return absolute.parent, None
    # /dev/stdin or /proc/self/fd/0 of a file, or a pipe or a device
    what = file_kind(mode) or "an open descriptor's alias"
    return Path.cwd(), f"{str(path)!r} is {what}, not a file in a folder"


def _bad_paths_text(kind, rows, column, unit, looked=True, reason=None, folder=None):
    """One message part naming every row of ``rows`` (``(label, cell value,
    resolved path)``), whose paths are all of ``kind``: the first row with
    its value (and, if ``looked``, the path it resolved to), the others by
    label. ``reason`` (the system's reason, or a hint) follows the kind;
    ``folder``, why relative paths were read from the current folder (see
    :func:`image_folder`), follows a relative first value."""
    label, value, path = rows[0]
    text = _BAD_PATHS[kind].format(where=f"{unit} {label} of column {column!r}")
    if reason:
        text += f" ({reason})"
    text += f": {value!r}"
    if looked and value != str(path):
        text += f" (looked for {str(path)!r})"
    if folder and kind != "url" and not Path(value).is_absolute():
        text += f" (relative to the current folder: {folder})"
    if len(rows) > 1:
        others = [other for other, *_ in rows[1:]]
        text += f", and on {_lines_text(others, limit=20, unit=unit)}"
    return text


class EmptiedImages:
    """The image paths that are not files, emptied (``absent_as_missing``)
    over the chunks of one read, by column: the first chunk to meet any in
    a column names them in its warning (:func:`_checked_images`), the later
    chunks only count theirs, and :meth:`warn_later` gives their number in
    one warning once every chunk is read. A file of many chunks warns
    twice, not once per chunk."""

    def __init__(self):
        self._columns = {}  # column -> [named, later, first label, last, kinds]

    def counted(self, column, kinds, labels):
        """Whether the emptied paths of a chunk (their ``kinds`` and row
        ``labels``, in row order) of ``column`` are only counted: an earlier
        chunk's warning named the column's first ones."""
        seen = self._columns.get(column)
        if seen is None:
            self._columns[column] = [len(labels), 0, None, None, set()]
            return False
        if not seen[1]:
            seen[2] = labels[0]
        seen[1] += len(labels)
        seen[3] = labels[-1]
        seen[4].update(kinds)
        return True

    def warn_later(self, path, unit="line"):
        """One :class:`~skmultimodal.image.ImageWarning` per column whose
        later chunks had such paths: how many, on which ``unit`` labels of
        the file at ``path``, and how many in all."""
        from skmultimodal.image._io import ImageWarning
        from skmultimodal.utils._parallel import warn_at_caller

        for column, (named, later, first, last, kinds) in self._columns.items():
            if not later:
                continue
            one = later == 1
            if kinds == {"absent"}:
                what = "image file not found" if one else "image files not found"
            else:
                what = "image path not found or not an image file"
                what = what if one else "image paths not found or not image files"
            where = f"{unit} {first}" if one else f"{unit}s {first} to {last}"
            warn_at_caller(
                f"{what} on {later} more {unit}{'' if one else 's'} of column "
                f"{column!r} in later chunks of {str(path)!r} ({where}); treated "
                f"as missing images, {named + later} in all",
                ImageWarning,
            )


def _checked_images(
    series,
    base_dir,
    column,
    allow_absent=False,
    absent_as_missing=False,
    unit="line",
    seen=None,
    folder_why=None,
):
    """Image paths relative to the table's folder -> absolute paths, the
    message parts of the paths that are not regular files (absent files,
    directories, devices), one per kind, and, when not one path of the
    column is a file, the advice that ends the message (else None): filling
    every row's image as missing leaves nothing to fit on.

    Every non-empty path must be a regular file unless ``allow_absent`` (the
    path is kept, unchecked: the model's missing policy then treats a file
    it cannot read as a missing image) or ``absent_as_missing`` (such a path
    becomes an empty cell here, with one
    :class:`~skmultimodal.image.ImageWarning` naming them all; no part is
    returned). Messages name the index label of a row as ``unit`` ("line"
    of a CSV, "row" of a Parquet file). ``seen`` (an
    :class:`EmptiedImages`, over the chunks of one read) has the warning
    given only for the first chunk to empty any path of the column, the
    later ones counted there. A cell is a file name, as pandas and the
    image readers take it: ``~`` is not expanded (an absent file whose
    cell starts with it is named with :data:`TILDE_HINT`). ``folder_why``
    (of :func:`image_folder`) says why ``base_dir`` is the current folder,
    not the table's: the messages then say it."""
    from skmultimodal.image._io import ImageWarning
    from skmultimodal.utils import is_missing
    from skmultimodal.utils._parallel import warn_at_caller

    check = absent_as_missing or not allow_absent
    resolved = []
    bad = {}  # (kind, reason) -> [(label, value, path, position)]
    for idx, value in series.items():
        if is_missing(value):
            resolved.append(None)
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            resolved.append(bytes(value))  # the encoded image (a Parquet binary
            continue  # column): read as it is, not as a path
        if check and _looks_like_url(value):
            bad.setdefault(("url", None), []).append(
                (plain_label(idx), str(value), value, len(resolved))
            )
            resolved.append(str(value))
            continue
        p = Path(str(value))  # a file name: no ``~`` expanded, as pandas
        if not p.is_absolute():
            p = base_dir / p
        kind, reason = _path_problem(p) if check else (None, None)
        if kind == "absent" and reason is None and str(value).startswith("~"):
            reason = TILDE_HINT
        if kind is not None:
            bad.setdefault((kind, reason), []).append(
                (plain_label(idx), str(value), p, len(resolved))
            )
        resolved.append(str(p))
    if not bad:
        return resolved, [], None
    # every row is named: one run tells the user all the paths to fix
    order = list(_BAD_PATHS)
    keys = sorted(bad, key=lambda key: (order.index(key[0]), key[1] or ""))
    kinds = list(dict.fromkeys(kind for kind, _ in keys))

    def texts(looked, folder):  # one message part per kind and reason
        return [
            _bad_paths_text(
                kind,
                [r[:3] for r in bad[kind, reason]],
                column,
                unit,
                looked=looked,
                reason=reason,
                folder=folder,
            )
            for kind, reason in keys
        ]

    if absent_as_missing:
        for rows in bad.values():
            for *_, position in rows:
                resolved[position] = None
        if seen is not None:
            rows = sorted((r[3], r[0]) for rows in bad.values() for r in rows)
            if seen.counted(column, kinds, [label for _, label in rows]):
                return resolved, [], None
        parts = texts(looked=False, folder=folder_why)
        several = sum(map(len, bad.values())) > 1
        # a warning, not a line on standard error: a caller can catch it, and
        # a Dask worker's (``predict_partitions``) reaches the calling process
        warn_at_caller(
            f"{'; '.join(parts)}; treated as "
            + ("missing images" if several else "a missing image"),
            ImageWarning,
        )
        return resolved, [], None
    advice = None
    if sum(map(len, bad.values())) == sum(v is not None for v in resolved):
        advice = f"not one image of column {column!r} can be read"
        if kinds != ["url"]:
            advice += f": {_folder_text(base_dir, folder_why, unit)}"
        advice += "; fix the paths, or leave the image modality out"
    parts = texts(looked=True, folder=None if advice else folder_why)  # advice says it
    return resolved, parts, advice


def _folder_text(base_dir, folder_why, unit="line"):
    """Which folder image paths are read relative to, as a message says it:
    ``base_dir``, the table's folder, or the current folder where
    ``folder_why`` (of :func:`image_folder`) says why."""
    if folder_why:
        return (
            f"image paths are read relative to the current folder, "
            f"{str(base_dir)!r}, as {folder_why}"
        )
    table = "CSV" if unit == "line" else "Parquet file"
    return (
        f"image paths are read relative to the {table}'s folder, "
        f"{str(base_dir)!r}, not the current folder"
    )


def model_columns(est, meta, image_column=None, text_column=None, *, hint):
    """``({"image": column, "text": column}, tabular columns)``: the columns
    of a file that a fitted model reads. The image and text columns are
    the arguments, else the model's metadata (as ``train`` saves it), else
    ``"image"`` and ``"text"`` where the model was fitted on columns of
    those names (its ``feature_names_in_``); the tabular columns are the
    metadata's, or, for a model whose metadata names no table column
    (``numeric_columns``, ``categorical_columns``: saved without ``train``'s
    metadata, or with its image and text columns only) and fitted on
    ``"image"`` or ``"text"``, every other column it was fitted on. A
    ValueError ending with ``hint`` when
    nothing is left to read."""
    fitted_on = [str(c) for c in getattr(est, "feature_names_in_", ())]
    given = {"image": image_column, "text": text_column}
    columns = {
        m: given[m] or meta.get(f"{m}_column") or (m if m in fitted_on else None)
        for m in ("image", "text")
    }
    tabular = (meta.get("numeric_columns") or []) + (
        meta.get("categorical_columns") or []
    )
    named = {"image", "text"} & set(fitted_on)
    told = {"numeric_columns", "categorical_columns"} & set(meta)
    if named and not (told and {"image_column", "text_column"} & set(meta)):
        # the metadata names no table column (saved without train's, or with
        # its image and text columns only), and the model was fitted on the
        # names a file's image and text columns get: the other columns it
        # was fitted on are its table columns
        modal = {"image", "text"}
        for column in columns.values():
            modal.update(column if isinstance(column, list | tuple) else [column])
        tabular = [c for c in fitted_on if c not in modal]
    if not any(columns.values()) and not tabular:
        raise ValueError(
            "no column of the file to read: the model's metadata names no image "
            "or text column, and the model was fitted on columns "
            f"{fitted_on or '(unnamed)'}, not 'image' or 'text'. A file's image "
            f"and text columns reach the model as 'image' and 'text': {hint}"
        )
    return columns, tabular


def _check_text_column(series, column, csv_path, unit="line"):
    """A column read as numbers (every non-empty cell numeric, so pandas
    parsed it as such) is not text: most likely the wrong ``--text-column``."""
    import pandas as pd

    if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
        return
    present = series[series.notna()]
    if present.empty:
        return  # every cell empty: the missing-modality policy decides
    line, value = present.index[0], present.iloc[0]
    raise ValueError(
        f"text column {column!r} of {str(csv_path)!r} holds numbers, not "
        f"texts ({unit} {plain_label(line)}: {plain_label(value)!r}); pass the "
        "column of texts with --text-column"
    )


def check_filled(values, column, path, kind="target", unit="line", task=None):
    """Refuse the empty cells of ``values``, the target (``kind``) or group
    column ``column`` of the table at ``path``, naming every one of their
    lines (``unit``), and saying what a cell of the ``task`` holds. A cell
    of whitespace only is empty, as everywhere else
    (:func:`~skmultimodal.utils.is_missing`), not a class or a group."""
    from skmultimodal.utils import is_missing

    empty = values.map(is_missing).to_numpy(dtype=bool)
    if empty.any():
        lines = [plain_label(v) for v in values.index[empty]]
        need = {
            "regression": "a number",
            "multilabel": "its labels, or the separator alone for a row with "
            "none (an empty label set)",
        }.get(task, "a label")
        raise ValueError(
            f"{kind} column {column!r} is empty on {_lines_text(lines, unit=unit)} "
            f"of {str(path)!r}; every row needs "
            f"{need if kind == 'target' else 'a group'}"
        )


def target_values(text, task="classification"):
    """The target column ``text`` (read as text, as written) as ``task``
    learns it: numbers where every filled cell is one (a regression target,
    and classes with fractions, refused then as classes), label sets
    (multi-label) as written, and class labels as numbers only where each
    is written as pandas writes the number back: ``1``, ``20`` or ``-3``,
    but not ``001`` (a code, which would merge with ``1``), ``1e5``, ``+7``
    or `` 1`` (padded with spaces), whose classes keep their text: two
    cells are one class only where they are written alike, as out of core
    (:func:`~skmultimodal.streaming.csv_chunks`, labels kept as text)."""
    import numpy as np
    import pandas as pd

    if task == "multilabel":
        return text
    filled = text.notna()
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers[filled].isna().any():  # a cell that is not a number
        return text
    present = numbers[filled].astype(float)
    if task == "regression" or (present != np.round(present)).any():
        return numbers
    written = numbers[filled].astype(str) == text[filled]
    return numbers if written.all() else text


def same_label_form(y, y_test):
    """The class labels of a training and a test table (arrays, of
    :func:`target_values`) in one form: as they are where both are text
    or both numbers of one kind (integers, or numbers written with a
    fraction, ``1.0``); else both as text, as the files write them (a
    class is a number only where its text is how the number is written).
    Where one holds ``001`` and the other only numbers, ``1`` and ``001``
    are then two classes, as written, not a mix of types; so are ``1.0``
    and ``1``."""
    import numpy as np

    y, y_test = np.asarray(y), np.asarray(y_test)
    if y.dtype.kind == y_test.dtype.kind:
        return y, y_test
    return y.astype(str).astype(object), y_test.astype(str).astype(object)


def _check_target(y, target, csv_path, task="classification", test_table=False):
    """Every row of the target ``y`` holds a value, and not the same one:
    at least 2 classes for a classifier, 2 distinct values for a regressor,
    2 distinct label sets for multi-label learning (``task``). A
    ``test_table``, only scored, may hold one class."""
    import pandas as pd

    check_filled(y, target, csv_path, task=task)
    values = pd.unique(y)
    if len(values) >= 2 or (test_table and task == "classification"):
        return
    value = plain_label(values[0])
    where = f"target column {target!r} of {str(csv_path)!r}"
    if task == "regression":
        raise ValueError(
            f"{where} holds one value only ({value!r}) in every row: nothing "
            "to regress (R² is undefined for a constant target); a regression "
            "target needs at least 2 distinct values"
        )
    if task == "multilabel":
        raise ValueError(
            f"{where} holds the same label set ({value!r}) in every row: "
            "nothing to learn; a multi-label target needs rows whose labels "
            "differ"
        )
    raise ValueError(
        f"{where} has a single class ({value!r}); a classifier needs at least 2 classes"
    )


def load_table(
    csv,
    *,
    image_column,
    text_column,
    target=None,
    task="classification",
    group_column=None,
    tabular_columns=(),
    categorical_columns=(),
    allow_absent_images=False,
    absent_images_as_missing=False,
    refuse_empty=(),
    test_table=False,
    own_columns=None,
    fitted_modalities=(),
):
    """Read a CSV of image paths, texts and labels.

    Returns ``(X, y, groups)``: X a DataFrame with columns ``image`` and/or
    ``text`` (image paths made absolute, relative ones resolved against the
    CSV's folder, see :func:`image_folder`), y a Series or None, groups a
    Series or None. Their index is the CSV line number of each row (the
    header is line 1, the first row line 2; blank lines and line breaks
    inside quoted fields are not counted), so messages citing index labels
    point into the file. An image path that is not a regular file (absent,
    a directory) is an error unless
    ``allow_absent_images`` (the path is kept; the model's image extractors
    report it) or ``absent_images_as_missing`` (the cell is emptied, with a
    warning). ``task`` (``"classification"``, ``"regression"`` or
    ``"multilabel"``) is what the ``target`` is learned for: a target with
    one value in every row is refused in its terms (but a ``test_table``,
    only scored, may hold one class); its cells are read as text and typed
    by :func:`target_values` (the class ``001`` stays ``"001"``).
    ``tabular_columns`` are copied into X under their own names; those of
    ``categorical_columns`` are read as text, as written (``007`` stays
    ``"007"``), the others as numbers, pandas' missing marks (``NA``,
    ``null``...) missing (see :func:`csv_roles`). Elsewhere only an empty
    cell is missing: a class or a group ``NA`` is one. ``own_columns``
    (``{"image": [...], "text": [...]}``) names those of the
    ``tabular_columns`` that are several image and text columns read under
    their own names: read as the image and text columns are, not as
    numbers (a text ``NA`` stays one).
    ``refuse_empty`` names the modalities (``"image"``, ``"text"``,
    ``"tabular"``) whose empty cells are refused, as the ``raise`` policy
    does (see :func:`check_no_missing`): one ValueError then names every
    such path and every such empty cell, by kind and column.
    ``fitted_modalities`` (``"image"``, ``"text"``) are those a model is
    fitted on: a column of one of them empty in every row is refused
    whatever the policy (filling it leaves nothing to fit on). Every problem
    is a ValueError naming the file, column and line.
    """
    csv = Path(csv)
    own = own_columns or {}
    roles = csv_roles(
        [image_column, *own.get("image", ())],
        [text_column, *own.get("text", ())],
        [target, group_column],
        tabular_columns,
        categorical_columns,
        texts_as_written=False,  # a column of numbers is refused as texts
    )
    df = _read_csv(csv, *roles)
    df.index = df.index + FIRST_DATA_LINE  # index labels are CSV line numbers
    tabular_columns = list(tabular_columns)
    by_role = {image_column: "image", text_column: "text"}
    by_role |= {c: m for m in ("image", "text") for c in own.get(m, ())}
    by_role |= {target: "target", group_column: "group"}
    _check_columns(
        df.columns,
        [image_column, text_column, target, group_column, *tabular_columns],
        csv,
        by_role,
    )
    _refuse_all_empty(
        df, {"image": image_column, "text": text_column}, csv, fitted_modalities
    )
    X = _modalities(
        df,
        csv,
        image_column,
        text_column,
        allow_absent_images,
        absent_images_as_missing,
        tabular_columns,
        refuse_empty=refuse_empty,
    )
    y = groups = None
    if target is not None:
        y = target_values(df[target], task)
        _check_target(y, target, csv, task, test_table)
    if group_column is not None:
        groups = df[group_column]
        check_filled(groups, group_column, csv, "group")
    return X, y, groups


def iter_table(
    csv,
    *,
    image_column,
    text_column,
    chunksize,
    keep_columns=(),
    tabular_columns=(),
    categorical_columns=(),
    allow_absent_images=False,
    absent_images_as_missing=False,
    refuse_empty=None,
    texts_as_written=False,
):
    """:func:`load_table` for prediction, ``chunksize`` rows at a time.

    Yields ``(X, kept)`` per chunk: X as :func:`load_table` gives it (index
    labels are CSV line numbers, as in the whole table), ``kept`` the
    ``keep_columns`` of those rows, as written: read as text (``000123``
    stays ``"000123"`` whatever the chunk; a numeric table column too, which
    X has as numbers), unless read as the texts (see :func:`csv_roles`).
    Only one chunk of the file is in memory at a time;
    ``categorical_columns`` are read as text, as :func:`load_table` reads
    them. ``refuse_empty=None`` (the default) refuses the empty image and
    text cells when neither
    ``allow_absent_images`` nor ``absent_images_as_missing`` is set (the
    ``raise`` policy): each chunk's problems are then one ValueError naming
    them all. With ``absent_images_as_missing``, the warning naming the
    emptied paths is given for the first chunk that has any; those of the
    later chunks are counted, in one warning once the last chunk is read.
    The text columns are read as text, as written, in every chunk (a title
    ``2024`` is a text whatever the chunk holds besides). With
    ``texts_as_written`` (a model's text columns, at prediction) that is
    all; without, a text column that the whole file writes as numbers only
    (which :func:`load_table` refuses) is refused once its last chunk is
    read (:class:`_NumbersOnly`), whatever ``chunksize``.
    """
    csv = Path(csv)
    _check_unique_header(csv)
    text, numeric = csv_roles(
        image_column, text_column, keep_columns, tabular_columns, categorical_columns
    )
    options = csv_options(text)
    reader = _csv_errors(
        csv, lambda pd: pd.read_csv(csv, chunksize=chunksize, **options)
    )
    numbers = _NumbersOnly([] if texts_as_written else _names_of(text_column))

    def frames():
        chunks = iter(reader)
        try:
            while True:
                df = _csv_errors(csv, lambda pd: next(chunks, None))
                if df is None:
                    numbers.refuse(csv)
                    return
                df.index = df.index + FIRST_DATA_LINE
                numbers.see(df)
                yield missing_numbers(df, numeric), df  # kept: as written
        finally:
            reader.close()

    yield from _checked_chunks(
        frames(),
        csv,
        image_column=image_column,
        text_column=text_column,
        keep_columns=keep_columns,
        tabular_columns=tabular_columns,
        allow_absent_images=allow_absent_images,
        absent_images_as_missing=absent_images_as_missing,
        refuse_empty=refuse_empty,
    )


class _NumbersOnly:
    """The text columns of a CSV read in chunks, as written, that hold only
    numbers so far: :meth:`see` each chunk, then :meth:`refuse` the columns
    that every chunk wrote as numbers, as pandas reads a whole file's column
    (:func:`_check_text_column`). A column with a cell that is not a number
    is a text column and is not looked at again."""

    def __init__(self, columns):
        self._first = dict.fromkeys(columns)  # column -> typed cells or None

    def see(self, df):
        import io

        import pandas as pd

        for column in [c for c in self._first if c in df.columns]:
            written = df[[column]].to_csv(index=False)
            typed = pd.read_csv(
                io.StringIO(written), **csv_options(), skip_blank_lines=False
            ).iloc[:, 0]
            typed.index = df.index
            if pd.api.types.is_object_dtype(typed) or pd.api.types.is_string_dtype(
                typed
            ):
                del self._first[column]  # a text: the column is a text column
            elif self._first[column] is None and typed.notna().any():
                self._first[column] = typed  # names its first number

    def refuse(self, path):
        for column, typed in self._first.items():
            if typed is not None:
                _check_text_column(typed, column, path)


def iter_parquet(
    path,
    *,
    image_column,
    text_column,
    chunksize,
    keep_columns=(),
    tabular_columns=(),
    allow_absent_images=False,
    absent_images_as_missing=False,
    refuse_empty=None,
    read_columns=(),
):
    """:func:`iter_table` for a Parquet file, read in row batches.

    Yields ``(X, kept)`` per batch of at most ``chunksize`` rows, as
    :func:`iter_table` does; the index labels are row numbers, from
    :data:`FIRST_PARQUET_ROW` (0), and messages say ``row N``. Image paths
    are relative to the file's folder. Only the columns asked for are read
    (needs pyarrow, the ``parquet`` extra); dictionary-encoded columns are
    decoded, so a column holds what a CSV of the same table would. A kept
    column is kept as its Arrow type where pandas would give it back as
    another (see :func:`typed_columns`), so that a Parquet output has it
    exactly as the file stores it, in every chunk, also when X has it (a
    numeric table column, read as pandas reads it); ``read_columns`` names
    kept columns that are read as modalities from ``kept`` (several image
    or text columns under their own names), which are kept as pandas reads
    them. Every problem is a one-line ValueError naming the file (and the
    column and rows).
    """
    from skmultimodal.utils._output import _pyarrow

    path = Path(path)
    pa, pq = _pyarrow("reading", "or pass the table as a CSV file")
    source = _parquet_errors(pa, path, lambda: pq.ParquetFile(path))
    keep_columns, tabular_columns = list(keep_columns), list(tabular_columns)
    wanted = [image_column, text_column, *tabular_columns, *keep_columns]
    _check_unique(source.schema_arrow.names, path, "Parquet file")
    _check_columns(source.schema_arrow.names, wanted, path)
    if source.metadata.num_rows == 0:
        source.close()
        raise ValueError(f"Parquet file {str(path)!r} has no rows")
    columns = list(dict.fromkeys(c for c in wanted if c is not None))
    # ``read_columns``: kept columns a model reads under their own names (a
    # model fitted on them) from the kept copy, as pandas reads them; X has
    # the other columns a model reads as pandas reads them, whatever kept
    typed = typed_columns(pa, source.schema_arrow, keep_columns, read_columns)

    def frames():
        batches = source.iter_batches(batch_size=chunksize, columns=columns)
        start = FIRST_PARQUET_ROW
        try:
            while True:
                batch = _parquet_errors(pa, path, lambda: next(batches, None))
                if batch is None:
                    return
                df = parquet_frame(pa, batch)
                df.index = range(start, start + len(df))
                start += len(df)
                yield df, _typed_kept(df, batch, typed)
        finally:
            source.close()

    yield from _checked_chunks(
        frames(),
        path,
        image_column=image_column,
        text_column=text_column,
        keep_columns=keep_columns,
        tabular_columns=tabular_columns,
        allow_absent_images=allow_absent_images,
        absent_images_as_missing=absent_images_as_missing,
        refuse_empty=refuse_empty,
        kind="Parquet file",
        unit="row",
    )


def _parquet_errors(pa, path, read):
    """``read()`` with every problem reading the Parquet file at ``path`` as
    one ValueError naming the file."""
    if not path.exists():
        raise ValueError(f"cannot read Parquet file {str(path)!r}: no such file")
    if path.is_dir():
        raise ValueError(f"cannot read Parquet file {str(path)!r}: it is a directory")
    try:
        return read()
    except (pa.ArrowException, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ValueError(f"cannot parse Parquet file {str(path)!r}: {first}") from None
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise ValueError(f"cannot read Parquet file {str(path)!r}: {why}") from None


def _decoded(pa, data):
    """An Arrow record batch or table with its dictionary-encoded columns
    decoded (pandas would make them categoricals, which a CSV never gives),
    and the schema's metadata kept: the file's pandas metadata still reads
    an ``Int64`` column as one, not as floats."""
    schema = data.schema
    if not any(pa.types.is_dictionary(f.type) for f in schema):
        return data
    arrays = [  # a cast, not dictionary_decode: a table's columns are chunked
        a.cast(a.type.value_type) if pa.types.is_dictionary(a.type) else a
        for a in data.columns
    ]
    fields = [f.with_type(a.type) for f, a in zip(schema, arrays)]
    return type(data).from_arrays(
        arrays, schema=pa.schema(fields, metadata=schema.metadata)
    )


def parquet_frame(pa, data):
    """The rows of ``data`` (an Arrow record batch or table read from a
    Parquet file) as pandas reads them, dictionary-encoded columns
    :func:`_decoded` and a named pandas index as a column."""
    df = _decoded(pa, data).to_pandas()
    if any(name is not None for name in df.index.names):
        df = df.reset_index()
    return df


def typed_columns(pa, schema, keep_columns, read_columns):
    """The kept columns ``keep_columns`` of a Parquet file (of Arrow
    ``schema``) to read as ``pandas.ArrowDtype`` columns (see
    :func:`_typed_kept`): of those not among ``read_columns`` (the columns
    a model reads from the kept copy, which are kept as pandas reads them),
    those that pandas would write back as another Arrow type or with other
    values (an integer column with nulls as floats, a ``decimal128`` of
    another precision, a string column as ``large_string``). A column
    pandas reads with a dtype that does not depend on its values and writes
    back as stored (one the file's pandas metadata names, such as ``Int64``,
    or a time zone's) is read as pandas reads it."""
    import pandas as pd

    read = set(read_columns)
    fields = [schema.field(name) for name in keep_columns if name not in read]
    if not fields:
        return []
    empty = pa.RecordBatch.from_arrays(
        [pa.array([], f.type) for f in fields],
        schema=pa.schema(fields, metadata=schema.metadata),
    )
    df = parquet_frame(pa, empty)
    dtypes = {str(c): t for c, t in df.dtypes.items()}
    try:
        back = pa.Table.from_pandas(df, preserve_index=False).schema
    except (pa.ArrowException, TypeError, ValueError):
        return [f.name for f in fields]  # pandas cannot write them back
    return [
        f.name
        for f in fields
        if not isinstance(dtypes.get(f.name), pd.api.extensions.ExtensionDtype)
        or back.get_field_index(f.name) < 0
        or not back.field(f.name).type.equals(f.type)
    ]


def _typed_kept(df, data, typed):
    """``df`` (a chunk as pandas reads it) with its columns ``typed`` taken
    from ``data``, the Arrow record batch or table of the same rows, as
    ``pandas.ArrowDtype`` columns: their Arrow types and values, nulls as
    nulls, which ``pyarrow.Table.from_pandas`` writes back as they are."""
    import pandas as pd

    if not typed:
        return df
    arrays = pd.arrays.ArrowExtensionArray
    return df.assign(
        **{name: pd.Series(arrays(data.column(name)), index=df.index) for name in typed}
    )


def _checked_chunks(
    frames,
    path,
    *,
    image_column,
    text_column,
    keep_columns,
    tabular_columns,
    allow_absent_images,
    absent_images_as_missing,
    refuse_empty=None,
    kind="CSV",
    unit="line",
):
    """``(X, kept)`` of each pair ``(df, written)`` of ``frames`` (read from
    ``path``, a ``kind`` file whose rows are labelled by ``unit``; ``df``
    the chunk as the model reads it, ``written`` the same rows as they are
    kept): the columns checked on the first one, then :func:`_modalities`
    of each ``df`` (``refuse_empty``: as :func:`iter_table` takes it) and
    the ``keep_columns`` of ``written``. The image paths that are not files
    (``absent_images_as_missing``) are named by the warning of the first
    chunk with any, and counted in one warning once every chunk is read
    (see :class:`EmptiedImages`)."""
    keep_columns, tabular_columns = list(keep_columns), list(tabular_columns)
    if refuse_empty is None:  # the raise policy refuses every empty modality
        policy_raise = not (allow_absent_images or absent_images_as_missing)
        refuse_empty = ("image", "text") if policy_raise else ()
    first, seen = True, EmptiedImages()
    for df, written in frames:
        if df.empty and first:  # a header-only CSV read in chunks
            continue
        if first:
            wanted = [image_column, text_column, *tabular_columns, *keep_columns]
            _check_columns(df.columns, wanted, path)
            first = False
        X = _modalities(
            df,
            path,
            image_column,
            text_column,
            allow_absent_images,
            absent_images_as_missing,
            tabular_columns,
            kind=kind,
            unit=unit,
            refuse_empty=refuse_empty,
            seen=seen,
        )
        yield X, written[keep_columns]
    seen.warn_later(path, unit)
    if first:
        raise ValueError(f"{kind} {str(path)!r} has a header but no rows")


def _refuse_all_empty(df, columns, path, modalities):
    """Refuse a column of ``modalities`` (``{modality: column}`` of ``df``,
    read from ``path``) that is empty in every row: no model has that
    modality to fit on, and a missing-modality policy would fill it in
    every row."""
    from skmultimodal.utils import is_missing

    for modality in modalities:
        column = columns.get(modality)
        if column is None or not len(df) or not df[column].map(is_missing).all():
            continue
        exc = ValueError(
            f"modality {modality!r} (column {column!r}) is empty in every row "
            f"of {str(path)!r} ({len(df)} rows): there is no {modality} to fit "
            "a model on, and a missing-modality policy would fill it in every "
            f"row; fill the column, or leave the {modality} modality out"
        )
        exc.empty_modality = modality  # for a caller's own way to leave it out
        raise exc


def _modalities(
    df,
    csv,
    image_column,
    text_column,
    allow_absent_images,
    absent_images_as_missing,
    tabular_columns=(),
    *,
    kind="CSV",
    unit="line",
    refuse_empty=(),
    seen=None,
):
    """The ``image`` and ``text`` columns of a read table, checked, and its
    ``tabular_columns`` under their own names. Every image path that is not
    a regular file (unless ``allow_absent_images`` or
    ``absent_images_as_missing``; ``seen``: as :func:`_checked_images` takes
    it) and every empty cell of the modalities of ``refuse_empty`` (see
    :func:`check_no_missing`) is refused by one ValueError naming them all,
    by kind and column."""
    import pandas as pd

    X = pd.DataFrame(index=df.index)
    bad_paths, advice = [], None
    if image_column is not None:
        folder, why = image_folder(csv)
        X["image"], bad_paths, advice = _checked_images(
            df[image_column],
            folder,
            image_column,
            allow_absent_images,
            absent_images_as_missing,
            unit=unit,
            seen=seen,
            folder_why=why,
        )
    if text_column is not None:
        _check_text_column(df[text_column], text_column, csv, unit=unit)
        X["text"] = df[text_column].astype(object)
    named = {"image": image_column, "text": text_column}
    for column in tabular_columns:
        # the name of a modality column read above (a column read under its
        # own name, several of a modality, may be called "image")
        if named.get(column) is not None:
            raise ValueError(
                f"table column {column!r} of {str(csv)!r} is named like a "
                f"modality; rename it in the {kind}"
            )
        X[column] = df[column]
    columns = {"image": image_column, "text": text_column}
    empty = _empty_parts(X, refuse_empty, columns, tabular_columns, unit)
    if bad_paths or empty:
        raise ValueError(_refusal(bad_paths, empty, csv, advice))
    return X


def _lines_text(lines, limit=50, unit="line"):
    """``"lines 3, 7 and 12"`` (at most ``limit`` shown, then a count)."""
    shown = [str(v) for v in lines[:limit]]
    if len(lines) > limit:
        return f"{unit}s {', '.join(shown)} and {len(lines) - limit} more"
    if len(shown) == 1:
        return f"{unit} {shown[0]}"
    return f"{unit}s {', '.join(shown[:-1])} and {shown[-1]}"


def _empty_parts(X, modalities, columns, tabular_columns, unit):
    """The message parts naming the rows of ``X`` whose ``modalities`` are
    empty, one per modality: an empty cell of ``image`` or ``text``, or,
    for ``"tabular"``, every one of ``tabular_columns`` empty."""
    from skmultimodal.utils import is_missing

    parts = []
    for name in modalities:
        if name == "tabular":
            cols = [c for c in tabular_columns if c in X.columns]
            if not cols:
                continue
            # an empty or whitespace-only cell is missing, as in the pipeline
            mask = X[cols].map(is_missing).all(axis=1).to_numpy(dtype=bool)
            where = f"columns {', '.join(map(repr, cols))}"
        elif name in X.columns:
            mask = X[name].map(is_missing).to_numpy(dtype=bool)
            where = f"column {columns.get(name) or name!r}"
        else:
            continue
        if mask.any():
            lines = [plain_label(v) for v in X.index[mask]]
            parts.append(
                f"modality {name!r} ({where}) is empty in {len(lines)} row(s), "
                f"on {_lines_text(lines, unit=unit)}"
            )
    return parts


def _refusal(bad_paths, empty, path, advice=None):
    """One message of every problem of the table at ``path`` that the
    ``raise`` policy refuses: the parts of :func:`_checked_images` (image
    paths that are not files) and of :func:`_empty_parts` (empty cells),
    then what to do: ``advice`` where a column has no image file at all
    (a missing policy would leave its modality missing in every row)."""
    text = f"{'; '.join([*bad_paths, *empty])} of {str(path)!r}"
    if advice:
        return f"{text}; {advice}"
    if not empty:
        return (
            f"{text}; missing='mean' (or 'zero', 'indicator') treats such a path "
            "as a missing image"
        )
    also = " (a path that is not an image file counts as a missing image)"
    return (
        f"{text}; with missing='raise' every row needs every modality: pass "
        "missing='zero', 'mean' or 'indicator' to fill missing modalities"
        f"{also if bad_paths else ''}, or drop those rows"
    )


def check_no_missing(X, modalities, columns, csv_path, *, unit="line", tabular=()):
    """Refuse, before anything is fitted, rows whose ``modalities`` cell is
    empty (the ``raise`` policy), listing every such CSV line of the table.

    ``columns`` maps a modality to its CSV column name (for the message);
    ``"tabular"`` among ``modalities`` refuses the rows whose ``tabular``
    columns are all empty. ``unit`` is what the index labels count ("line"
    of a CSV, "row" of a Parquet file).
    """
    empty = _empty_parts(X, modalities, columns, tabular, unit)
    if empty:
        raise ValueError(_refusal([], empty, csv_path))


def own_modalities(
    X,
    kept,
    own,
    path,
    policy,
    unit,
    *,
    keep_absent=False,
    check_images=True,
    seen=None,
):
    """``X`` (a chunk's table columns) with the image and text columns of
    ``own`` (the command line's ``_own_columns``: ``{"image": [...], "text": [...],
    "read": [...], "order": [...]}``) read from ``kept``, the chunk's raw
    columns, as the renamed ones are: image paths resolved against the
    file's folder, text columns checked, and with the ``raise`` policy
    every path that is not a file and every empty cell refused, all in one
    message. Otherwise a path that is not a file becomes an empty cell with
    a warning, or with ``keep_absent`` is kept for the model to find
    unreadable (as ``iter_table(allow_absent_images=True)`` keeps it).
    With ``check_images=False`` (no model reads the images) the image paths
    are resolved and their files not looked at, whatever the policy.
    ``seen`` (an :class:`EmptiedImages` over the chunks of one read) warns
    of a column's paths that are not files for its first chunk with any
    only, counting the later ones."""
    X = X.copy()
    bad, advice = [], []
    folder, why = image_folder(path)
    for column in own["image"]:
        X[column], parts, every = _checked_images(
            kept[column],
            folder,
            column,
            allow_absent=not check_images or (keep_absent and policy != "raise"),
            absent_as_missing=check_images and not keep_absent and policy != "raise",
            unit=unit,
            seen=seen,
            folder_why=why,
        )
        bad += parts
        advice += [every] if every else []
    for column in own["text"]:
        _check_text_column(kept[column], column, path, unit=unit)
        X[column] = kept[column].astype(object)
    refuse = own["read"] if policy == "raise" else []
    empty = _empty_parts(X, refuse, {}, [], unit)
    if bad or empty:
        raise ValueError(_refusal(bad, empty, path, "; ".join(advice)))
    return X[own["order"]]
