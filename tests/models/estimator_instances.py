"""Instances for the common checks of ``skmultimodal.models``.

Tiny networks (width 8, 2 epochs) so that scikit-learn's checks stay fast.
"""

from skmultimodal.models import MultimodalAttentionClassifier

INSTANCES = [
    MultimodalAttentionClassifier(
        width=8, n_heads=2, epochs=2, batch_size=16, random_state=0
    ),
]

EXPECTED_FAILED_CHECKS = {
    "MultimodalAttentionClassifier": {
        "check_estimator_tags_renamed": (
            "the base class scikeras.wrappers.BaseWrapper (not ours) still defines "
            "the pre-1.6 _more_tags; our class defines __sklearn_tags__, which "
            "scikit-learn uses"
        ),
        "check_sample_weight_equivalence_on_dense_data": (
            "mini-batch SGD: a weight of 2 scales one gradient term, a repeated "
            "row is a second term in another batch, so the fits differ"
        ),
        "check_sample_weight_equivalence_on_sparse_data": (
            "sparse input is densified, then as on dense data: mini-batch SGD "
            "does not make a weight of 2 equal to a repeated row"
        ),
        "check_methods_sample_order_invariance": (
            "float32 network: a different batch composition changes the matmul "
            "blocking, so probabilities differ by about one float32 ulp (3e-8)"
        ),
        "check_methods_subset_invariance": (
            "float32 network: a subset is predicted in a batch of another shape, "
            "so on some CPUs probabilities differ by a few float32 ulps (1.5e-7 "
            "measured), above the check's atol of 1e-7"
        ),
    },
}

NON_TABULAR = {}
