"""Trial 17: a message that names the type of what the user passed names
its package too (``type_name``): a polars DataFrame is "polars.DataFrame"
and a pyarrow table "pyarrow.Table", not a bare "DataFrame" or "Table"
that reads as pandas'; NumPy values are "numpy.<type>"."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

TABLES = [
    (lambda: pl.DataFrame({"a": [1, 2]}), "polars.DataFrame"),
    (lambda: pa.table({"a": [1, 2]}), "pyarrow.Table"),
]


def test_write_report_names_the_package_of_what_it_refuses(tmp_path):
    from skmultimodal.report import write_report
    from tests.test_report_analysis import _classification

    out = tmp_path / "r"
    with pytest.raises(TypeError) as info:
        write_report(out, _classification(), dataset="toy", X=np.zeros((2, 2)))
    assert str(info.value) == (
        "X must be the evaluated table, a pandas DataFrame; got numpy.ndarray"
    )
    assert not out.exists()


@pytest.mark.parametrize("make, shown", TABLES, ids=["polars", "pyarrow"])
def test_write_report_reads_a_table_of_another_library_as_pandas(tmp_path, make, shown):
    from skmultimodal.report import write_report
    from tests.test_report_analysis import _classification

    n = len(_classification()["y_true"])
    with pytest.raises(ValueError, match=rf"^X has 2 rows but the results have {n} "):
        write_report(tmp_path / "r", _classification(), dataset="toy", X=make())


@pytest.mark.parametrize("make, shown", TABLES, ids=["polars", "pyarrow"])
def test_a_table_of_another_library_as_a_chunk_is_named_by_its_package(make, shown):
    from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline

    pipe = make_out_of_core_pipeline(image=None)
    with pytest.raises(ValueError, match=rf"not an \(X, y\) pair; got {shown}$"):
        fit_out_of_core(pipe, [make()])


def test_a_numpy_0d_array_as_rows_is_named_numpy_ndarray():
    from skmultimodal.model_selection import modality_contributions

    model = LogisticRegression().fit(np.eye(3), [0, 1, 2])  # no fusion step
    with pytest.raises(TypeError, match=r"\(a DataFrame\); got numpy\.ndarray$"):
        modality_contributions(model, np.array(5))


def test_a_numpy_scalar_column_key_is_named_by_its_package():
    from skmultimodal.fusion._columns import select_column

    X = pd.DataFrame({"image": ["a", "b"], "text": ["x", "y"]})
    with pytest.raises(ValueError, match=r", a numpy\.float64; a column is given"):
        select_column(X, np.float64(1.5), "text")


def test_a_numpy_scalar_parameter_is_named_by_its_package():
    from skmultimodal import make_multimodal_pipeline

    with pytest.raises(TypeError, match=r"image_tokens must be a bool") as info:
        make_multimodal_pipeline(classifier="attention", image_tokens=np.int64(1))
    assert str(info.value).endswith("(numpy.int64)")


def test_a_text_cell_of_another_type_is_named_by_its_package():
    from skmultimodal.text import TextCleaner

    X = pd.Series(["fine", np.int64(3)], dtype=object)
    with pytest.raises(ValueError, match=r"holds a value of type numpy\.int64 \("):
        TextCleaner().fit(X)


def test_metadata_names_a_value_by_package_not_module_path(tmp_path):
    """save_model's metadata check names types as the other messages do:
    "polars.Series", not polars' module path "polars.series.series.Series"."""
    from skmultimodal.persistence import save_model

    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(TypeError) as info:
        save_model(clf, tmp_path / "m.skops", metadata={"v": pl.Series([1, 2])})
    message = str(info.value)
    assert re.search(r"metadata\['v'\] has type polars\.Series;", message), message
    assert list(tmp_path.iterdir()) == []
