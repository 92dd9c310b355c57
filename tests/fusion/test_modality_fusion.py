"""ModalityFusion: composition, parameters, input forms, output forms, errors."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    PolynomialFeatures,
    StandardScaler,
)

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion
from tests._methods import HStackMethod, fusion_plugin

WORDS = ["red", "blue", "green", "cat", "dog", "bird"]


def _data(n=24, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n) + y,
            "b": rng.normal(size=n),
            "text": [
                f"{WORDS[i % 3 + 3 * y[i]]} {WORDS[(i * 7) % 6]}" for i in range(n)
            ],
        },
        index=[f"s{i}" for i in range(n)],
    )
    return X, y


def _fusion(**kw):
    return ModalityFusion(
        [
            ("num", make_pipeline(StandardScaler(), PolynomialFeatures(2)), ["a", "b"]),
            ("text", TfidfVectorizer(), "text"),
        ],
        **kw,
    )


def test_nested_params_reach_branches_and_method_instance():
    fusion = _fusion(method=ConcatFusion(block_norm="l2"))
    params = fusion.get_params()
    assert params["num__polynomialfeatures__degree"] == 2
    assert params["text__lowercase"] is True
    assert params["method__block_norm"] == "l2"
    fusion.set_params(num__polynomialfeatures__degree=3, method__block_norm="none")
    assert fusion.transformers[0][1].steps[1][1].degree == 3
    assert fusion.method.block_norm == "none"
    fusion.set_params(text="drop")
    assert fusion.transformers[1][1] == "drop"
    assert fusion.transformers[1][2] == "text"
    X, y = _data()
    assert fusion.fit(X, y).modality_names_ == ["num"]


def test_grid_search_over_methods_and_branch_params():
    X, y = _data()
    pipe = Pipeline([("fusion", _fusion()), ("clf", LogisticRegression())])
    grid = GridSearchCV(
        pipe,
        {
            "fusion__method": ["concat", "product", "attention", "stack", "late"],
            "fusion__num__polynomialfeatures__degree": [1, 2],
        },
        cv=2,
        error_score="raise",
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 10
    assert set(grid.cv_results_["param_fusion__method"]) == {
        "concat",
        "product",
        "attention",
        "stack",
        "late",
    }


def test_dataframe_and_dict_inputs_agree_and_names_are_prefixed():
    X, y = _data()
    fusion = _fusion()
    Z = fusion.fit_transform(X, y)
    Zd = clone(fusion).fit_transform({c: X[c].tolist() for c in X}, y)
    np.testing.assert_allclose(Z.toarray(), Zd.toarray())
    names = fusion.get_feature_names_out()
    assert names[0] == "num__1" and "num__a b" in names
    assert "text__cat" in names
    assert len(names) == Z.shape[1]
    assert fusion.block_layout_.names == ["num", "text"]
    np.testing.assert_array_equal(fusion.feature_names_in_, ["a", "b", "text"])


def test_sparse_tfidf_stays_sparse_with_concat_and_densifies_elsewhere():
    X, y = _data()
    Z = _fusion().fit_transform(X, y)
    assert sparse.issparse(Z)
    assert Z.block_layout.names == ["num", "text"]
    for method in ["product", "tokens"]:
        Z = _fusion(method=method, random_state=0).fit_transform(X, y)
        assert isinstance(Z, np.ndarray) and Z.shape[0] == len(X)


def test_set_output_pandas_keeps_index_and_names():
    X, y = _data()
    fusion = ModalityFusion(
        [("num", StandardScaler(), ["a", "b"]), ("copy", "passthrough", ["a"])]
    ).set_output(transform="pandas")
    Z = fusion.fit_transform(X, y)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == ["num__a", "num__b", "copy__a"]
    assert list(Z.index) == list(X.index)


def test_n_jobs_gives_the_same_result_and_verbose_reports_branches(capsys):
    X, y = _data()
    a = _fusion(method="attention", random_state=0)
    Z1 = clone(a).set_params(n_jobs=1).fit(X, y).transform(X)
    Z2 = clone(a).set_params(n_jobs=2).fit(X, y).transform(X)
    np.testing.assert_allclose(Z1, Z2)
    clone(a).set_params(verbose=True).fit(X, y)
    out = capsys.readouterr().out
    assert "(1 of 2) Processing num" in out and "(2 of 2) Processing text" in out


def test_pickle_round_trip_and_input_not_mutated():
    X, y = _data()
    before = X.copy()
    fusion = _fusion(method="sum", random_state=0).fit(X, y)
    pd.testing.assert_frame_equal(X, before)
    loaded = pickle.loads(pickle.dumps(fusion))
    np.testing.assert_allclose(loaded.transform(X), fusion.transform(X))


def test_weights_are_handed_to_the_method():
    X, y = _data()
    plain = ModalityFusion(
        [("a", StandardScaler(), ["a"]), ("b", StandardScaler(), ["b"])]
    )
    Z = plain.fit_transform(X)
    Zw = clone(plain).set_params(weights={"b": 3.0}).fit_transform(X)
    np.testing.assert_allclose(Zw[:, 0], Z[:, 0])
    np.testing.assert_allclose(Zw[:, 1], 3 * Z[:, 1])
    assert clone(plain).set_params(weights={"b": 3.0}).fit(X).method_.weights == [
        1.0,
        3.0,
    ]
    with pytest.raises(ValueError, match="unknown modalities"):
        clone(plain).set_params(weights={"c": 1.0}).fit(X)


def test_modality_weights_only_for_attention():
    X, y = _data()
    att = _fusion(method="attention", random_state=0).fit(X, y)
    w = att.modality_weights(X)
    assert list(w.columns) == ["num", "text"]
    assert list(w.index) == list(X.index)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert not hasattr(_fusion(method="concat"), "modality_weights")


# -- clear errors ------------------------------------------------------------------
# a plugin-style method that cannot take sparse blocks
DENSE_ONLY = fusion_plugin(dense_only_test=HStackMethod)


def test_unknown_method_lists_available_names_including_plugins(use_plugin):
    assert use_plugin(
        fusion_plugin(dense_only_test=HStackMethod), "dense-only-test-plugin"
    )
    X, y = _data()
    with pytest.raises(ValueError, match="Unknown fusion method 'nope'") as exc:
        _fusion(method="nope").fit(X, y)
    for name in ["attention", "concat", "dense_only_test", "tensor", "tokens"]:
        assert name in str(exc.value)


def test_method_refusing_sparse_names_method_and_branch(use_plugin):
    assert use_plugin(
        fusion_plugin(dense_only_test=HStackMethod), "dense-only-test-plugin"
    )
    X, y = _data()
    with pytest.raises(ValueError, match="'dense_only_test' cannot take sparse") as exc:
        _fusion(method="dense_only_test").fit(X, y)
    assert "'text'" in str(exc.value) and "TruncatedSVD" in str(exc.value)
    # a densified branch works
    dense = _fusion(method="dense_only_test").set_params(
        text=make_pipeline(
            TfidfVectorizer(), FunctionTransformer(lambda m: m.toarray())
        )
    )
    assert dense.fit_transform(X, y).shape[0] == len(X)


def test_missing_column_is_named_with_available_columns():
    X, y = _data()
    fusion = ModalityFusion([("text", TfidfVectorizer(), "txt")])
    with pytest.raises(
        ValueError, match=r"column 'txt' of modality 'text' is not in X"
    ):
        fusion.fit(X, y)
    fitted = _fusion().fit(X, y)
    with pytest.raises(ValueError, match=r"available columns: \['a', 'b'\]"):
        fitted.transform(X.drop(columns="text"))


def test_dict_modalities_of_different_lengths():
    with pytest.raises(ValueError, match="different lengths: 'text': 3, 'a': 2"):
        ModalityFusion([("text", TfidfVectorizer(), "text")]).fit(
            {"text": ["a", "b", "c"], "a": [1.0, 2.0]}
        )


def test_a_list_of_records_is_refused_with_the_way_to_pass_it():
    records = [{"text": "a cat"}, {"text": "a dog"}]
    with pytest.raises(ValueError, match=r"list of 2 dicts \(records\).*DataFrame"):
        ModalityFusion([("text", TfidfVectorizer(), "text")]).fit(records)


def test_branch_returning_wrong_number_of_rows_is_named():
    X, y = _data()
    shrink = FunctionTransformer(lambda d: np.asarray(d)[:-1])
    fusion = ModalityFusion(
        [("num", StandardScaler(), ["a"]), ("broken", shrink, ["b"])]
    )
    with pytest.raises(
        ValueError, match="transformer 'broken' returned 23 rows in fit"
    ):
        fusion.fit(X, y)


def test_bad_method_params_and_bad_entries():
    X, y = _data()
    with (
        pytest.warns(FutureWarning, match=r"method_params=\.\.\.\) is deprecated"),
        pytest.raises(ValueError, match="valid parameters: .*block_norm"),
    ):
        _fusion(method_params={"n_components": 3}).fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _fusion().fit(X, y[:-1])
    from sklearn.utils._param_validation import InvalidParameterError

    for bad in ({"num": np.nan}, {"num": np.inf}, {"num": -1.0}, [0.0, 0.0]):
        with pytest.raises(InvalidParameterError, match="finite and non-negative"):
            _fusion(weights=bad).fit(X, y)
    with pytest.raises(ValueError, match="names must not contain __: got"):
        ModalityFusion([("a__b", StandardScaler(), ["a"])]).fit(X)
    with pytest.raises(ValueError, match="not unique"):
        ModalityFusion(
            [("a", StandardScaler(), ["a"]), ("a", StandardScaler(), ["b"])]
        ).fit(X)
    with pytest.raises(ValueError, match="by name, which needs a pandas DataFrame"):
        ModalityFusion([("a", StandardScaler(), ["a"])]).fit(X.to_numpy()[:, :2])


@pytest.mark.parametrize("name", ["method", "weights", "missing"])
def test_a_modality_named_like_a_parameter_is_refused(name):
    # a branch's nested parameters are "<name>__<param>": a modality called
    # "method" would take over method__* (and get_params()["method"])
    X, y = _data()
    fusion = ModalityFusion([(name, StandardScaler(), ["a"])])
    with pytest.raises(ValueError) as exc:
        fusion.fit(X, y)
    msg = str(exc.value)
    assert "ModalityFusion transformers" in msg
    assert f"conflict with constructor arguments: ['{name}']" in msg
    assert f"take over the parameter ModalityFusion({name}=...)" in msg
    assert "rename the modality" in msg


def test_sequence_block_refused_by_methods_that_cannot_take_it():
    from tests.fusion.test_layout import SequenceIds, _ids

    X, y = _data()
    fusion = ModalityFusion(
        [("num", StandardScaler(), ["a", "b"]), ("seq", SequenceIds(_ids), "text")],
        method="product",
    )
    with pytest.raises(ValueError, match="'product' cannot take the sequence block"):
        fusion.fit(X, y)


def test_method_params_still_apply_with_a_deprecation_warning():
    X, y = _data()
    with pytest.warns(FutureWarning, match="method=ConcatFusion"):
        old = _fusion(method_params={"block_norm": "l2"}).fit(X, y)
    new = _fusion(method=ConcatFusion(block_norm="l2")).fit(X, y)
    np.testing.assert_allclose(old.transform(X).toarray(), new.transform(X).toarray())


def test_random_state_reaches_a_method_given_by_name():
    X, y = _data()
    fusion = _fusion(method="stack", random_state=3).fit(X, y)
    assert fusion.method_.random_state == 3
    # an instance's own seed wins
    from skmultimodal.fusion.methods import StackFusion

    fusion = _fusion(method=StackFusion(random_state=5), random_state=3).fit(X, y)
    assert fusion.method_.random_state == 5
    Z1 = clone(fusion).fit_transform(X, y)
    np.testing.assert_allclose(clone(fusion).fit_transform(X, y), Z1)


def test_html_repr_expands_into_branches_and_method():
    from sklearn.utils import estimator_html_repr

    fusion = _fusion(method=ConcatFusion(block_norm="l2"))
    for estimator in (fusion, clone(fusion).fit(*_data())):
        html = estimator_html_repr(estimator)
        for name, shown in [
            ("num", "StandardScaler"),
            ("num", "PolynomialFeatures"),
            ("text", "TfidfVectorizer"),
        ]:
            assert f">{name}<" in html and shown in html
        # the method comes after the branches, its parameters as method__*
        labels = (
            html.index("<div>TfidfVectorizer</div>"),
            html.index("<div>ConcatFusion</div>"),
        )
        assert labels[0] < labels[1]
        assert 'data-param-prefix="method__"' in html
        assert 'data-param-prefix="num__polynomialfeatures__"' in html
        assert "[&#x27;a&#x27;, &#x27;b&#x27;]" in html  # the branch's columns
