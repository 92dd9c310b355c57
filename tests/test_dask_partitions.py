"""Prediction and featurization on Dask partitions
(:mod:`skmultimodal.distributed`) on a two-process ``LocalCluster`` on
loopback: the Parquet parts the workers write hold what the local run
computes, only metadata reaches the calling process, and every failure (a
bad image, a model that does not load on a worker, a dying worker) is one
error naming the partition, with no output written."""

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pandas as pd
import pytest

distributed = pytest.importorskip(
    "dask.distributed", reason="the [distributed] extra (dask.distributed) is needed"
)
pytest.importorskip("pyarrow", reason="the parts are written as Parquet (pyarrow)")

import dask.dataframe as dd  # noqa: E402

from skmultimodal import cli, make_multimodal_pipeline  # noqa: E402
from skmultimodal.datasets._table import load_table  # noqa: E402
from skmultimodal.distributed import (  # noqa: E402
    PartitionError,
    predict_partitions,
    run_on_dask,
)
from skmultimodal.model_selection._models import (  # noqa: E402
    feature_table,
    prediction_table,
)
from skmultimodal.persistence import load_model, save_model  # noqa: E402
from tests._dask import loopback_client  # noqa: E402
from tests._docs_runner import assert_code_blocks_print_what_they_claim  # noqa: E402
from tests.cli.conftest import CSV_ARGS, write_dataset  # noqa: E402

TRAIN_COLUMNS = dict(image_column="picture", text_column="caption", target="label")

# starts a Dask LocalCluster (worker processes)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ["circle", "square", "stripe"]


@pytest.fixture(scope="module")
def client():
    # Worker processes import this module (for _die) from the repository;
    # a task whose worker dies fails at once (no retry on another worker).
    with loopback_client(**{"distributed.scheduler.allowed-failures": 0}) as c:
        yield c


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Two saved models (missing modalities: raise, mean) and a 30-row CSV
    (relative image paths, an id column)."""
    folder = tmp_path_factory.mktemp("dask_partitions")
    train = write_dataset(folder / "train")
    model = folder / "model.skops"
    args = ["train", "--csv", train, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    # the same model trained with the "mean" missing-modality policy
    mean = folder / "model-mean.skops"
    assert (
        cli.main([str(a) for a in [*args, "--missing", "mean", "--output", mean]]) == 0
    )
    csv = write_dataset(folder / "new", n_per_class=10, seed=1, target=False)
    df = pd.read_csv(csv)
    df.insert(0, "sku", [f"SKU-{i:03d}" for i in range(len(df))])
    df.to_csv(csv, index=False)
    return model, csv, mean


def _local(model, csv, kind="predict"):
    """The one-process result on the whole table."""
    est = load_model(model).estimator
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    if kind == "predict":
        return prediction_table(est, X).reset_index(drop=True)
    return feature_table(est, X).reset_index(drop=True)


def _no_leftovers(folder):
    """Nothing but the test's own files: no output, no temporary folder."""
    return sorted(p.name for p in folder.iterdir())


def test_csv_parts_equal_the_local_run_and_only_metadata_comes_back(
    client, files, tmp_path, monkeypatch
):
    model, csv, _ = files
    # everything the calling process receives from the cluster
    received = []
    result = distributed.Future.result

    def spy(self, *args, **kwargs):
        value = result(self, *args, **kwargs)
        received.append(value)
        return value

    monkeypatch.setattr(distributed.Future, "result", spy)
    gather = distributed.Client.gather

    def spy_gather(self, *args, **kwargs):
        value = gather(self, *args, **kwargs)
        received.append(value)
        return value

    monkeypatch.setattr(distributed.Client, "gather", spy_gather)
    # no table is read or predicted in this process
    from skmultimodal.model_selection import _models

    def refuse(*args, **kwargs):
        raise AssertionError("a partition was read or predicted in this process")

    for owner, name in [
        (pd, "read_csv"),
        (pd, "read_parquet"),
        (_models, "prediction_table"),
    ]:
        monkeypatch.setattr(owner, name, refuse)

    out = tmp_path / "out"
    meta = predict_partitions(
        model, csv, out, client=client, chunk_size=7, id_column="sku"
    )
    monkeypatch.undo()

    files_written = sorted(p.name for p in out.iterdir())
    assert meta["parts"] == len(files_written) >= 3
    assert files_written == meta["files"]
    assert files_written[0] == "part-00000.parquet"
    assert meta["rows"] == 30
    workers = set(client.scheduler_info()["workers"])
    assert set(meta["workers"]) <= workers and len(meta["workers"]) == 2
    # what came back: row counts and small dicts of numbers and names, and
    # the tasks' warnings (none here) as (category, text) pairs
    assert received
    for value in received:
        items = value if isinstance(value, list) else [value]
        for item in items:
            assert isinstance(item, (int, dict)), type(item)
            if isinstance(item, dict):
                assert item.pop("warnings", []) == []
                assert all(isinstance(v, (int, float, str)) for v in item.values()), (
                    item
                )
    assert sum(r["rows_out"] for r in received if isinstance(r, dict)) == 30

    got = pd.read_parquet(out)
    expected = _local(model, csv)
    expected.insert(0, "sku", pd.read_csv(csv)["sku"])
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.columns) == ["sku", "prediction"] + [f"proba_{c}" for c in CLASSES]
    assert _no_leftovers(tmp_path) == ["out"]


