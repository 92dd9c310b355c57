"""predict and featurize with a model saved by the library's own save_model
(no metadata from ``train``): the columns come from the fitted model."""

import numpy as np
import pandas as pd

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets._table import load_table
from skmultimodal.persistence import save_model

from .conftest import run_main, write_dataset


def _table(csv):
    """The CSV with the builder's column names and two table columns."""
    df = pd.read_csv(csv).rename(columns={"picture": "image", "caption": "text"})
    rng = np.random.default_rng(0)
    df["weight"] = rng.normal(size=len(df)).round(3)
    df["brand"] = rng.choice(["acme", "zenith"], size=len(df))
    out = csv.parent / "named.csv"
    df.to_csv(out, index=False)
    return out


def test_a_library_model_reads_the_columns_it_was_fitted_on(tmp_path):
    csv = _table(write_dataset(tmp_path / "data"))
    X, y, _ = load_table(
        csv,
        image_column="image",
        text_column="text",
        target="label",
        tabular_columns=["weight", "brand"],
    )
    tabular = {"numeric": ["weight"], "categorical": ["brand"]}
    model = make_multimodal_pipeline(
        method="concat", image_features="pixels", tabular=tabular, random_state=0
    ).fit(X, y)
    path = save_model(model, tmp_path / "model.skops")  # no metadata
    out = tmp_path / "pred.csv"
    proc = run_main("predict", "--model", path, "--csv", csv, "--output", out)
    assert proc.returncode == 0, proc.stderr
    pred = pd.read_csv(out)
    np.testing.assert_array_equal(pred["prediction"], model.predict(X))
    proc = run_main("featurize", "--model", path, "--csv", csv, "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert pd.read_csv(out).shape == (len(X), len(model[:-1].get_feature_names_out()))


def test_a_library_model_fitted_on_other_names_is_refused_clearly(tmp_path):
    csv = write_dataset(tmp_path / "data")  # columns picture, caption
    X, y, _ = load_table(
        csv, image_column="picture", text_column="caption", target="label"
    )
    X = X.rename(columns={"image": "photo", "text": "title"})
    model = make_multimodal_pipeline(
        image="photo", text="title", method="concat", image_features="pixels"
    ).fit(X, y)
    path = save_model(model, tmp_path / "model.skops")
    proc = run_main("predict", "--model", path, "--csv", csv)
    assert proc.returncode == 2
    line = proc.stderr.strip().splitlines()[-1]
    assert "fitted on columns ['photo', 'title'], not 'image' or 'text'" in line
    assert "pass --image-column and --text-column" in line
