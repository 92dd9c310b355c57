"""What :func:`skmultimodal.distributed.predict_partitions` sends to the
Dask workers names the caller's files whatever the workers' current folder:
the input files and the temporary output folder are absolute (made so in
this process, links kept), and the temporary folders beside a long output
name fit in 255 bytes. Checked without a cluster: a stand-in client records
the first task it is given."""

import os
import re
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.distributed", reason="the [distributed] extra is needed")
pytest.importorskip("pyarrow", reason="the input and parts are Parquet (pyarrow)")

from skmultimodal.datasets._table import image_folder
from skmultimodal.distributed import (
    _beside,
    _describe_parts,
    _input_files,
    _replace_folder,
    predict_partitions,
)


class _Sent(Exception):
    pass


class _RecordingClient:
    """Records the first task submitted, then stops the run."""

    def __init__(self):
        self.args = None

    def submit(self, fn, *args, **kwargs):
        part, _, _, tmpdir = args
        # the folder exists when the task is sent
        self.args = dict(part=part, tmpdir=tmpdir, made=Path(tmpdir).is_dir())
        raise _Sent


def _catalogue(folder, name="new.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    pd.DataFrame({"image": ["a.png"], "text": ["a red circle"]}).to_csv(
        path, index=False
    )
    return path


def test_relative_input_files_are_sent_absolute_and_links_kept(tmp_path, monkeypatch):
    real = _catalogue(tmp_path / "data")
    shown = tmp_path / "shown"
    shown.mkdir()
    try:
        (shown / "new.csv").symlink_to(real)
    except OSError:
        pytest.skip("no symbolic links here")
    monkeypatch.chdir(shown)
    files, suffix = _input_files(["new.csv"])
    assert suffix == ".csv"
    # absolute, but the link's name: its images are read next to the link
    # on every worker, as without Dask (not next to its target)
    assert files == [str(shown / "new.csv")]
    monkeypatch.chdir(tmp_path)  # a worker's own folder
    assert image_folder(files[0]) == (shown, None)
    # a glob pattern gives the same
    monkeypatch.chdir(shown)
    assert _input_files("*.csv")[0] == files


def test_relative_parquet_parts_name_the_callers_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"x": range(5)}).to_parquet("new.parquet")
    parts, rows = _describe_parts("new.parquet", 10, client=None)
    assert rows == 5
    assert [p["path"] for p in parts] == [str(tmp_path / "new.parquet")]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc")
def test_a_process_own_entry_is_refused(tmp_path):
    # /dev/stdin, /proc/self/fd/N: each worker would open its own
    csv = _catalogue(tmp_path)
    with open(csv) as fh:
        entry = f"/proc/self/fd/{fh.fileno()}"
        with pytest.raises(ValueError, match="each Dask worker would open its own"):
            _input_files(entry)


@pytest.mark.parametrize(
    "name",
    ["out", "o" * 255, "é" * 127],  # a short name; 255 bytes; 254, 2-byte chars
)
def test_workers_write_in_an_absolute_folder_that_fits(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"image": ["a.png"], "text": ["a"]}).to_parquet("new.parquet")
    client = _RecordingClient()
    with pytest.raises(_Sent):
        predict_partitions("model.skops", "new.parquet", name, client=client)
    part, tmpdir = client.args["part"], client.args["tmpdir"]
    assert part["path"] == str(tmp_path / "new.parquet")
    # beside the output, in the caller's folder at call time, not relative
    # to the worker's
    assert Path(tmpdir).is_absolute() and Path(tmpdir).parent == tmp_path
    assert client.args["made"]
    assert len(os.fsencode(Path(tmpdir).name)) <= 255
    assert re.fullmatch(r"\..+\.tmp-[0-9a-f]{8}", Path(tmpdir).name)
    assert sorted(os.listdir(tmp_path)) == ["new.parquet"]  # removed on failure


def test_a_long_output_folder_is_replaced(tmp_path):
    output = tmp_path / ("é" * 127)  # 254 bytes
    output.mkdir()
    (output / "part-00000.parquet").write_text("old")
    tmp = _beside(output, "tmp")
    tmp.mkdir()
    (tmp / "part-00000.parquet").write_text("new")
    _replace_folder(tmp, output)
    assert (output / "part-00000.parquet").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == [output.name]  # the old one removed
    for what in ("tmp", "old"):
        name = _beside(output, what).name
        assert len(os.fsencode(name)) <= 255
        assert name.startswith(".é") and name[-13:-8] == f".{what}-"


@pytest.mark.parametrize(
    "output, message",
    [
        (".", "names no new folder"),
        ("..", "names no new folder"),
        ("o" * 256, "256 bytes long"),
    ],
)
def test_output_names_refused_before_any_work(tmp_path, monkeypatch, output, message):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"x": [1]}).to_parquet("new.parquet")
    client = _RecordingClient()
    with pytest.raises(ValueError, match=f"output: .*{message}"):
        predict_partitions("model.skops", "new.parquet", output, client=client)
    assert client.args is None
