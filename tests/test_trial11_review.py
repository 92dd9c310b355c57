"""Review leftovers: NumPy scalar labels unwrapped by one helper; the shared
throwaway-plugin fixture; models saying whether they have internal folds;
TextFeatures naming itself in its extractor's messages without setting
anything on the extractor."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.model_selection import compare_models
from skmultimodal.plugins import get_registry
from skmultimodal.text import TextFeatures, WordVectorFeatures
from tests._methods import HStackMethod, fusion_plugin


# -- 1. one helper for NumPy scalar labels -----------------------------------------
def test_table_cells_names_a_multiindex_label_plainly():
    from skmultimodal.pipeline import _TableCells

    X = pd.DataFrame(
        {"x": [1.0, np.inf]}, index=pd.MultiIndex.from_tuples([(1, "a"), (2, "b")])
    )
    with pytest.raises(ValueError, match=r"row 1 \(index \(2, 'b'\)\): inf\."):
        _TableCells().fit(X)


def test_labels_are_unwrapped_by_plain_label_only():
    """No module of the package unwraps a NumPy scalar by hand (``.item()``,
    or ``isinstance(..., np.generic)`` beside it): plain_label does, in
    utils/_validation.py only."""
    import pathlib
    import re

    import skmultimodal
    import skmultimodal.model_selection._compare as compare

    root = pathlib.Path(skmultimodal.__file__).parent
    helper = root / "utils" / "_validation.py"
    found = [
        f"{path.relative_to(root)}:{i}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path != helper
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.item\(\)", line)
    ]
    assert not found, found
    assert "def plain_label" in helper.read_text(encoding="utf-8")
    assert not hasattr(compare, "_plain_label")


# -- 2. one throwaway-plugin fixture for every test folder -------------------------
def test_use_plugin_fixture_reaches_every_test_folder(use_plugin):
    assert use_plugin(fusion_plugin(halves_trial11=HStackMethod), "trial11-plugin")
    assert "halves_trial11" in get_registry("fusion_method").names()


def test_use_plugin_fixture_unregisters_afterwards():
    """The fixture's own teardown unregisters its plugins: its generator is
    driven here, and checked before fresh_manager's reset, which would hide
    a plugin left registered."""
    from tests import conftest

    def generator(fixture, *args):
        return getattr(fixture, "__wrapped__", fixture)(*args)

    managing = generator(conftest.fresh_manager)
    using = generator(conftest.use_plugin, next(managing))
    assert next(using)(fusion_plugin(halves_trial11=HStackMethod), "trial11-plugin")
    assert "halves_trial11" in get_registry("fusion_method").names()
    with pytest.raises(StopIteration):
        next(using)  # use_plugin's teardown
    assert "halves_trial11" not in get_registry("fusion_method").names()
    with pytest.raises(StopIteration):
        next(managing)


# -- 3. a model says whether it has internal folds ---------------------------------
class _GroupedModel(ClassifierMixin, BaseEstimator):
    """A user model whose fit takes groups (for internal folds or not)."""

    def fit(self, X, y, groups=None):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


class _NoFoldsModel(_GroupedModel):
    def __skmultimodal_internal_folds__(self):
        return False


def _warned(model):
    X = np.arange(48.0).reshape(24, 2)
    y = np.arange(24) % 2
    groups = np.arange(24) // 2
    search = GridSearchCV(model, {}, cv=GroupKFold(2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare_models({"m": search}, X, y, groups=groups, cv=GroupKFold(3))
    return [
        str(w.message) for w in caught if "reach only the splitter" in str(w.message)
    ]


def test_model_declaring_no_internal_folds_is_not_warned_of():
    assert _warned(_NoFoldsModel()) == []


def test_model_declaring_nothing_is_still_warned_of():
    (message,) = _warned(_GroupedModel())
    assert "models['m']" in message and "_GroupedModel" in message


def test_fusion_composites_answer_by_their_current_rules():
    from skmultimodal.model_selection._compare import _uses_internal_folds

    blocks = [("a", LogisticRegression(), [0]), ("b", LogisticRegression(), [1])]
    assert _uses_internal_folds(LateFusionClassifier(blocks, weights="auto"))
    assert not _uses_internal_folds(LateFusionClassifier(blocks, weights=[1, 1]))
    assert not _uses_internal_folds(LateFusionClassifier(blocks))
    passthrough = [("a", "passthrough", [0]), ("b", "passthrough", [1])]
    assert not _uses_internal_folds(ModalityFusion(passthrough, method="concat"))
    assert _uses_internal_folds(ModalityFusion(passthrough, method="stack"))
    assert _uses_internal_folds(_GroupedModel())


# -- 4. TextFeatures names itself without setting anything on its extractor --------
@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "tiny.vec"
    path.write_text("2 2\nred 1 0\ncat 0 1\n", encoding="utf-8")
    return str(path)


def test_extractor_messages_name_text_features_in_fit_and_transform(vectors):
    tf = TextFeatures("word_vectors", method_params={"path": vectors})
    s = pd.Series(["red cat", "zzz"], index=["a", "b"])
    with pytest.warns(UserWarning, match=r"^TextFeatures\(method='word_vectors'\): "):
        tf.fit_transform(s)
    with pytest.warns(UserWarning, match=r"^TextFeatures\(method='word_vectors'\): "):
        tf.transform(s)
    # the fitted extractor, used on its own, names itself
    with pytest.warns(UserWarning, match=r"^WordVectorFeatures: "):
        tf.extractor_.transform(s)


def test_extractor_state_and_params_are_left_as_they_are(vectors):
    given = WordVectorFeatures(vectors)
    before = dict(vars(given))
    tf = TextFeatures(given).fit(["red cat"])
    assert vars(given) == before
    fresh = WordVectorFeatures(vectors).set_output(transform="default")
    fresh.fit(["red cat"])
    assert set(vars(tf.extractor_)) == set(vars(fresh))
    assert tf.extractor_.get_params() == fresh.get_params()
    assert vars(clone(tf.extractor_)) == vars(clone(fresh))
