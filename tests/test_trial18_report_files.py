"""A report written over an earlier one changes all its files together: a
failure or Ctrl-C while the new files are written leaves the earlier
report whole (no new figure beside the old page), and no temporary file.
``short_name`` cuts a long name in one pass, never inside a character."""

import os

import pytest

import skmultimodal.utils._io as io_module
from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models
from skmultimodal.report import write_report
from skmultimodal.utils._io import NAME_MAX, replace_files, short_name


def _interrupt_at(monkeypatch, call, exc=KeyboardInterrupt):
    """``os.fsync`` (as ``skmultimodal.utils._io`` calls it) raises ``exc``
    at its ``call``-th call: an interruption while the files are written."""
    real, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == call:
            raise exc
        return real(fd)

    monkeypatch.setattr(io_module.os, "fsync", fsync)
    return calls


def _contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _files(folder):
    """Each file's bytes and inode: a file replaced by an identical one
    (the same figure drawn again) is a new inode."""
    return {p.name: (p.read_bytes(), p.stat().st_ino) for p in sorted(folder.iterdir())}


def test_replace_files_writes_every_file(tmp_path):
    (tmp_path / "a.txt").write_text("old")
    replace_files(tmp_path, {"a.txt": "new é", "b.bin": b"\x00\x01"})
    assert _contents(tmp_path) == {"a.txt": "new é".encode(), "b.bin": b"\x00\x01"}


@pytest.mark.parametrize("call", [1, 2, 3])
@pytest.mark.parametrize("exc", [KeyboardInterrupt, OSError(28, "No space")])
def test_replace_files_interrupted_changes_nothing(tmp_path, monkeypatch, call, exc):
    for name in "abc":
        (tmp_path / name).write_text(f"old {name}")
    before = _contents(tmp_path)
    _interrupt_at(monkeypatch, call, exc)
    with pytest.raises(type(exc) if isinstance(exc, OSError) else exc) as info:
        replace_files(tmp_path, {name: f"new {name}" for name in "abcd"})
    assert _contents(tmp_path) == before  # old files whole, no temporary file
    if isinstance(exc, OSError):  # the file being written is named
        assert info.value.errno == 28
        assert f"cannot write {str(tmp_path / 'abc'[call - 1])!r}" in str(info.value)


@pytest.fixture(scope="module")
def results():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    models = {
        "text-only": make_multimodal_pipeline(image=None),
        "late": make_multimodal_pipeline(
            method="late", image_features="pixels", random_state=0
        ),
    }
    return compare_models(models, X, y, cv=2)


@pytest.mark.parametrize("call", [1, 2, 3, 4])
def test_report_interrupted_over_an_earlier_one_leaves_it_whole(
    tmp_path, monkeypatch, results, call
):
    out = write_report(tmp_path / "report", results, dataset="first")
    (out / "notes.txt").write_text("mine")
    before = _files(out)
    assert len(before) == 5  # two figures, metrics.json, report.html, notes
    calls = _interrupt_at(monkeypatch, call)
    with pytest.raises(KeyboardInterrupt):
        write_report(out, results, dataset="second", elapsed=3.0)
    assert len(calls) == call
    assert _files(out) == before
    monkeypatch.undo()
    write_report(out, results, dataset="second", elapsed=3.0)
    after = _contents(out)
    assert after.keys() == before.keys() and after["notes.txt"] == b"mine"
    assert after["report.html"] != before["report.html"][0]
    assert b'"second"' in after["metrics.json"]


def test_short_name_cuts_whole_characters_within_the_budget():
    name = "a" + "é" * 10_000 + "€" * 10_000  # 2 and 3 bytes each
    for extra in (0, 1, 16, 17):
        cut = short_name(name, extra)
        assert name.startswith(cut)
        size = len(os.fsencode(cut))
        assert NAME_MAX - extra - 2 < size <= NAME_MAX - extra
    assert short_name("abc", 16) == "abc"
    assert short_name("x" * 300, 55) == "x" * 200
