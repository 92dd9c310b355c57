"""The common checks for estimators that take a column of images or texts
live in the public :mod:`skmultimodal.utils.estimator_checks` (plugins run
them too); ``tests/test_common.py`` takes them from here."""

from skmultimodal.utils.estimator_checks import NON_TABULAR_CHECKS

__all__ = ["NON_TABULAR_CHECKS"]
