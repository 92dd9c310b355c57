"""The command line's table reading, thirteenth round: ids, kept columns and
class labels keep their written form (``000123``, ``001`` and ``1``, ``NA``),
whatever the chunk size; a test table of one class is scored; a header's
spaces and a Parquet file given as a CSV are named."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal.datasets._table import (
    csv_roles,
    iter_table,
    load_table,
    same_label_form,
)
from skmultimodal.datasets._target import prepare_target
from skmultimodal.distributed import _read_csv_block

from .conftest import CSV_ARGS, run_main

CODES = ["000123", "1e5", "12345678901234567890", "00011", "NA", "None", "A-16"]
EVAL = [*CSV_ARGS, "--models", "text-only", "--cv", "2", "--no-progress"]


def _table(tmp_path, name="t.csv", **columns):
    path = tmp_path / name
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def _texts(n):
    return [f"word{i} other" for i in range(n)]


# ------------------------------------------------ kept and id columns ---
@pytest.mark.parametrize("chunksize", [2, 100])
def test_kept_columns_are_read_as_written_whatever_the_chunk(tmp_path, chunksize):
    path = _table(tmp_path, text=_texts(len(CODES)), sku=CODES)
    kept = pd.concat(
        k["sku"]
        for _, k in iter_table(
            path,
            image_column=None,
            text_column="text",
            chunksize=chunksize,
            keep_columns=["sku"],
        )
    )
    assert kept.tolist() == CODES


def test_a_dask_block_reads_kept_columns_as_written(tmp_path):
    path = _table(tmp_path, text=_texts(len(CODES)), sku=CODES)
    roles = csv_roles(None, "text", ["sku"])
    df = _read_csv_block(str(path), 0, path.stat().st_size, 0, roles=roles)
    assert df["sku"].tolist() == CODES


@pytest.fixture
def model(tiny_model):
    return tiny_model


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_predict_id_column_keeps_codes_in_every_chunk(
    model, tiny_csv, tmp_path, suffix
):
    pytest.importorskip("pyarrow")
    df = pd.read_csv(tiny_csv)
    skus = [f"{i:05d}" for i in range(5)] + [f"A-{i}" for i in range(len(df) - 5)]
    path = tiny_csv.parent / f"skus{suffix}.csv"  # beside its images
    df.assign(sku=skus).to_csv(path, index=False)
    out = tmp_path / f"out{suffix}"
    proc = run_main(
        "predict", "--model", model, "--csv", path, *CSV_ARGS, "--id-column",
        "sku", "--no-proba", "--chunk-size", "5", "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    back = pd.read_csv(out, dtype=str) if suffix == ".csv" else pd.read_parquet(out)
    assert back["sku"].tolist() == skus


# ------------------------------------------------------ class labels ---
@pytest.mark.parametrize(
    "labels, classes",
    [
        (["001", "002", "010", "020"], ["001", "002", "010", "020"]),
        (["007", "7", "010", "10"], ["007", "010", "10", "7"]),  # 4, not 2
        (["NA", "EU", "NA", "EU"], ["EU", "NA"]),  # North America, not empty
        (["0", "1", "10", "1"], [0, 1, 10]),  # numbers as written stay numbers
    ],
)
def test_class_labels_keep_their_written_form(tmp_path, labels, classes):
    path = _table(tmp_path, text=_texts(4), code=labels)
    _, y, _ = load_table(path, image_column=None, text_column="text", target="code")
    assert sorted(pd.unique(y)) == classes


def test_number_targets_are_still_numbers(tmp_path):
    path = _table(tmp_path, text=_texts(3), price=["1.5", "1e5", "3"])
    _, y, _ = load_table(
        path, image_column=None, text_column="text", target="price", task="regression"
    )
    assert y.tolist() == [1.5, 100000.0, 3.0]
    # fractions as classes: still refused with the regression hint
    _, y, _ = load_table(path, image_column=None, text_column="text", target="price")
    with pytest.raises(ValueError, match="1.5 on line 2.*--task regression"):
        prepare_target(y, column="price")


def test_labels_of_a_training_and_a_test_table_take_one_form():
    y, y_test = same_label_form(np.array(["001", "X10"], object), np.array([1, 2]))
    assert y.tolist() == ["001", "X10"] and y_test.tolist() == ["1", "2"]
    y, y_test = same_label_form(np.array([0, 1]), np.array([1, 0]))
    assert y.dtype.kind == y_test.dtype.kind == "i"


def test_evaluate_test_csv_of_digit_codes_matches_text_training_codes(
    tiny_csv, tmp_path
):
    df = pd.read_csv(tiny_csv)
    codes = {"circle": "001", "square": "002", "stripe": "X10"}
    train = tmp_path / "train.csv"
    df.assign(code=df["label"].map(codes)).to_csv(train, index=False)
    test = tmp_path / "test.csv"
    df.assign(code=df["label"].map(codes))[df["label"] != "stripe"].to_csv(
        test, index=False
    )
    proc = run_main(
        "evaluate", "--csv", train, "--test-csv", test, "--target", "code",
        *EVAL, "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "never occur" not in proc.stderr and "test accuracy" in proc.stdout


def test_evaluate_scores_a_test_csv_of_one_class(tiny_csv, tmp_path):
    df = pd.read_csv(tiny_csv)
    test = tmp_path / "one.csv"
    df[df["label"] == "circle"].to_csv(test, index=False)
    proc = run_main(
        "evaluate", "--csv", tiny_csv, "--test-csv", test, *EVAL,
        "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "test accuracy" in proc.stdout


def test_a_single_class_names_its_file(tmp_path):
    path = _table(tmp_path, "one.csv", text=_texts(3), label=["a"] * 3)
    with pytest.raises(ValueError, match=r"'label' of '.*one\.csv' has a single"):
        load_table(path, image_column=None, text_column="text", target="label")


# ------------------------------------------------------ empty cells ---
def test_only_an_empty_cell_is_missing_but_in_numeric_columns(tmp_path):
    path = _table(
        tmp_path,
        text=["None", "b c", "null"],
        region=["NA", "EU", ""],
        price=["N/A", "2.5", "null"],
        label=["NA", "EU", "NA"],
    )
    X, y, _ = load_table(
        path,
        image_column=None,
        text_column="text",
        target="label",
        tabular_columns=["region", "price"],
        categorical_columns=["region"],
    )
    assert X["text"].tolist() == ["None", "b c", "null"]
    assert X["region"].tolist()[:2] == ["NA", "EU"] and pd.isna(X["region"].iloc[2])
    # in a numeric column pandas' missing marks stay missing (R writes NA)
    assert X["price"].dtype.kind == "f" and X["price"].isna().tolist() == [
        True,
        False,
        True,
    ]
    assert y.tolist() == ["NA", "EU", "NA"]


# ------------------------------------------------- naming the problem ---
def test_a_header_name_with_spaces_is_shown_and_explained(tmp_path):
    path = tmp_path / "spaced.csv"
    path.write_text("label, title\na,x y\nb,z w\n")
    with pytest.raises(ValueError) as err:
        load_table(path, image_column=None, text_column="title")
    message = str(err.value)
    assert "available columns: label, ' title'" in message
    assert "spaces around a column's name" in message


def test_a_parquet_file_given_as_csv_suggests_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "t.parquet"
    pd.DataFrame({"text": ["é ü", "b"], "label": ["a", "b"]}).to_parquet(path)
    with pytest.raises(ValueError, match="is a Parquet file.*--parquet") as err:
        load_table(path, image_column=None, text_column="text")
    assert "iconv" not in str(err.value)


# ---------------------------------------------- review of this round ---
def _two_text_columns(tmp_path):
    rows = ["a,b,label"] + [
        f"red apple {i},fruit {i},x" if i % 2 else f"blue sky {i},weather {i},y"
        for i in range(8)
    ]
    rows[3] = "None,NA,x"
    path = tmp_path / "two.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_several_text_columns_keep_pandas_missing_marks_as_texts(tmp_path):
    path = _two_text_columns(tmp_path)
    X, _, _ = load_table(
        path,
        image_column=None,
        text_column=None,
        target="label",
        tabular_columns=["a", "b"],
        own_columns={"image": [], "text": ["a", "b"]},
    )
    assert X.loc[4, ["a", "b"]].tolist() == ["None", "NA"]
    # train reads them so too: no empty cell for --missing raise to refuse
    proc = run_main(
        "train", "--csv", path, "--text-column", "a", "b", "--target", "label",
        "--output", tmp_path / "m.joblib",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_several_image_columns_are_read_as_written(tmp_path):
    path = _table(tmp_path, front=["NA", "007"], back=["b.png", "null"], y=[1, 2])
    X, _, _ = load_table(
        path,
        image_column=None,
        text_column=None,
        tabular_columns=["front", "back"],
        own_columns={"image": ["front", "back"], "text": []},
    )
    assert X["front"].tolist() == ["NA", "007"]
    assert X["back"].tolist() == ["b.png", "null"]


def test_several_text_columns_of_numbers_are_still_refused(tmp_path):
    path = _table(
        tmp_path, a=[1, 2, 3, 4], b=["x y", "z", "w", "v"], label=list("xyxy")
    )
    proc = run_main(
        "train", "--csv", path, "--text-column", "a", "b", "--target", "label",
        "--output", tmp_path / "m.joblib",
    )  # fmt: skip
    assert proc.returncode == 2
    assert "text column 'a'" in proc.stderr and "holds numbers" in proc.stderr


def test_a_default_column_with_spaces_is_not_left_out(tmp_path):
    path = tmp_path / "spaced.csv"
    rows = ["label,text, image"] + [
        f"{'xy'[i % 2]},word{i} other,img{i}.png" for i in range(8)
    ]
    path.write_text("\n".join(rows) + "\n")
    proc = run_main("train", "--csv", path, "--output", tmp_path / "m.joblib")
    assert proc.returncode == 2
    assert "has no 'image' column" not in proc.stderr
    assert "' image'" in proc.stderr and "spaces around a column's name" in proc.stderr


def _compressed_parquet(path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {"text": [f"word {i}" for i in range(4)], "label": list("abab")}
    )
    frame.to_parquet(path, compression="snappy")


def _ascii_parquet(path):
    # the signature, then ASCII that fails to split into fields
    path.write_bytes(b"PAR1\nx\na,b,c\n")


@pytest.mark.parametrize("write", [_compressed_parquet, _ascii_parquet])
def test_a_parquet_file_that_fails_to_parse_is_named(tmp_path, write):
    path = tmp_path / "t.parquet"
    write(path)
    with pytest.raises(ValueError, match="is a Parquet file.*--parquet") as err:
        load_table(path, image_column=None, text_column="text")
    assert "comma-separated" not in str(err.value)
