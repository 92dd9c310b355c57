"""Tiny on-disk CSV datasets for driving the command line, in-process
(:func:`run_main`) or, where the process boundary matters, in a subprocess
(:func:`run_cli`)."""

import contextlib
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLASSES = ("circle", "square", "stripe")
WORDS = {
    "circle": ["round", "ball", "ring"],
    "square": ["box", "block", "tile"],
    "stripe": ["line", "band", "bar"],
}


def _image(label, rng, size=24):
    img = np.full((size, size, 3), 255, np.uint8)
    noise = rng.integers(0, 40, (size, size, 3), dtype=np.uint8)
    if label == "circle":
        yy, xx = np.mgrid[:size, :size]
        img[(yy - size / 2) ** 2 + (xx - size / 2) ** 2 < (size / 3) ** 2] = (
            200,
            30,
            30,
        )
    elif label == "square":
        img[5:-5, 5:-5] = (30, 200, 30)
    else:
        img[:, ::4] = (30, 30, 200)
    return np.clip(img.astype(int) - noise, 0, 255).astype(np.uint8)


def write_dataset(folder, n_per_class=8, seed=0, name="data.csv", target=True):
    """Write PNGs to folder/images and a CSV with relative paths; return it."""
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    rows = []
    for label in CLASSES:
        for i in range(n_per_class):
            rel = f"images/{label}_{seed}_{i}.png"
            cv2.imwrite(str(folder / rel), _image(label, rng))
            words = rng.choice(WORDS[label], size=2).tolist()
            other = rng.choice([w for c in CLASSES for w in WORDS[c]])
            rows.append(
                {
                    "picture": rel,
                    "caption": " ".join([*words, str(other)]),
                    "label": label,
                    "group": f"{label}{i % 4}",
                }
            )
    df = pd.DataFrame(rows)
    if not target:
        df = df.drop(columns=["label"])
    path = folder / name
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def tiny_csv(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("tiny"))


CSV_ARGS = ["--image-column", "picture", "--text-column", "caption"]


@pytest.fixture(scope="session")
def tiny_model(tiny_csv, tmp_path_factory):
    """The default model trained by ``train`` on :func:`tiny_csv`, once per
    session (tests only read it)."""
    path = tmp_path_factory.mktemp("tiny_model") / "model.skops"
    proc = run_main("train", "--csv", tiny_csv, *CSV_ARGS, "--output", path)
    assert proc.returncode == 0, proc.stderr
    return path


def run_cli(*args, cwd=None, timeout=300):
    """Run ``python -m skmultimodal ARGS``; return the CompletedProcess."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "skmultimodal", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def run_main(*args):
    """Run ``skmultimodal.cli.main(ARGS)`` in this process; return what
    :func:`run_cli` returns: ``returncode``, ``stdout`` and ``stderr``.

    Warnings are written to the captured standard error, as the command
    line shows them."""
    from skmultimodal import cli

    out, err = io.StringIO(), io.StringIO()

    def show(message, category, filename, lineno, file=None, line=None):
        err.write(warnings.formatwarning(message, category, filename, lineno))

    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("default")
        warnings.showwarning = show
        try:
            status = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, usage errors
            status = exc.code
    return SimpleNamespace(
        returncode=status, stdout=out.getvalue(), stderr=err.getvalue()
    )


def run_error(argv, capsys):
    """``(exit status, the one error line)`` of an in-process run of
    ``skmultimodal.cli.main(argv)`` that must fail with one clear line."""
    from skmultimodal import cli

    status = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("skmultimodal:")]
    assert len(lines) == 1, err
    assert lines[0].startswith("skmultimodal: error: ") and "Traceback" not in err
    return status, lines[0]


def write_columns_dataset(folder, n_per_class=8):
    """:func:`write_dataset`'s table with two image columns (``front``, and
    ``back``: the pictures shuffled) and two text columns (``title``, and
    ``body``: each caption's words reversed), and no ``picture`` or
    ``caption`` column."""
    path = write_dataset(folder, n_per_class=n_per_class)
    df = pd.read_csv(path)
    rng = np.random.default_rng(0)
    df["front"] = df["picture"]
    df["back"] = df["picture"].to_numpy()[rng.permutation(len(df))]
    df["title"] = df["caption"]
    df["body"] = df["caption"].str.split().str[::-1].str.join(" ")
    df = df.drop(columns=["picture", "caption"])
    df.to_csv(path, index=False)
    return path


def usage_error(proc):
    """The one ``skmultimodal: error:`` line of a command refused with exit
    status 2, without a traceback."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "skmultimodal: error:" in ln]
    assert len(lines) == 1, proc.stderr
    return lines[0]
