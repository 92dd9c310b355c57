"""Costs measured by the benchmarks: table categories made once per
distinct value (the same cells as cell by cell), and the file stamps of
``memory=`` taken once per distinct name (a changed file still a miss)."""

import datetime
import decimal
import os

import numpy as np
import pandas as pd
import pytest

import skmultimodal.pipeline as pipeline_module
import skmultimodal.utils
from skmultimodal.pipeline import _TableCells
from skmultimodal.utils import _memory
from skmultimodal.utils._memory import FileStampMemory, file_stamp


# -- 1. table categories ------------------------------------------------------
def _one_by_one(cells, skip):
    """``_TableCells._distinct`` as if no cells were equal: each its own."""
    kept = np.flatnonzero(~skip)
    codes = np.full(len(cells), -1, dtype=np.intp)
    codes[kept] = np.arange(len(kept))
    return codes, cells.iloc[kept].astype(object).tolist()


def _same(a, b):
    """Cell arrays equal cell by cell: missing alike, else the same type and
    the same repr (so -0.0 is not 0.0, nor a time in another zone)."""
    assert a.shape == b.shape
    for x, y in zip(a.ravel().tolist(), b.ravel().tolist()):
        if pd.isna(x) is True or pd.isna(y) is True:
            assert pd.isna(x) is True and pd.isna(y) is True, (x, y)
        else:
            assert type(x) is type(y) and repr(x) == repr(y), (x, y)


def _columns(n=60):
    utc = pd.Timestamp("2024-01-02 10:00", tz="UTC")
    mixed = [1, 1.0, True, "1", decimal.Decimal("1.0"), -0.0, 0.0, None, "", " "]
    mixed += [[1, 2], "007", "7", utc, utc.tz_convert("Europe/Paris"), "a"]
    cycle = np.arange(n) % len(mixed)
    return pd.DataFrame(
        {
            "mixed": pd.Series([mixed[i] for i in cycle], dtype=object),
            "text": pd.Series(["a", "b", " ", "", None, "3", "03"] * 10)[:n],
            "object_text": pd.Series(["b", "a", "3", None, " 3"] * 12, dtype=object),
            "category": pd.Categorical(["x", "y", None, "z"] * 15)[:n],
            "int_category": pd.Categorical([3, 1, 2] * 20)[:n],
            "floats": [0.0, -0.0, 1.5, np.nan, 2.0, 3.0] * 10,
            "ints": np.arange(n) % 7,
            "bools": np.arange(n) % 2 == 0,
            "dates": pd.date_range("2024-01-01", periods=n, freq="12h"),
            "zoned": pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC"),
            "nullable": pd.array([1, None, 3] * 20, dtype="Int64")[:n],
            "dates_as_text": ["2024-01-02 00:00:00", "2024-01-02", "x"] * 20,
        }
    )


@pytest.mark.parametrize("column", list(_columns().columns))
def test_categories_by_distinct_value_are_those_cell_by_cell(column, monkeypatch):
    frame = _columns()[[column]]
    new = frame.iloc[::-1].reset_index(drop=True)  # other rows first in transform
    new.iloc[0, 0] = "unseen" if frame[column].dtype == object else new.iloc[0, 0]
    fast = _TableCells("categorical")
    got = fast.fit_transform(frame), fast.transform(frame), fast.transform(new)
    monkeypatch.setattr(_TableCells, "_distinct", staticmethod(_one_by_one))
    slow = _TableCells("categorical").fit(frame)
    want = slow.transform(frame), slow.transform(frame), slow.transform(new)
    for a, b in zip(got, want):
        _same(a, b)
    assert fast._as_text == slow._as_text
    # fit_transform is fit then transform
    _same(_TableCells("categorical").fit(frame).transform(frame), got[0])


def test_categories_made_once_per_distinct_value(monkeypatch):
    n = 3_000
    frame = pd.DataFrame(
        {
            "brand": np.array(["acme", "bolt", None], dtype=object)[np.arange(n) % 3],
            "colour": pd.Categorical(["red", "blue"] * (n // 2)),
            "code": np.arange(n) % 4,
        }
    )
    calls = []

    def counted(func):
        def call(value):
            calls.append(value)
            return func(value)

        return call

    for name in ("_category_text", "_category_number"):
        monkeypatch.setattr(
            pipeline_module, name, counted(getattr(pipeline_module, name))
        )
    monkeypatch.setattr(
        skmultimodal.utils, "is_missing", counted(skmultimodal.utils.is_missing)
    )
    cells = _TableCells("categorical")
    out = cells.fit_transform(frame)
    cells.transform(frame)
    # 2 + 2 + 4 distinct values, each looked at a few times per pass, not
    # each of the 3,000 cells
    assert len(calls) < 100, len(calls)
    assert out[0].tolist() == ["acme", "red", 0]
    assert pd.isna(out[2, 0])


# -- 2. file stamps of memory= ------------------------------------------------
def test_stamp_looks_up_each_distinct_name_once(tmp_path, monkeypatch):
    f = tmp_path / "f.png"
    f.write_bytes(b"x")
    texts = [f"some words {i}" for i in range(2_000)] + [str(f)] * 2_000
    stats = []
    real = os.stat

    def stat(path, *args, **kwargs):
        stats.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    stamp = file_stamp([pd.Series(texts), np.array(texts, dtype=object)])
    monkeypatch.undo()
    found = os.stat(f)
    assert stamp == [(str(f), found.st_mtime_ns, found.st_size)]
    # cell by cell: 8,000 os.stat calls; a name of no file needs none where
    # os.access answers for os.stat (same real and effective ids)
    assert len(stats) <= (1 if _memory._access_as_stat() else 2_001), len(stats)


_CALLS = []


def _featurize(rows):
    _CALLS.append(len(rows))
    return len(rows)


def _cached_calls(tmp_path):
    _CALLS.clear()
    return FileStampMemory(tmp_path / "cache").cache(_featurize), _CALLS


def test_stamp_still_sees_a_file_change(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.png").write_bytes(b"a")
    rows = pd.Series(["a.png", "b.png", "words"] * 500)
    cached, calls = _cached_calls(tmp_path)
    cached(rows)
    cached(rows)
    assert calls == [1500]  # a hit
    (tmp_path / "a.png").write_bytes(b"aa")  # rewritten in place
    cached(rows)
    assert calls == [1500] * 2
    (tmp_path / "b.png").write_bytes(b"b")  # a text that now names a file
    cached(rows)
    assert calls == [1500] * 3
    os.utime(tmp_path / "b.png", ns=(1, 10**18))  # only its time
    cached(rows)
    assert calls == [1500] * 4
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.png").write_bytes(b"a")
    monkeypatch.chdir(other)  # the same relative names, other files
    cached(rows)
    assert calls == [1500] * 5
    cached(rows)
    assert calls == [1500] * 5


def test_stamp_takes_path_objects_and_skips_other_cells(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    found = os.stat(f)
    cells = np.array(
        ["x" * 5000, "a\0b", f, str(f), "", 3, None, datetime.date(2024, 1, 2)],
        dtype=object,
    )
    entry = (str(f), found.st_mtime_ns, found.st_size)
    assert file_stamp([cells]) == [entry, entry]
