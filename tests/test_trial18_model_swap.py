"""load_model reads a ``.skops`` file through one open file: a model file
another process replaces during the load (save_model's rename, a retrained
model with other types) loads whole, old or new, never the types of one
and the contents of the other."""

import os

import pytest
import skops.io as sio

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.persistence import load_model, save_model


def _method(saved):
    return saved.estimator.get_params()["fusion__method"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("swap")
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    paths = {}
    for method in ("concat", "late"):
        model = make_multimodal_pipeline(image=None, method=method, random_state=0).fit(
            X, y
        )
        paths[method] = folder / f"{method}.skops"
        save_model(model, paths[method])
    return folder, paths


def test_a_file_replaced_during_the_load_loads_as_it_was_opened(
    files, tmp_path, monkeypatch
):
    _, paths = files
    live = tmp_path / "model.skops"
    live.write_bytes(paths["concat"].read_bytes())
    real = sio.get_untrusted_types

    def replaced_meanwhile(**kwargs):  # the types are read, then the rename
        found = real(**kwargs)
        tmp = tmp_path / "new.skops"
        tmp.write_bytes(paths["late"].read_bytes())
        os.replace(tmp, live)
        return found

    monkeypatch.setattr(sio, "get_untrusted_types", replaced_meanwhile)
    model = load_model(live)
    assert _method(model) == "concat"  # the file as it was when opened
    monkeypatch.undo()
    assert _method(load_model(live)) == "late"


def test_load_reads_the_file_through_one_open(files, monkeypatch):
    _, paths = files
    opened = []
    real_open = open

    def counting_open(file, *args, **kwargs):
        if str(file) == str(paths["late"]):
            opened.append(args[0] if args else kwargs.get("mode"))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    load_model(paths["late"])
    # the 4-byte head check, then one open for the archive checks and load
    assert len(opened) == 2, opened
