"""Instances for the common checks of ``skmultimodal.models``.

Tiny networks (width 8, 2 epochs) so that scikit-learn's checks stay fast.
"""

from skmultimodal.models import MultimodalAttentionClassifier

INSTANCES = [
    MultimodalAttentionClassifier(
        width=8, n_heads=2, epochs=2, batch_size=16, random_state=0
    ),
]

EXPECTED_FAILED_CHECKS = {}

NON_TABULAR = {}
