"""Class labels of a CSV are kept as written: a whole number padded with
spaces (`` 1``) is not the class ``1``, in memory as out of core
(``train --chunk-size``), and a test file's labels are compared with the
training file's as written (``1`` is not ``1.0``)."""

import pandas as pd

from .conftest import CSV_ARGS, run_main

PADDED = {"circle": "1", "square": " 1", "stripe": "2 "}


def _labelled(tiny_csv, tmp_path, name, codes):
    df = pd.read_csv(tiny_csv)
    df["picture"] = [str(tiny_csv.parent / p) for p in df["picture"]]
    path = tmp_path / name
    df.assign(code=df["label"].map(codes)).to_csv(path, index=False)
    return path


def _predictions(model, csv, tmp_path):
    out = tmp_path / "pred.csv"
    proc = run_main(
        "predict", "--model", model, "--csv", csv, *CSV_ARGS,
        "--keep-columns", "code", "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def test_padded_whole_numbers_are_classes_of_their_own(tiny_csv, tmp_path):
    csv = _labelled(tiny_csv, tmp_path, "padded.csv", PADDED)
    model = tmp_path / "m.skops"
    proc = run_main(
        "train", "--csv", csv, *CSV_ARGS, "--target", "code", "--output", model
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 classes" in proc.stdout
    pred = _predictions(model, csv, tmp_path)
    assert sorted(c for c in pred.columns if c.startswith("proba_")) == [
        "proba_ 1",
        "proba_1",
        "proba_2 ",
    ]
    # the rows labelled " 1" are predicted " 1", as written, not 1
    assert (pred["prediction"] == pred["code"]).mean() > 0.9


def test_in_memory_and_out_of_core_training_find_the_same_classes(tiny_csv, tmp_path):
    csv = _labelled(tiny_csv, tmp_path, "padded.csv", PADDED)
    for extra in ([], ["--chunk-size", "10", "--epochs", "2"]):
        model = tmp_path / f"m{len(extra)}.skops"
        proc = run_main(
            "train", "--csv", csv, *CSV_ARGS, "--target", "code", *extra,
            "--output", model,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "3 classes" in proc.stdout, extra
        pred = _predictions(model, csv, tmp_path)
        assert set(pred["prediction"]) <= set(PADDED.values())
        assert [c for c in pred.columns if c.startswith("proba_")] == [
            "proba_ 1",
            "proba_1",
            "proba_2 ",
        ]


def test_plain_whole_numbers_are_still_numbers(tiny_csv, tmp_path):
    from skmultimodal.datasets._table import load_table

    csv = _labelled(tiny_csv, tmp_path, "plain.csv", {"circle": "1", "square": "2",
                                                      "stripe": "20"})  # fmt: skip
    _, y, _ = load_table(
        csv, image_column="picture", text_column="caption", target="code"
    )
    assert sorted(pd.unique(y)) == [1, 2, 20] and y.dtype.kind == "i"


EVAL = [*CSV_ARGS, "--models", "text-only", "--cv", "2", "--no-progress"]


def _evaluate(train, test, tmp_path):
    return run_main(
        "evaluate", "--csv", train, "--test-csv", test, "--target", "code",
        *EVAL, "--output", tmp_path / "r",
    )  # fmt: skip


def test_test_labels_written_otherwise_are_other_classes(tiny_csv, tmp_path):
    train = _labelled(
        tiny_csv,
        tmp_path,
        "train.csv",
        {"circle": "1.0", "square": "2.0", "stripe": "3.0"},  # fmt: skip
    )
    test = _labelled(
        tiny_csv,
        tmp_path,
        "test.csv",
        {"circle": "1", "square": "2", "stripe": "3"},  # fmt: skip
    )
    proc = _evaluate(train, test, tmp_path)
    assert proc.returncode == 0, proc.stderr
    warning = next(ln for ln in proc.stderr.splitlines() if "never occur" in ln)
    assert "'1', '2', '3' never occur" in warning
    assert "24 of its 24 rows" in warning


def test_test_labels_written_alike_are_the_same_classes(tiny_csv, tmp_path):
    codes = {"circle": "1.0", "square": "2.0", "stripe": "3.0"}
    train = _labelled(tiny_csv, tmp_path, "train.csv", codes)
    test = _labelled(tiny_csv, tmp_path, "test.csv", codes)
    proc = _evaluate(train, test, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "never occur" not in proc.stderr and "test accuracy" in proc.stdout


def test_proba_columns_name_date_time_classes_as_the_cells(tiny_csv, tmp_path):
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.persistence import save_model

    df = pd.read_csv(tiny_csv)
    X = pd.DataFrame(
        {
            "image": [str(tiny_csv.parent / p) for p in df["picture"]],
            "text": df["caption"],
        }
    )
    days = {"circle": "2020-01-01", "square": "2021-01-01", "stripe": "2022-01-01"}
    y = pd.to_datetime(df["label"].map(days)).to_numpy()
    model = make_multimodal_pipeline(method="concat", random_state=0).fit(X, y)
    path = save_model(model, tmp_path / "dates.skops")
    csv = tmp_path / "rows.csv"
    X.to_csv(csv, index=False)
    out = tmp_path / "pred.csv"
    proc = run_main("predict", "--model", path, "--csv", csv, "--output", out)
    assert proc.returncode == 0, proc.stderr
    pred = pd.read_csv(out, dtype=str)
    names = [c for c in pred.columns if c.startswith("proba_")]
    assert names == [f"proba_{d} 00:00:00" for d in sorted(days.values())]
    assert set(pred["prediction"]) <= {n.removeprefix("proba_") for n in names}
