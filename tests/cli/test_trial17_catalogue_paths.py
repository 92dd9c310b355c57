"""How the command line finds the image files a catalogue names: a cell is a
file name, never expanded as a shell would (``~``); relative paths are read
from the catalogue's folder as its path is given (a link's folder, not its
target's), or from the current folder when the catalogue is a pipe; a path
the system cannot look up, or stored in another Unicode form, says why; and
``evaluate --output DIR`` refuses a report file of DIR that is an input."""

import errno
import os
import shutil
import threading
import time
import unicodedata

import pandas as pd
import pytest

from skmultimodal.datasets._table import TILDE_HINT, image_folder

from .conftest import CSV_ARGS, run_main, usage_error, write_dataset


def _catalogue(folder, cells=None, n_per_class=3):
    """A 9-row catalogue in ``folder`` with images in ``folder/images``;
    ``cells`` maps a row to its new image cell."""
    csv = write_dataset(folder, n_per_class=n_per_class)
    df = pd.read_csv(csv)
    for row, cell in (cells or {}).items():
        df.loc[row, "picture"] = cell
    df.to_csv(csv, index=False)
    return csv


def _an_image(csv):
    """The image file of the first row of the catalogue ``csv``."""
    return csv.parent / pd.read_csv(csv)["picture"][0]


def _predict(model, csv, *extra):
    return run_main(
        "predict", "--model", model, "--csv", csv, *CSV_ARGS, "--output", "-", *extra
    )


# --- 1. `~` is not expanded ------------------------------------------------
def test_a_cell_starting_with_tilde_is_a_file_name(tiny_model, tmp_path):
    # was RuntimeError "Could not determine home directory" (exit 1)
    names = ["~$lock.png", "~nosuchuser_zz.png"]
    csv = _catalogue(tmp_path)
    for name in names:
        shutil.copy(_an_image(csv), tmp_path / name)
    _catalogue(tmp_path, dict(enumerate(names)))
    proc = _predict(tiny_model, csv)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1 + 9


def test_home_is_not_expanded_and_the_message_says_so(
    tiny_model, tmp_path, monkeypatch
):
    # the file exists in $HOME: the CLI used to read it, the library never
    home = tmp_path / "home"
    home.mkdir()
    csv = _catalogue(tmp_path / "data")
    shutil.copy(_an_image(csv), home / "x.png")
    _catalogue(tmp_path / "data", {2: "~/x.png"})
    monkeypatch.setenv("HOME", str(home))
    line = usage_error(_predict(tiny_model, csv))
    looked = str(csv.parent / "~" / "x.png")
    assert (
        f"image file not found on line 4 of column 'picture' ({TILDE_HINT}): "
        f"'~/x.png' (looked for {looked!r})" in line
    ), line
    # with a filling policy: a warning, with the hint
    proc = _predict(tiny_model, csv, "--missing", "mean")
    assert proc.returncode == 0, proc.stderr
    assert TILDE_HINT in proc.stderr


# --- 2. a pipe: relative to the current folder ------------------------------
def _fifo_run(tmp_path, text, argv):
    """Run the CLI on ``argv`` while a thread writes ``text`` to a FIFO,
    whose path replaces ``FIFO`` in ``argv``."""
    (tmp_path / "pipes").mkdir()
    fifo = tmp_path / "pipes" / "in.csv"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        return fifo, run_main(*[fifo if a == "FIFO" else a for a in argv])
    finally:
        writer.join(2)  # done once the command has read the whole file
        if writer.is_alive():  # the command failed before reading: unblock it
            # a reader that never waits: a blocking open would wait forever
            # for a writer that had already closed its end (a writer still
            # alive for a moment after writing)
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            try:
                deadline = time.monotonic() + 10
                while writer.is_alive() and time.monotonic() < deadline:
                    try:
                        os.read(fd, 1 << 16)
                    except BlockingIOError:
                        time.sleep(0.01)
            finally:
                os.close(fd)
        writer.join(5)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_piped_catalogue_reads_images_from_the_current_folder(
    tiny_model, tmp_path, monkeypatch
):
    csv = _catalogue(tmp_path / "data")
    monkeypatch.chdir(csv.parent)  # was: relative to /proc/<pid>/fd
    argv = ["predict", "--model", tiny_model, "--csv", "FIFO", *CSV_ARGS]
    _, proc = _fifo_run(tmp_path, csv.read_text(), [*argv, "--output", "-"])
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1 + 9


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_piped_catalogue_whose_images_are_not_found_says_which_folder(
    tiny_model, tmp_path, monkeypatch
):
    csv = _catalogue(tmp_path / "data")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    argv = ["predict", "--model", tiny_model, "--csv", "FIFO", *CSV_ARGS]
    fifo, proc = _fifo_run(tmp_path, csv.read_text(), [*argv, "--output", "-"])
    line = usage_error(proc)
    assert (
        f"image paths are read relative to the current folder, "
        f"{str(elsewhere)!r}, as {str(fifo)!r} is a pipe, not a file in a folder"
    ) in line, line


