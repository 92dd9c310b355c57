"""``each_warning_once``: a fit that warns and then raises gives its own
exception, even when a filter turns the warnings issued again at the
user's line into errors; its warnings are issued once either way."""

import re
import warnings

import pytest

from skmultimodal.utils._parallel import each_warning_once


class _Fit:
    @each_warning_once
    def fit(self, fail):
        for _ in range(3):  # one model per fold, each meeting the same warning
            # as a library (the module "somelib") would warn
            warnings.warn_explicit(
                "few rows in a class", UserWarning, "somelib.py", 1, "somelib"
            )
        if fail:
            raise ValueError("the fit failed")
        return self


def _errors_at_this_file():
    """Warnings attributed to this module (the user's code) are errors."""
    warnings.simplefilter("always")
    warnings.filterwarnings("error", module=re.escape(__name__))


def test_the_fit_error_is_not_hidden_by_a_warning_turned_into_an_error():
    with warnings.catch_warnings():
        _errors_at_this_file()
        with pytest.raises(ValueError, match="the fit failed"):
            _Fit().fit(fail=True)


def test_a_warning_turned_into_an_error_still_raises_after_a_fit_that_succeeds():
    with warnings.catch_warnings():
        _errors_at_this_file()
        with pytest.raises(UserWarning, match="few rows in a class"):
            _Fit().fit(fail=False)


@pytest.mark.parametrize("fail", [False, True])
def test_each_warning_is_issued_once_whether_the_fit_fails_or_not(fail):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _Fit().fit(fail=fail)
        except ValueError:
            assert fail
    assert [str(w.message) for w in caught] == ["few rows in a class"]
    assert caught[0].filename == __file__  # the line that called fit
