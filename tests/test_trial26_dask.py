"""Dask partitions, as a user tried them: a ``kind=`` function's rows are
attached to the input rows by index, not by position, and every partition
must give the same columns; dask collections other than a DataFrame are
refused up front; a long first row no longer makes one huge partition."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal.distributed import _csv_blocks, _custom_rows

X = pd.DataFrame({"a": [10, 20, 30, 40]}, index=[7, 8, 9, 11])


def _sorted_by_value(est, X):
    return pd.DataFrame({"v": X["a"].to_numpy()}, index=X.index).sort_values(
        "v", ascending=False
    )


def test_rows_labelled_with_the_input_index_are_put_back_in_order():
    out = _custom_rows(_sorted_by_value(None, X), X, _sorted_by_value)
    assert list(out.index) == [7, 8, 9, 11]
    assert list(out["v"]) == [10, 20, 30, 40]


def test_rows_with_the_default_index_are_taken_in_order():
    out = pd.DataFrame({"v": [1, 2, 3, 4]})
    assert _custom_rows(out, X, len) is out


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            pd.Series([1, 2, 3, 4]),
            "must return a pandas DataFrame .* got a pandas.Series",
        ),
        (np.zeros((4, 1)), "must return a pandas DataFrame"),
        (pd.DataFrame({"v": [1, 2, 3, 4]}, index=[1, 2, 3, 4]), "returned .* neither"),
    ],
)
def test_other_outputs_are_refused(out, message):
    def mine(est, X):
        return out

    with pytest.raises((TypeError, ValueError), match=f"kind function mine {message}"):
        _custom_rows(out, X, mine)


def test_a_long_first_row_does_not_make_one_partition(tmp_path):
    # before: 64 KiB without a line end made every block chunk_size x 64 KiB
    # (one partition for the whole file); now the median row sets the size
    csv = tmp_path / "t.csv"
    long_row = "red " * 17000
    rows = ["id,text"] + [
        f"{i},{long_row if i == 0 else 'red red'}" for i in range(600)
    ]
    csv.write_text("\n".join(rows) + "\n")
    sizes = {length for _, _, length in _csv_blocks([str(csv)], 50)[:-1]}
    assert sizes == {50 * len("100,red red\n")}


# ---- on a cluster ----------------------------------------------------------
distributed = pytest.importorskip("dask.distributed", reason="the [distributed] extra")
pytest.importorskip("pyarrow", reason="the parts are written as Parquet (pyarrow)")


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A fitted estimator and a 30-row CSV with a ``sku`` id column."""
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets._table import load_table
    from tests.cli.conftest import write_dataset

    folder = tmp_path_factory.mktemp("trial26_dask")
    train = write_dataset(folder / "train")
    X, y, _ = load_table(
        train, image_column="picture", text_column="caption", target="label"
    )
    est = make_multimodal_pipeline(method="concat", random_state=0).fit(X, y)
    csv = write_dataset(folder / "new", n_per_class=10, seed=1, target=False)
    df = pd.read_csv(csv)
    df.insert(0, "sku", [f"SKU-{i:03d}" for i in range(len(df))])
    df.to_csv(csv, index=False)
    return est, csv


def predicted_sorted(est, X):
    """Predictions with the input's index, sorted by label (another order)."""
    out = pd.DataFrame({"prediction": est.predict(X)}, index=X.index)
    return out.sort_values("prediction", kind="stable")


def predicted(est, X):
    return pd.DataFrame({"prediction": est.predict(X)}, index=X.index)


def score_in_late_parts(est, X):
    out = pd.DataFrame({"prediction": est.predict(X)})
    if X.index[0] > 10:
        out["score"] = 1.0
    return out


pytestmark = pytest.mark.slow  # a LocalCluster of worker processes


def _read(cols, folder):
    return pd.read_parquet(folder).set_index("sku")[cols]


def test_a_sorted_kind_output_keeps_each_row_with_its_id(client, table, tmp_path):
    from skmultimodal.distributed import predict_partitions

    est, csv = table
    kw = dict(
        client=client, chunk_size=8, id_column="sku", image_column="picture",
        text_column="caption",
    )  # fmt: skip
    predict_partitions(est, csv, tmp_path / "a", kind=predicted, **kw)
    predict_partitions(est, csv, tmp_path / "b", kind=predicted_sorted, **kw)
    plain = _read(["prediction"], tmp_path / "a")
    moved = _read(["prediction"], tmp_path / "b").loc[plain.index]
    assert len(set(plain["prediction"])) > 1  # the sort reorders rows
    pd.testing.assert_frame_equal(moved, plain)


def test_partitions_with_other_columns_are_refused(client, table, tmp_path):
    from skmultimodal.distributed import PartitionError, predict_partitions

    est, csv = table
    with pytest.raises(PartitionError, match=r"its columns \['prediction', 'score'\]"):
        predict_partitions(
            est, csv, tmp_path / "out", kind=score_in_late_parts, client=client,
            chunk_size=8, image_column="picture", text_column="caption",
        )  # fmt: skip
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("make", ["bag", "array", "series"])
def test_other_dask_collections_are_refused_up_front(client, table, tmp_path, make):
    import dask.array as da
    import dask.bag as db
    import dask.dataframe as dd

    from skmultimodal.distributed import predict_partitions

    data = {
        "bag": lambda: db.from_sequence([1, 2, 3], npartitions=2),
        "array": lambda: da.zeros((4, 2), chunks=2),
        "series": lambda: dd.from_pandas(pd.Series([1, 2, 3]), npartitions=2),
    }[make]()
    with pytest.raises(TypeError, match="must be a dask DataFrame or CSV/Parquet"):
        predict_partitions(table[0], data, tmp_path / "out", client=client)


def test_a_csv_without_rows_in_a_glob_is_skipped_as_parquet(client, table, tmp_path):
    from skmultimodal.distributed import predict_partitions

    est, csv = table
    df = pd.read_csv(csv)
    day1 = csv.parent / "day1.csv"
    day2 = csv.parent / "day2.csv"
    df.to_csv(day1, index=False)
    df.iloc[:0].to_csv(day2, index=False)  # a header, no rows
    meta = predict_partitions(
        est, str(csv.parent / "day*.csv"), tmp_path / "out", client=client,
        image_column="picture", text_column="caption", id_column="sku",
    )  # fmt: skip
    assert meta["rows"] == len(df)
    with pytest.raises(ValueError, match="has a header but no rows"):
        predict_partitions(
            est, str(day2), tmp_path / "alone", client=client,
            image_column="picture", text_column="caption",
        )  # fmt: skip


def test_a_misspelt_id_column_is_refused_before_any_task(client, table, tmp_path):
    from skmultimodal.distributed import predict_partitions

    est, csv = table
    parquet = tmp_path / "t.parquet"
    pd.read_csv(csv).to_parquet(parquet)
    for source in (csv, parquet):
        with pytest.raises(ValueError, match=r"column\(s\) 'SKU' not in .* 'sku'"):
            predict_partitions(
                est, source, tmp_path / "out", client=client, id_column="SKU",
                image_column="picture", text_column="caption",
            )  # fmt: skip
        assert not (tmp_path / "out").exists()