def test_a_dev_or_proc_entry_reads_images_from_the_current_folder(tmp_path):
    # /dev/stdin redirected from a file is a regular file: still no folder
    for path in ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"):
        folder, why = image_folder(path)
        assert folder == type(folder).cwd() and why, path
    assert image_folder(tmp_path / "a.csv") == (tmp_path, None)


# --- 3. a link: the folder of the path as given ------------------------------
def test_a_linked_catalogue_reads_images_next_to_the_link(tiny_model, tmp_path):
    csv = _catalogue(tmp_path / "work")  # the images next to the link
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "data.csv"  # the table alone, elsewhere
    csv.rename(real)
    csv.symlink_to(real)
    proc = _predict(tiny_model, csv)  # was: looked for them in real/
    assert proc.returncode == 0, proc.stderr
    # writing the link's target is still refused as the input
    line = usage_error(
        run_main(
            "predict",
            "--model",
            tiny_model,
            "--csv",
            csv,
            *CSV_ARGS,
            "--output",
            real,
        )  # fmt: skip
    )
    assert "is the input file --csv" in line, line


# --- 4. evaluate --output DIR holding an input under a report file's name ---
@pytest.mark.parametrize("name", ["report.html", "metrics.json"])
def test_evaluate_refuses_a_report_file_that_is_an_input(tmp_path, name):
    csv = _catalogue(tmp_path)
    table = tmp_path / name
    csv.rename(table)
    before = table.read_bytes()
    proc = run_main(
        "evaluate", "--csv", table, *CSV_ARGS, "--target", "label",
        "--models", "text-only", "--cv", "2", "--no-progress",
        "--output", tmp_path,
    )  # fmt: skip
    line = usage_error(proc)
    assert (
        f"--output {str(tmp_path)!r} writes {name!r}, which is the input file "
        f"--csv {str(table)!r}"
    ) in line, line
    assert table.read_bytes() == before


# --- 5. what the system says, not "not found" --------------------------------
def test_a_path_the_system_cannot_look_up_says_why(tiny_model, tmp_path):
    long = "y" * 300 + ".png"
    csv = _catalogue(tmp_path, {1: "loop.png", 4: long})
    (tmp_path / "loop.png").symlink_to(tmp_path / "loop.png")
    line = usage_error(_predict(tiny_model, csv))
    assert "image file not found" not in line, line  # was, for both
    loop, too_long = os.strerror(errno.ELOOP), os.strerror(errno.ENAMETOOLONG)
    assert (
        f"image path on line 3 of column 'picture' cannot be looked up ({loop}): "
        "'loop.png'"
    ) in line, line
    assert (
        f"image path on line 6 of column 'picture' cannot be looked up "
        f"({too_long}): {long!r}"
    ) in line, line


# --- 6. a name in another Unicode form ----------------------------------------
def test_a_name_in_another_unicode_form_says_so(tiny_model, tmp_path):
    csv = _catalogue(tmp_path)
    nfc = unicodedata.normalize("NFC", "images/café.png")
    shutil.copy(_an_image(csv), tmp_path / nfc)
    _catalogue(tmp_path, {0: unicodedata.normalize("NFD", nfc)})
    line = usage_error(_predict(tiny_model, csv))
    assert (
        "image file not found on line 2 of column 'picture' (a file of that "
        "name in Unicode form NFC exists"
    ) in line, line