def test_featurize_parquet_input_equals_the_local_run(client, files, tmp_path):
    model, csv, _ = files
    # a Parquet copy of the table in 4 row groups, its image paths absolute
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    table = X.rename(columns={"image": "picture", "text": "caption"})
    parquet = tmp_path / "new.parquet"
    table.to_parquet(parquet, index=False, row_group_size=8)
    out = tmp_path / "features"
    meta = predict_partitions(
        model, parquet, out, kind="featurize", client=client, chunk_size=8
    )
    assert meta["parts"] == 4
    got = pd.read_parquet(out)
    pd.testing.assert_frame_equal(got, _local(model, csv, kind="featurize"))


def test_dask_dataframe_and_a_fitted_estimator(client, files, tmp_path):
    model, csv, _ = files
    est = load_model(model).estimator
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    ddf = dd.from_pandas(X.reset_index(drop=True), npartitions=3)
    out = tmp_path / "out"
    meta = predict_partitions(est, ddf, out, client=client, proba=False)
    assert meta["parts"] == 3 and meta["rows"] == 30
    got = pd.read_parquet(out)
    expected = _local(model, csv)[["prediction"]]
    pd.testing.assert_frame_equal(got, expected)
    assert not X.index.equals(pd.RangeIndex(30))  # the input was not touched


def _corrupt(csv, row):
    """Overwrite the image of data row ``row`` with bytes no decoder reads."""
    df = pd.read_csv(csv)
    path = Path(csv).parent / df["picture"][row]
    path.write_bytes(b"not an image at all")
    return path


@pytest.fixture
def bad_csv(tmp_path):
    csv = write_dataset(tmp_path / "bad", n_per_class=4, seed=2, target=False)
    _corrupt(csv, 9)  # CSV line 11
    return csv


def test_unreadable_image_with_raise_names_partition_and_line(
    client, files, bad_csv, tmp_path
):
    model, _, mean = files
    out = tmp_path / "out"
    with pytest.raises(PartitionError) as info:
        predict_partitions(model, bad_csv, out, client=client, chunk_size=4)
    message = str(info.value)
    assert f"partition {info.value.partition} (" in message
    assert "(index 11)" in message, message
    assert "index labels are CSV line numbers" in message
    assert "failed on worker tcp://127.0.0.1:" in message
    assert not out.exists()
    assert _no_leftovers(tmp_path) == ["bad"]


def test_raise_names_every_absent_file_and_empty_cell_of_a_partition_at_once(
    client, files, tmp_path
):
    # the absent file came first and the empty cells on a later run
    model, _, _ = files
    csv = write_dataset(tmp_path / "holes", n_per_class=4, seed=2, target=False)
    df = pd.read_csv(csv)
    df.loc[1, "picture"] = "gone.png"  # CSV line 3
    df.loc[2, "picture"] = None  # line 4
    df.loc[3, "caption"] = None  # line 5
    df.to_csv(csv, index=False)
    out = tmp_path / "out"
    with pytest.raises(PartitionError) as info:
        predict_partitions(model, csv, out, client=client, chunk_size=100)
    message = str(info.value)
    assert "image file not found on line 3" in message, message
    assert "(column 'picture') is empty in 1 row(s), on line 4" in message, message
    assert "(column 'caption') is empty in 1 row(s), on line 5" in message, message
    assert not out.exists()


def test_unreadable_image_with_another_policy_is_a_missing_modality(
    client, files, bad_csv, tmp_path
):
    model, _, mean = files
    out = tmp_path / "out"
    # a model trained with missing="mean": the image is a missing modality,
    # and the worker's warnings are issued here, naming the partition
    with pytest.warns(UserWarning) as record:
        predict_partitions(mean, bad_csv, out, client=client, chunk_size=4)
    named = [str(w.message) for w in record if "(index 11)" in str(w.message)]
    assert any(m.startswith("partition ") and "ImageFeatureUnion" in m for m in named)
    assert all("index labels are CSV line numbers" in m for m in named)
    got = pd.read_parquet(out)
    expected = _local(mean, bad_csv)
    pd.testing.assert_frame_equal(got, expected)


def test_an_estimator_without_metadata_reads_the_columns_it_was_fitted_on(
    client, files, tmp_path
):
    model, csv, _ = files
    est = load_model(model).estimator  # fitted on columns "image" and "text"
    named = tmp_path / "named.csv"
    pd.read_csv(csv).rename(columns={"picture": "image", "caption": "text"}).to_csv(
        named, index=False
    )
    (tmp_path / "images").symlink_to(csv.parent / "images")
    out = tmp_path / "out"
    predict_partitions(est, named, out, client=client, chunk_size=8)
    pd.testing.assert_frame_equal(pd.read_parquet(out), _local(model, csv))
    # a model fitted on other names: refused before any task runs
    X, y, _ = load_table(csv.parent.parent / "train" / "data.csv", **TRAIN_COLUMNS)
    other = make_multimodal_pipeline(
        image="photo", text="title", method="concat", image_features="pixels"
    ).fit(X.rename(columns={"image": "photo", "text": "title"}), y)
    message = r"fitted on columns \['photo', 'title'\], not 'image' or 'text'"
    with pytest.raises(ValueError, match=message):
        predict_partitions(other, csv, tmp_path / "other", client=client)
    assert not (tmp_path / "other").exists()


