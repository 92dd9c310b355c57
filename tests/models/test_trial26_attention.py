"""MultimodalAttentionClassifier: weights that leave no row to learn from,
class_weight keys that are no class, and a missing label are refused by
name before the network trains."""

import numpy as np
import pytest

from skmultimodal.models import MultimodalAttentionClassifier

X = np.random.RandomState(0).randn(60, 6)
Y = np.array(list("abc") * 20)
TINY = {"epochs": 1, "width": 8, "n_heads": 1, "random_state": 0}


def test_class_weights_of_zero_everywhere_are_refused():
    # before: the loss was 0 throughout and the untrained network predicted
    clf = MultimodalAttentionClassifier(**TINY, class_weight=dict.fromkeys("abc", 0))
    with pytest.raises(ValueError, match="gives every training row a weight of 0"):
        clf.fit(X, Y)


def test_class_and_sample_weights_that_cancel_out_are_refused():
    clf = MultimodalAttentionClassifier(**TINY, class_weight={"a": 0})
    with pytest.raises(ValueError, match="gives every training row a weight of 0"):
        clf.fit(X, Y, sample_weight=(Y == "a").astype(float))


def test_some_zero_class_weights_still_fit():
    clf = MultimodalAttentionClassifier(**TINY, class_weight={"a": 0}).fit(X, Y)
    assert clf.predict(X[:3]).shape == (3,)


def test_a_class_weight_key_that_is_no_class_is_named():
    clf = MultimodalAttentionClassifier(**TINY, class_weight={"zzz": 5})
    with pytest.raises(ValueError, match=r"class_weight names 'zzz', which is not"):
        clf.fit(X, Y)
    # every class weighted: an extra key is harmless, as in scikit-learn
    weights = {"a": 1, "b": 2, "c": 1, "zzz": 5}
    MultimodalAttentionClassifier(**TINY, class_weight=weights).fit(X, Y)


def test_a_missing_label_is_named_by_row():
    # before: NumPy's "'<' not supported between instances of 'NoneType' and 'str'"
    y = Y.astype(object)
    y[1] = None
    with pytest.raises(ValueError, match=r"y is missing .* row 1\."):
        MultimodalAttentionClassifier(**TINY).fit(X, y)
