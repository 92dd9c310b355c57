"""Instances of the public fusion estimators for tests/test_common.py.

ModalityFusion and LateFusionClassifier take a table of modality columns.
For scikit-learn's checks (random numeric tables with any number of columns)
the instances split the columns into two "modalities" by position, with
module-level callables so the instances stay picklable.
"""

from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion


def first_half(X):
    """Positions of the first half of X's columns (at least one)."""
    n = X.shape[1]
    return list(range(max(1, n // 2)))


def second_half(X):
    """Positions of the second half of X's columns (all of them if only one)."""
    n = X.shape[1]
    return list(range(n // 2, n)) if n > 1 else [0]


INSTANCES = [
    ModalityFusion(
        [("a", StandardScaler(), first_half), ("b", "passthrough", second_half)]
    ),
    ModalityFusion(
        [("a", StandardScaler(), first_half), ("b", StandardScaler(), second_half)],
        method="attention",
        random_state=0,
    ),
    LateFusionClassifier(
        [
            ("a", LogisticRegression(), first_half),
            ("b", GaussianNB(), second_half),
        ]
    ),
]

_OUT_OF_FOLD = (
    "by design: fit_transform returns the fusion of out-of-fold class scores "
    "(stacking), transform that of the experts fitted on all rows"
)
_UNWEIGHTED_BRANCHES = (
    "by design: sample_weight goes to the fusion method only; the branch "
    "transformers (here a StandardScaler) are fitted unweighted, as "
    "ColumnTransformer's are"
)
_FOLDS_OF_COPIES = (
    "by design: the experts' internal folds put a row's copies in other folds "
    "than its weighted original, so their out-of-fold scores differ"
)
EXPECTED_FAILED_CHECKS = {
    "ModalityFusion": {
        "check_sample_weight_equivalence_on_dense_data": _UNWEIGHTED_BRANCHES,
    },
    "ModalityFusion(method='attention')": {
        "check_transformer_general": _OUT_OF_FOLD,
        "check_transformer_general(readonly_memmap=True)": _OUT_OF_FOLD,
        "check_transformer_data_not_an_array": _OUT_OF_FOLD,
        "check_sample_weight_equivalence_on_dense_data": _FOLDS_OF_COPIES,
    },
}

NON_TABULAR = {}