PLUGIN = """
from sklearn.linear_model import LogisticRegression


class PluginClassifier(LogisticRegression):
    pass
"""


def test_a_plugin_missing_on_the_workers_is_named(client, files, tmp_path, monkeypatch):
    model, csv, _ = files
    # a module this process imports and the workers cannot
    name = "skmm_absent_on_workers"
    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / f"{name}.py").write_text(textwrap.dedent(PLUGIN))
    monkeypatch.syspath_prepend(str(tmp_path / "plugin"))
    plugin = __import__(name)
    est = load_model(model).estimator
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    y = prediction_table(est, X)["prediction"]
    est.steps[-1] = ("classifier", plugin.PluginClassifier(max_iter=200))
    est.fit(X, y)
    path = tmp_path / "model.joblib"
    save_model(
        est, path, metadata={"image_column": "picture", "text_column": "caption"}
    )
    out = tmp_path / "out"
    with pytest.raises(PartitionError) as info:
        predict_partitions(path, csv, out, client=client, trusted=True)
    message = str(info.value)
    assert "could not be loaded on worker tcp://127.0.0.1:" in message
    assert f"lacks module {name!r}" in message
    assert "same environment on every worker" in message
    assert not out.exists()
    # a fitted estimator is unpickled on the workers: the same diagnosis
    with pytest.raises(PartitionError, match=f"lacks module {name!r}"):
        predict_partitions(
            est, csv, out, client=client, image_column="picture", text_column="caption"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.joblib", "plugin"]


def test_bad_arguments_are_refused_before_anything_runs(client, files, tmp_path):
    model, csv, _ = files
    with pytest.raises(ValueError, match="kind must be one of 'predict', 'featurize'"):
        predict_partitions(model, csv, tmp_path / "o", kind="score", client=client)
    with pytest.raises(ValueError, match="no file matches"):
        predict_partitions(
            model, str(tmp_path / "*.csv"), tmp_path / "o", client=client
        )
    with pytest.raises(ValueError, match="does not exist; create it first"):
        predict_partitions(model, csv, tmp_path / "a" / "b", client=client)
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "x.txt").write_text("old")
    with pytest.raises(ValueError, match="exists and is not empty"):
        predict_partitions(model, csv, kept, client=client)
    # overwrite replaces it only once the new parts are all written
    predict_partitions(model, csv, kept, client=client, overwrite=True, chunk_size=15)
    assert sorted(p.name for p in kept.iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


def test_run_on_dask_starts_a_local_cluster_or_refuses_an_address(
    files, tmp_path, monkeypatch
):
    model, csv, _ = files
    # the local cluster leaves nothing in the temporary folder
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with pytest.raises(ValueError, match="'local' or a scheduler address"):
        run_on_dask(model, csv, tmp_path / "o", address="http://scheduler:8786")
    out = tmp_path / "features"
    meta = run_on_dask(
        model, csv, out, kind="featurize", address="local", n_workers=2, chunk_size=15
    )
    assert meta["rows"] == 30 and len(meta["workers"]) == 2
    pd.testing.assert_frame_equal(
        pd.read_parquet(out), _local(model, csv, kind="featurize")
    )
    assert list(temp.iterdir()) == []


def test_importing_the_module_does_not_import_dask():
    code = "import sys, skmultimodal.distributed; print('dask' in sys.modules)"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.stdout.strip() == "False", proc.stderr


def test_docs_page_examples_run(client, tmp_path):
    # the page's examples start their own two-worker LocalCluster; the one
    # for "a real cluster" connects to this test's cluster instead. Their
    # workers' scratch space goes to tmp_path, not the system's temp folder.
    import dask

    page = ROOT / "docs" / "distributed.md"
    address = "tcp://scheduler:8786"
    on_a_cluster = f'with Client("{address}")'
    assert on_a_cluster in page.read_text("utf-8")
    with dask.config.set({"temporary-directory": str(tmp_path)}):
        assert_code_blocks_print_what_they_claim(
            page,
            containing=("LocalCluster", on_a_cluster),
            shared=True,
            substitute={address: client.scheduler.address},
        )


def _die(est, X):
    os._exit(13)  # a worker process crashing (e.g. killed for its memory)


def test_a_dying_worker_fails_its_partition_clearly(client, files, tmp_path):
    # last: the worker processes are restarted afterwards
    model, csv, _ = files
    out = tmp_path / "out"
    with pytest.raises(PartitionError) as info:
        predict_partitions(model, csv, out, kind=_die, client=client, chunk_size=15)
    message = str(info.value)
    assert "was lost: the worker processes that ran it died" in message
    assert "KilledWorker" in message
    assert f"partition {info.value.partition} (" in message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
