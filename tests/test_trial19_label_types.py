"""Class labels of mixed types (ints and strs in one object array, numbers
and numbers written as text) are refused with one message wherever a
classification target is taken: the builder's pipeline, ModalityFusion,
the fusion methods, LateFusionClassifier, compare_models (before any fold,
which also refuses a target of one class up front), out-of-core fitting
(within a chunk and across chunks) and the attention classifier. The
message names the types found and the first row out of type (position,
and index label), and suggests one type. Targets of one type (strs, ints,
floats, bools, categories, nullable integers, NumPy and Python integers
together) are fitted as before."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.datasets._table import target_values
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import StackFusion
from skmultimodal.model_selection import compare_models
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline
from skmultimodal.utils._validation import check_label_types

FIX = "Convert the labels to one type first (e.g. y.astype(str))."
FITTED = []  # the row counts of the fits of the recording estimators below


def _objects(values):
    """``values`` as a 1-D object array, each value kept as it is."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _mixed(y, other="cat"):
    """``y`` (0/1) as an object array: the 1s stay the int 1, the 0s become
    ``other``."""
    return _objects([1 if v else other for v in y])


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(
        n_samples=24, n_classes=2, image_size=8, random_state=0
    )
    return X, y


def _pipe(**kwargs):
    return make_multimodal_pipeline(image_features="pixels", random_state=0, **kwargs)


def _first_differs(y):
    """The first position whose label is not of the type of ``y[0]``."""
    return next(i for i, v in enumerate(y) if type(v) is not type(y[0]))


