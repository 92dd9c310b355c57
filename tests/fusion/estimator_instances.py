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


class _Half:
    """Positions of the first or the second half of X's columns (at least
    one). An object with a fixed repr, not a function: the checks' test ids
    hold the instances' reprs, and a function's holds its address, which
    differs between the processes of a parallel (pytest-xdist) run."""

    def __init__(self, second):
        self.second = second

    def __call__(self, X):
        n = X.shape[1]
        if self.second:
            return list(range(n // 2, n)) if n > 1 else [0]
        return list(range(max(1, n // 2)))

    def __repr__(self):
        return "second_half" if self.second else "first_half"


first_half = _Half(second=False)
second_half = _Half(second=True)


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
_WARM_START_UNWEIGHTED = (
    "by design: the default expert's final fit is warm-started from the fold "
    "solutions (so it stops within tol of the optimum at a point that depends "
    "on the internal folds), and the branch scalers are fitted unweighted"
)
_ONE_LABEL_MODELS = (
    "by design: the instance's models (LogisticRegression, GaussianNB) fit one "
    "label column; a multi-label target needs models with one probability per "
    "label, such as OneVsRestClassifier(LogisticRegression()), with which the "
    "check passes (tests/fusion/test_trial10_tags.py)"
)
EXPECTED_FAILED_CHECKS = {
    "ModalityFusion": {
        "check_sample_weight_equivalence_on_dense_data": _UNWEIGHTED_BRANCHES,
    },
    "ModalityFusion(method='attention')": {
        "check_transformer_general": _OUT_OF_FOLD,
        "check_transformer_general(readonly_memmap=True)": _OUT_OF_FOLD,
        "check_transformer_data_not_an_array": _OUT_OF_FOLD,
        "check_sample_weight_equivalence_on_dense_data": _WARM_START_UNWEIGHTED,
    },
    "LateFusionClassifier": {
        "check_classifiers_multilabel_representation_invariance": _ONE_LABEL_MODELS,
        "check_classifiers_multilabel_output_format_predict": _ONE_LABEL_MODELS,
        "check_classifiers_multilabel_output_format_predict_proba": _ONE_LABEL_MODELS,
        "check_classifiers_multilabel_output_format_decision_function": (
            "by design: the instance's models fit one label column; with "
            "OneVsRestClassifier models the check is skipped, as "
            "LateFusionClassifier has no decision_function"
        ),
    },
}

NON_TABULAR = {}
