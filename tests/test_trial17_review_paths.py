"""Review 17 of the path rules: a catalogue that lies under /dev (the
/dev/shm tmpfs) reads its images from its own folder, only a descriptor's
alias (/dev/stdin, /dev/fd/N, /proc/self/fd/N) from the current folder; a
data file the system cannot look up is refused by the report; one rule for
names over 255 bytes."""

import errno
import os
import shutil
import uuid
from pathlib import Path

import pytest

from skmultimodal.datasets._table import image_folder
from skmultimodal.distributed import _check_output, _input_files
from skmultimodal.report import _check_inputs, reproducibility
from skmultimodal.utils._io import NAME_MAX, name_too_long
from skmultimodal.utils._paths import output_file_problem


@pytest.fixture
def shm():
    """A new folder under /dev/shm, removed afterwards."""
    if not os.path.isdir("/dev/shm") or not os.access("/dev/shm", os.W_OK):
        pytest.skip("needs a writable /dev/shm (a Linux tmpfs)")
    folder = Path("/dev/shm", f"skm-review17-{uuid.uuid4().hex}")
    folder.mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# --- 1. a file under /dev is a file in a folder --------------------------------
def test_a_catalogue_under_dev_shm_reads_images_from_its_folder(
    shm, tmp_path, monkeypatch
):
    csv = shm / "cat.csv"
    csv.write_text("image,label\na.png,0\n")
    monkeypatch.chdir(tmp_path)  # was: the current folder, with a message
    assert image_folder(csv) == (shm, None)
    assert image_folder(str(csv)) == (shm, None)
    # a link under /dev/shm reads the images next to the link, as elsewhere
    target = tmp_path / "elsewhere.csv"
    target.write_text("image,label\na.png,0\n")
    (shm / "link.csv").symlink_to(target)
    assert image_folder(shm / "link.csv") == (shm, None)


def test_dask_takes_a_catalogue_under_dev_shm(shm):
    csv = shm / "cat.csv"
    csv.write_text("image,label\na.png,0\n")
    assert _input_files(str(csv)) == ([str(csv)], ".csv")  # was: refused


def test_a_descriptor_alias_of_a_regular_file_reads_the_current_folder(tmp_path):
    # /dev/stdin < cat.csv: its real path is the file, its folder is not /dev
    csv = tmp_path / "cat.csv"
    csv.write_text("image,label\na.png,0\n")
    with open(csv) as f:
        fd = f.fileno()
        for path in (f"/dev/fd/{fd}", f"/proc/self/fd/{fd}"):
            if not os.path.exists(path):
                continue
            folder, why = image_folder(path)
            assert folder == Path.cwd(), path
            alias = "is an open descriptor's alias, not a file in a folder"
            assert why == f"{path!r} {alias}"
            with pytest.raises(ValueError, match="open descriptor's alias"):
                _input_files(path)


# --- 2. a data file the system cannot look up ----------------------------------
def test_a_data_file_in_a_link_loop_is_refused_with_the_reason(tmp_path):
    loop = tmp_path / "loop.csv"
    loop.symlink_to("loop.csv")
    reason = os.strerror(errno.ELOOP)
    message = f"data_files: {str(loop)!r} cannot be looked up ({reason}): give"
    with pytest.raises(ValueError) as raised:
        _check_inputs({}, None, None, [loop])
    assert message in str(raised.value)
    # reproducibility did write "not a regular file (a pipe or device ...)"
    with pytest.raises(ValueError) as raised:
        reproducibility(data_files=[str(loop)])
    assert message in str(raised.value)


def test_reproducibility_still_records_a_pipe_without_checksum(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    (entry,) = reproducibility(data_files=[fifo])["data_files"]
    assert entry["sha256"] is None and "pipe" in entry["note"]


# --- 3. one rule for names over 255 bytes ---------------------------------------
def test_one_rule_for_names_over_255_bytes(tmp_path):
    assert name_too_long("é" * (NAME_MAX // 2)) is None  # 254 bytes
    long = "é" * 128  # 128 characters, 256 bytes
    expected = (
        "its file name is 256 bytes long (in UTF-8), over the 255 a name can "
        "have: choose a shorter name"
    )
    assert name_too_long(long) == expected
    assert output_file_problem(tmp_path / long) == expected
    with pytest.raises(ValueError) as raised:
        _check_output(tmp_path / long, overwrite=False)
    assert str(raised.value) == f"output: {name_too_long(long, 'folder name')}"
    assert "its folder name is 256 bytes long" in str(raised.value)
