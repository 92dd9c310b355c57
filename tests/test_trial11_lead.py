"""Fixes of the eleventh round made by the lead: table outputs, group
columns, n_jobs."""

import datetime
import json

import pandas as pd

from skmultimodal.utils._output import table_writer


def test_jsonl_output_writes_dates_as_iso_texts(tmp_path):
    df = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-02 03:04:05.123456", None]),
            "day": [datetime.date(2024, 1, 2), None],
            "zoned": pd.to_datetime(
                ["2024-01-02 03:04:05", "2024-06-01 00:00:00"]
            ).tz_localize("Europe/Paris"),
        }
    )
    path = tmp_path / "out.jsonl"
    with table_writer(path) as write:
        write(df)
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    # the texts the CSV writes: a date as a date, a zoned time with its offset
    assert rows[0]["when"] == "2024-01-02 03:04:05.123456"
    assert rows[1]["when"] is None
    assert rows[0]["day"] == "2024-01-02"
    assert rows[1]["day"] is None
    assert rows[0]["zoned"] == "2024-01-02 03:04:05+01:00"
    assert rows[1]["zoned"] == "2024-06-01 00:00:00+02:00"
    assert pd.Timestamp(rows[0]["when"]) == df["when"][0]
    assert pd.Timestamp(rows[0]["zoned"]) == df["zoned"][0]
    with table_writer(tmp_path / "out.csv") as write:
        write(df)
    csv = pd.read_csv(tmp_path / "out.csv", dtype=str).astype(object)
    assert csv.where(csv.notna(), None).to_dict("records") == rows


def _table(tmp_path, rows):
    path = tmp_path / "t.csv"
    path.write_text("text,label,group\n" + "".join(r + "\n" for r in rows), "utf-8")
    return path


def test_every_empty_group_and_target_cell_is_named(tmp_path):
    import pytest

    from skmultimodal.datasets._table import load_table

    rows = ["a,x,1", "b,,2", "c,y,", "d,,3", "e,x,", "f,y,4"]
    path = _table(tmp_path, rows)
    with pytest.raises(ValueError, match=r"'label' is empty on lines 3 and 5 of"):
        load_table(path, image_column=None, text_column="text", target="label")
    ok = _table(tmp_path, [r.replace(",,", ",x,") for r in rows])
    with pytest.raises(ValueError, match=r"'group' is empty on lines 4 and 6 of"):
        load_table(
            ok, image_column=None, text_column="text", target="label",
            group_column="group",
        )  # fmt: skip


def test_n_jobs_zero_is_refused_naming_the_parameter():
    import pytest
    from sklearn.utils._param_validation import InvalidParameterError

    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification
    from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
    from skmultimodal.image import HOGFeatures, ImageFeatures
    from skmultimodal.model_selection import compare_models

    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    with pytest.raises(InvalidParameterError, match="'n_jobs' parameter of make_m"):
        make_multimodal_pipeline(n_jobs=0)
    for est in (HOGFeatures(n_jobs=0), ImageFeatures("hog", n_jobs=0)):
        with pytest.raises(InvalidParameterError, match=r"'n_jobs'.*Got 0 instead"):
            est.fit_transform(X["image"])
    with pytest.raises(InvalidParameterError, match="'n_jobs'.*Got True instead"):
        HOGFeatures(n_jobs=True).fit_transform(X["image"])
    branches = [("text", "passthrough", "text")]
    for est in (
        ModalityFusion(branches, n_jobs=0),
        LateFusionClassifier(branches, n_jobs=0),
    ):
        with pytest.raises(InvalidParameterError, match="'n_jobs' parameter of"):
            est.fit(X, y)
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        compare_models({"m": make_multimodal_pipeline()}, X, y, n_jobs=0)
    # -1 (every core) and None stay valid
    assert HOGFeatures(n_jobs=-1).fit_transform(X["image"][:4]).shape[0] == 4
