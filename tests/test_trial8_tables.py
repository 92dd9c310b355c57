"""Reading tables as a user trial found them: a Parquet file with a named
pandas index, dask collections given to the in-memory estimators and to
``fit_out_of_core``, and the command line's row notes and width warning
under ``--dask``."""

import argparse

import cv2
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal import cli
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.pipeline import make_multimodal_pipeline
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline

pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")


# ----------------------------------------------- Parquet with an index ---
def _indexed_parquet(tmp_path, index):
    """A Parquet file of 4 rows whose pandas index ``index`` (a column of
    the table) is stored as the file's index."""
    for i in range(4):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((8, 8, 3), 40 * i, np.uint8))
    table = pd.DataFrame(
        {
            "image": [f"{i}.png" for i in range(4)],
            "text": ["red ball", "blue box", "green bar", "red ring"],
            "label": ["a", "b", "a", "b"],
            "sku": [f"SKU-{i}" for i in range(4)],
            "when": pd.date_range("2024-01-01", periods=4, tz="UTC"),
            "brand": pd.Categorical(["x", "y", "x", "y"]),
        }
    )
    path = tmp_path / "new.parquet"
    table.set_index(index).to_parquet(path)
    return path, table


@pytest.mark.parametrize(
    "index, keep",
    [
        ("sku", ["sku", "label"]),
        ("when", ["when", "label"]),
        (["sku", "when"], ["sku", "when"]),
        ("sku", ["sku", "when", "brand"]),  # a dictionary-encoded column too
        ("brand", ["brand", "sku"]),
    ],
)
def test_a_named_parquet_index_is_an_ordinary_column(tmp_path, index, keep):
    from skmultimodal.datasets._table import iter_parquet

    path, table = _indexed_parquet(tmp_path, index)
    chunks = list(
        iter_parquet(
            path, image_column="image", text_column="text", chunksize=3,
            keep_columns=keep,
        )
    )  # fmt: skip
    kept = pd.concat([k for _, k in chunks])
    assert list(kept.columns) == keep
    assert kept.index.tolist() == [0, 1, 2, 3]  # row numbers
    for column in keep:
        assert kept[column].tolist() == table[column].tolist()
    if "when" in keep:
        expected = pd.read_parquet(path).reset_index()  # what pandas reads back
        assert kept["when"].dtype == expected["when"].dtype
        assert str(kept["when"].dt.tz) == "UTC"
    if "brand" in keep:  # decoded, as a CSV gives it
        assert not isinstance(kept["brand"].dtype, pd.CategoricalDtype)
    X = pd.concat([x for x, _ in chunks])
    assert X["text"].tolist() == table["text"].tolist()


def test_a_missing_column_lists_the_parquet_files_real_columns(tmp_path):
    from skmultimodal.datasets._table import iter_parquet

    path, _ = _indexed_parquet(tmp_path, "sku")
    with pytest.raises(ValueError, match="column 'nope' not found") as err:
        next(
            iter_parquet(
                path, image_column="image", text_column="text", chunksize=3,
                keep_columns=["nope"],
            )
        )  # fmt: skip
    listed = str(err.value).split("available columns: ")[1].split(", ")
    assert set(listed) == {"image", "text", "label", "sku", "when", "brand"}


# ------------------------------------------------ dask collections ---
dd = pytest.importorskip("dask.dataframe")


def _boom(part):
    raise AssertionError("the dask collection was computed")


@pytest.fixture(scope="module")
def table():
    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    return X, np.asarray(y)


def _lazy(X, y):
    """A dask DataFrame of ``X`` and its ``label`` that fails if computed."""
    frame = dd.from_pandas(X.assign(label=y), npartitions=3)
    return frame.map_partitions(_boom, meta=frame._meta)


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_multimodal_pipeline(method="concat"),
        lambda: LateFusionClassifier(
            [("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text")]
        ),
    ],
    ids=["pipeline", "late"],
)
def test_a_dask_frame_is_refused_before_it_is_read(table, make):
    X, y = table
    ddf = _lazy(X, y)
    est = make()
    with pytest.raises(TypeError, match="got a dask DataFrame") as err:
        est.fit(ddf[["image", "text"]], ddf["label"])
    message = str(err.value)
    assert "skmultimodal.distributed.predict_partitions" in message
    assert "fit_out_of_core(make_out_of_core_pipeline(" in message
    assert "part.compute() for part in ddf.partitions" in message