# -- the check ----------------------------------------------------------------
def test_the_message_names_the_types_the_row_and_a_fix():
    y = pd.Series(_objects([1, 1, "cat", 1, "dog"]), index=list("abcde"))
    message = (
        "y mixes label types (int and str): row 2 (index 'c') holds the str "
        "'cat', but the first label, at row 0 (index 'a'), is the int 1. " + FIX
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        check_label_types(y)


def test_numbers_written_as_text_among_numbers_are_refused():
    y = _objects(["2.5", 3, "2.5"])
    with pytest.raises(ValueError, match=re.escape("(str and int): row 1 holds")):
        check_label_types(y)


def test_labels_of_one_kind_pass(data):
    _, y = data
    valid = [
        y,
        y.astype(str),
        y.astype(float),
        y.astype(bool),
        _objects(y.astype(str)),
        _objects([np.int64(v) if i % 2 else int(v) for i, v in enumerate(y)]),
        _objects([True if v else 0 for v in y]),  # a bool and an int: numbers
        pd.Series(y, dtype="Int64"),
        pd.Series(pd.Categorical(np.where(y == 1, "a", "b"))),
        _objects(["a", None, "b"]),  # a missing label is not a type
        [1, "cat", 1],  # a list: strings, as NumPy (and fit) reads it
    ]
    for labels in valid:
        first = check_label_types(labels)
        assert first[1] == "row 0"


def test_a_later_part_is_checked_against_the_first_label():
    first = check_label_types(np.array([3, 4]))
    assert first == (3, "row 0")
    with pytest.raises(ValueError, match=r"row 0 holds the str 'x', but the first"):
        check_label_types(np.array(["x", "y"]), first=first)


# -- the builder's pipeline, ModalityFusion, the methods ----------------------
@pytest.mark.parametrize("other", ["cat", "2.5"])
def test_the_pipeline_names_the_first_row_out_of_type(data, other):
    X, y = data
    index = [f"r{i}" for i in range(len(y))]
    labels = pd.Series(_mixed(y, other), index=index)
    first, i = labels.iloc[0], _first_differs(labels.to_numpy())
    kinds = "int and str" if first == 1 else "str and int"
    message = (
        f"y mixes label types ({kinds}): row {i} (index 'r{i}') holds the "
        f"{type(labels.iloc[i]).__name__} {labels.iloc[i]!r}, but the first "
        f"label, at row 0 (index 'r0'), is the {type(first).__name__} "
        f"{first!r}. " + FIX
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        _pipe().fit(X.set_axis(index), labels)


class _RecordingScaler(TransformerMixin, BaseEstimator):
    """A branch transformer recording each fit."""

    def fit(self, X, y=None):
        FITTED.append(len(X))
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)


@pytest.mark.parametrize("method", ["concat", "stack"])
def test_modality_fusion_refuses_them_before_fitting_a_branch(method):
    X = pd.DataFrame(np.random.RandomState(0).rand(12, 2), columns=["a", "b"])
    y = _objects(["x", "y"] * 5 + [1, 2])
    fusion = ModalityFusion(
        [("a", _RecordingScaler(), ["a"]), ("b", _RecordingScaler(), ["b"])],
        method=method,
    )
    FITTED.clear()
    message = "y mixes label types (str and int): row 10 holds the int 1"
    with pytest.raises(ValueError, match=re.escape(message)):
        fusion.fit(X, y)
    assert FITTED == []


def test_a_continuous_target_keeps_its_own_message(data):
    X, y = data
    with pytest.raises(ValueError, match=r"needs numbers in y; row \d+ of y is 'cat'"):
        _pipe(target_type="continuous", estimator="ridge").fit(X, _mixed(y))


def test_a_fusion_method_refuses_them():
    rng = np.random.RandomState(0)
    blocks = [rng.rand(12, 3), rng.rand(12, 2)]
    y = _objects(["a", 1] * 6)
    stack = StackFusion(random_state=0).set_modalities(["img", "txt"])
    message = "y mixes label types (str and int): row 1 holds the int 1"
    with pytest.raises(ValueError, match=re.escape(message)):
        stack.fit_transform(blocks, y)


def test_late_fusion_classifier_refuses_them():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.rand(12, 4), index=[f"s{i}" for i in range(12)])
    y = _objects([0, 1] * 3 + ["a", "b"] * 3)
    clf = LateFusionClassifier(
        [("a", LogisticRegression(), [0, 1]), ("b", GaussianNB(), [2, 3])]
    )
    message = (
        "y mixes label types (int and str): row 6 (index 's6') holds the str "
        "'a', but the first label, at row 0 (index 's0'), is the int 0."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.fit(X, y)


def test_valid_targets_fit_as_before(data):
    X, y = data
    targets = {
        "bool": (y.astype(bool), [False, True]),
        "str": (y.astype(str), ["0", "1"]),
        "categorical": (pd.Series(pd.Categorical(np.where(y, "b", "a"))), ["a", "b"]),
        "Int64": (pd.Series(y, dtype="Int64"), [0, 1]),
    }
    for name, (target, classes) in targets.items():
        pipe = _pipe().fit(X, target)
        assert [c.item() if hasattr(c, "item") else c for c in pipe.classes_] == (
            classes
        ), name


# -- compare_models -----------------------------------------------------------


class _Recording(ClassifierMixin, BaseEstimator):
    """A classifier recording each fit (the folds), predicting class 0."""

    def fit(self, X, y):
        FITTED.append(len(y))
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.repeat(self.classes_[:1], len(X))


def test_compare_models_refuses_mixed_labels_before_any_fold(data):
    X, y = data
    X = X.set_axis([f"r{i}" for i in range(len(y))])
    labels = _objects(["cat" if v else 1 for v in y])
    i = _first_differs(labels)
    FITTED.clear()
    with pytest.raises(ValueError) as info:
        compare_models({"m": _Recording()}, X, labels, cv=2)
    assert FITTED == []
    text = str(info.value)
    assert text.startswith("y mixes label types (")
    assert f"row {i} (index 'r{i}') holds" in text and text.endswith(FIX)


def test_compare_models_refuses_one_class_up_front(data):
    X, y = data
    FITTED.clear()
    for cv in (2, None):
        with pytest.raises(
            ValueError,
            match=r"compare_models \(it compares classifiers\) needs samples of "
            r"at least 2 classes in y; found one class only: 'a', in all \d+ rows",
        ):
            compare_models({"m": _Recording()}, X, np.repeat("a", len(y)), cv=cv)
    assert FITTED == []


def test_compare_models_regression_keeps_its_own_message(data):
    X, y = data
    from sklearn.linear_model import Ridge

    with pytest.raises(ValueError, match=r"task='regression' needs numbers in y"):
        compare_models({"r": Ridge()}, X, _mixed(y), cv=2)


def test_compare_models_valid_targets_still_compare(data):
    X, y = data
    for target in (y, y.astype(bool), _objects(y.astype(str))):
        FITTED.clear()
        result = compare_models({"m": _Recording()}, X, target, cv=2)
        assert len(FITTED) == 2 and result.n_classes == 2


# -- out of core --------------------------------------------------------------
def _chunks(X, y, size=8):
    return [(X[i : i + size], y[i : i + size]) for i in range(0, len(y), size)]


def test_out_of_core_refuses_mixed_labels_within_a_chunk(data):
    X, _ = data
    labels = _objects(["a", "b"] * 4 + ["a", 7] + ["b"] * 14)  # an int in chunk 1
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    message = (
        "chunk 1 of the statistics pass: y mixes label types (str and int): "
        "row 9 holds the int 7, but the first label, at row 0, is the str 'a'. " + FIX
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_out_of_core(pipe, _chunks(X, labels))


def test_out_of_core_refuses_a_chunk_of_another_type(data):
    X, y = data
    labels = _objects(list(y[:8]) + ["a", "b"] * 8)  # strs from chunk 1 on
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    message = (
        "chunk 1 of the statistics pass: y mixes label types (int and str): "
        f"row 8 holds the str 'a', but the first label, at row 0, is the int {y[0]}."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_out_of_core(pipe, _chunks(X, labels))


def test_out_of_core_names_the_row_across_chunks_by_its_index(data):
    X, y = data
    X = X.set_axis([f"r{i}" for i in range(len(y))])
    strs = np.where(y[16:], "b", "a")  # the third chunk: strs after ints
    chunks = [(X[:8], y[:8]), (X[8:16], list(y[8:16])), (X[16:], strs)]
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    message = (
        "chunk 2 of the statistics pass: y mixes label types (int and str): "
        f"row 16 (index 'r16') holds the str {str(strs[0])!r}, but the first label, "
        f"at row 0 (index 'r0'), is the int {y[0]}. " + FIX
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_out_of_core(pipe, chunks)


def test_out_of_core_refuses_mixed_classes(data):
    X, y = data
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    with pytest.raises(ValueError, match=r"^classes mixes label types \(int and str"):
        fit_out_of_core(pipe, _chunks(X, y), classes=_objects([0, "a"]))


def test_out_of_core_fits_targets_of_one_kind_as_before(data):
    X, y = data
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    numbers = _objects([np.int64(v) if i % 2 else int(v) for i, v in enumerate(y)])
    for target, classes in ((y.astype(bool), [False, True]), (numbers, [0, 1])):
        model = fit_out_of_core(pipe, _chunks(X, target))
        assert model.classes_.tolist() == classes


# -- the command line reads labels of one type --------------------------------
def test_a_csv_target_column_is_read_as_one_type():
    mixed = target_values(pd.Series(["1", "cat", "2"], dtype=object))
    assert {type(v) for v in mixed} == {str}
    check_label_types(mixed)
    numbers = target_values(pd.Series(["1", "2", "1"], dtype=object))
    assert numbers.dtype.kind in "iuf"


# -- the attention classifier -------------------------------------------------
@pytest.mark.slow
def test_the_attention_classifier_refuses_them():
    pytest.importorskip("scikeras", reason="the attention classifier needs keras")
    from skmultimodal.models import MultimodalAttentionClassifier

    X = np.random.RandomState(0).rand(6, 4)
    y = _objects([1, "a"] * 3)
    message = "y mixes label types (int and str): row 1 holds the str 'a'"
    with pytest.raises(ValueError, match=re.escape(message)):
        MultimodalAttentionClassifier(epochs=1).fit(X, y)
    chunks = [(X[:3], np.array([1, 2, 1])), (X[3:], np.array(["a", "b", "a"]))]
    with pytest.raises(ValueError, match=r"chunk 1: y mixes .* row 3 holds the str"):
        MultimodalAttentionClassifier(epochs=1).fit_chunks(chunks)
