"""A numeric table column given other kinds of values at predict than in
fit is read without an error (a date-time as its seconds since 1970, a
bool as 0 or 1); a DataConversionWarning now names the column, what it
held in fit and what it holds now."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import DataConversionWarning

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.persistence import load_model, save_model


@pytest.fixture(scope="module")
def fitted():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    X["price"] = np.arange(40)
    X["when"] = pd.to_datetime("2024-01-01") + pd.to_timedelta(np.arange(40), "D")
    X["flag"] = np.arange(40) % 2 == 0
    pipe = make_multimodal_pipeline(
        image_features="pixels",
        tabular={"numeric": ["price", "when", "flag"]},
        random_state=0,
    )
    return X, pipe.fit(X, y)


def test_the_kinds_of_fit_give_no_warning(fitted, tmp_path):
    X, pipe = fitted
    rows = X.iloc[:3].copy()
    rows["price"] = rows["price"].astype("Float64")  # numbers still
    rows["flag"] = rows["flag"].astype(int)  # booleans as 0 and 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataConversionWarning)
        pipe.predict(rows)
        save_model(pipe, tmp_path / "m.skops")
        load_model(tmp_path / "m.skops").predict(rows)


def test_other_kinds_are_named_with_how_they_are_read(fitted):
    X, pipe = fitted
    rows = X.iloc[:2].copy()
    rows["price"] = pd.to_datetime(["2024-01-01", "2024-01-02"])
    rows["when"] = [1.7e9, 1.8e9]
    rows["flag"] = pd.to_timedelta([1, 2], "s")
    with pytest.warns(DataConversionWarning) as record:
        pipe.predict(rows)
    assert [str(w.message) for w in record] == [
        "numeric table columns 'price' held numbers in fit but holds date-times "
        "(read as seconds since the Unix epoch); 'when' held date-times in fit "
        "but holds numbers; 'flag' held booleans in fit but holds durations "
        "(read as seconds): the model was not trained on such values, so its "
        "predictions for them may be wrong; give the column the kind of values "
        "it had in fit"
    ]
    assert record[0].filename == __file__


def test_booleans_in_an_object_column_of_numbers_are_named(fitted):
    X, pipe = fitted
    rows = X.iloc[:2].astype({"price": object})
    rows["price"] = [True, None]
    with pytest.warns(DataConversionWarning, match=r"^numeric table column 'price' "):
        pipe.predict(rows)