def test_a_fitted_pipeline_refuses_to_predict_a_dask_frame(table):
    X, y = table
    pipe = make_multimodal_pipeline(method="concat").fit(X, y)
    with pytest.raises(TypeError, match="ModalityFusion got a dask DataFrame"):
        pipe.predict(_lazy(X, y))


@pytest.mark.parametrize("form", ["frame", "partitions", "pair"])
def test_fit_out_of_core_says_how_to_pass_a_dask_frame(table, form):
    X, y = table
    ddf = _lazy(X, y)
    chunks = {
        "frame": ddf,
        "partitions": ddf.partitions,
        "pair": [(ddf[["image", "text"]], ddf["label"])],
    }[form]
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    with pytest.raises(TypeError, match="is .*a dask (DataFrame|Series)") as err:
        fit_out_of_core(pipe, chunks)
    assert "part.compute() for part in ddf.partitions" in str(err.value)


def test_the_recipe_for_a_dask_frame_trains_out_of_core(table):
    import dask

    X, y = table
    cols, target = ["image", "text"], "label"
    with dask.config.set({"dataframe.convert-string": False}):  # array images
        ddf = dd.from_pandas(X.assign(label=y), npartitions=3)
    pipe = make_out_of_core_pipeline(epochs=2, random_state=0)
    model = fit_out_of_core(
        pipe,
        lambda: (
            (p[cols], p[target]) for p in (part.compute() for part in ddf.partitions)
        ),
    )
    memory = fit_out_of_core(
        pipe, [(X[i : i + 10], y[i : i + 10]) for i in range(0, 30, 10)]
    )
    np.testing.assert_array_equal(model.predict(X), memory.predict(X))


# ------------------------------------------------------- the CLI ---
def test_a_workers_row_note_goes_when_no_index_label_is_left():
    from skmultimodal.distributed import INDEX_NOTES

    note = f" ({INDEX_NOTES['csv']})"
    assert note in cli._NOTES
    args = argparse.Namespace(command="predict", csv="t.csv", parquet=None)
    worker = (
        "partition 0 ('t.csv', lines 2 to 301): ModalityFusion: modality "
        "'image' could not be read in 1 row(s) in transform; treated as "
        f"missing: row 265 (index 267){note}"
    )
    text = cli._in_command_terms(args, worker)
    assert text.endswith("treated as missing: line 267")
    assert "index labels" not in text
    left = f"a bad cell (index 'a'){note}"  # a label no pattern covers
    text = cli._in_command_terms(args, left)
    assert text == left


def test_featurize_dask_warns_of_a_wide_output(table, tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed", reason="--dask needs the distributed extra")
    from skmultimodal import _commands, distributed
    from skmultimodal.persistence import save_model

    X, y = table
    model = tmp_path / "m.skops"
    save_model(make_multimodal_pipeline(method="concat").fit(X, y), model)
    csv = tmp_path / "t.csv"
    csv.write_text("image,text\n")
    ran = []

    def run_on_dask(*args, **kwargs):  # no cluster: what the command asked
        ran.append(kwargs["kind"])
        return {"rows": 0, "output": args[2], "parts": 0, "workers": [], "seconds": 0}

    monkeypatch.setattr(distributed, "run_on_dask", run_on_dask)
    monkeypatch.setattr(_commands, "WIDE_FEATURES", 3)
    argv = ["--model", model, "--csv", csv, "--output", tmp_path / "out"]
    for command in ("featurize", "predict"):
        assert cli.main([command, *argv, "--dask", "local"]) == 0
        err = capsys.readouterr().err
        warned = "features per row: the output will have" in err
        assert warned == (command == "featurize"), err
    assert ran == ["featurize", "predict"]
    monkeypatch.setattr(_commands, "WIDE_FEATURES", 10**9)
    assert cli.main(["featurize", *argv, "--dask", "local"]) == 0
    assert "features per row" not in capsys.readouterr().err
