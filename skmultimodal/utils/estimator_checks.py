"""Checks that fusion methods and feature extractors honour skmultimodal's
contract, for built-in methods and plugins alike.

scikit-learn's ``parametrize_with_checks`` feeds an estimator random numeric
tables: it checks nothing of a feature extractor that takes a column of
images or texts, and nothing of a fusion method, which takes a list of
blocks. These checks do, beside the scikit-learn checks that apply:

- :func:`check_fusion_method` (and :func:`fusion_method_checks`): the
  registration interface; fit/transform on a list of blocks; clone, ``fit``
  changing no parameter, pickling,
  determinism, feature names; rows fused independently; blocks of different
  lengths refused; the zero and mean rows that stand for missing modalities;
  sparse blocks; then scikit-learn's full checks on a
  :class:`~skmultimodal.fusion.ModalityFusion` that uses the method;
- :func:`check_feature_extractor` (and :func:`feature_extractor_checks`):
  the registration interface; scikit-learn's API checks; a 2-D numeric
  output, one row per item and one name per column; ragged images of
  every supported kind, file paths and encoded bytes (or texts); missing
  items; ``fit`` changing no parameter, pickling and the rest of
  :data:`NON_TABULAR_CHECKS`;
- :func:`parametrize_with_checks`: the pytest decorator running them.

A plugin package runs them in its own tests::

    from skmultimodal.utils.estimator_checks import parametrize_with_checks

    @parametrize_with_checks([MaxPoolFusion(n_components=2)])
    def test_estimator_checks(estimator, check):
        check(estimator)

Examples
--------
>>> from skmultimodal.fusion.methods import ConcatFusion
>>> from skmultimodal.utils.estimator_checks import check_fusion_method
>>> check_fusion_method(ConcatFusion())  # raises AssertionError if one fails
"""

from __future__ import annotations

import atexit
import copy
import functools
import inspect
import io
import os
import pickle
import shutil
import tempfile
import warnings
from functools import partial
from unittest import SkipTest

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags

from skmultimodal.utils._validation import type_name

__all__ = [
    "NON_TABULAR_CHECKS",
    "check_estimator_class",
    "check_extractor_output",
    "check_feature_extractor",
    "check_fusion_method",
    "feature_extractor_checks",
    "fusion_method_checks",
    "parametrize_with_checks",
]

_REGISTRY = {
    "fusion": "fusion_method",
    "image": "image_features",
    "text": "text_features",
}


# -- the registration interface ---------------------------------------------------
def check_estimator_class(
    cls,
    *,
    what="estimator",
    required=("fit", "transform", "get_feature_names_out"),
    interface=None,
):
    """Check that ``cls`` can be registered: a default-constructible
    scikit-learn estimator class implementing ``required``, whose
    ``__init__`` stores each parameter unchanged (``cls().get_params()``
    holds the signature's defaults, as scikit-learn's ``clone`` expects).

    Registries run it on every registration (through their kind's
    validator); a method counts as missing when it is abstract or is the
    placeholder defined by the class ``interface`` itself.

    Parameters
    ----------
    cls : object
        The class to check.
    what : str, default="estimator"
        How messages name it, e.g. ``"fusion method"``.
    required : tuple of str, default=("fit", "transform", "get_feature_names_out")
        Methods the class must implement.
    interface : type, default=None
        A base class whose placeholder methods do not count.

    Raises
    ------
    skmultimodal.plugins.PluginInterfaceError
        Naming the class and what is wrong with it.
    """
    from skmultimodal.plugins import PluginInterfaceError

    if not inspect.isclass(cls):
        raise PluginInterfaceError(f"{what} must be a class, got {type_name(cls)}")
    what = f"{what} {cls.__qualname__}"
    if not issubclass(cls, BaseEstimator):
        raise PluginInterfaceError(f"{what} must subclass sklearn.base.BaseEstimator")

    def lacks(method):
        attr = inspect.getattr_static(cls, method, None)
        attr = getattr(attr, "__func__", attr)  # staticmethod, classmethod
        stub = interface is not None and attr is vars(interface).get(method)
        return not callable(attr) or getattr(attr, "__isabstractmethod__", 0) or stub

    missing = [m for m in required if lacks(m)]
    missing += sorted(set(getattr(cls, "__abstractmethods__", ())) - set(missing))
    if missing:
        raise PluginInterfaceError(
            f"{what} lacks required method(s): {', '.join(missing)} (they must be "
            "implemented by the class or one of its own bases, not inherited as "
            "an interface stub)"
        )
    try:
        instance = cls()
    except Exception as exc:
        raise PluginInterfaceError(
            f"{what} cannot be constructed with default parameters: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    try:  # what clone, set_params and GridSearchCV rely on
        params = instance.get_params(deep=False)
    except Exception as exc:
        raise PluginInterfaceError(
            f"{what}: get_params() failed ({type(exc).__name__}: {exc}); __init__ "
            "must store each keyword argument under its own name"
        ) from exc
    # as scikit-learn's clone and check_parameters_default_constructible:
    # each parameter is stored unchanged, so cls() holds the defaults
    init = inspect.signature(cls.__init__).parameters
    for name, value in params.items():
        default = getattr(init.get(name), "default", inspect.Parameter.empty)
        if default is not inspect.Parameter.empty and not _same_value(value, default):
            raise PluginInterfaceError(
                f"{what}: __init__ does not store the parameter {name!r} unchanged: "
                f"{cls.__qualname__}().{name} is {value!r} but its default is "
                f"{default!r}. __init__ must store each keyword argument as given "
                "under its own name (clone, set_params and GridSearchCV rely on "
                "it); validate or convert it in fit"
            )


def _same_value(value, default):
    """Whether a stored parameter is its default (the same object, an equal
    value of the same type, or NaN for NaN)."""
    if value is default:
        return True
    if type(value) is not type(default):
        return False
    if isinstance(value, float) and value != value and default != default:
        return True
    try:
        return bool(value == default)
    except Exception:  # e.g. arrays: ambiguous truth value
        return False


def check_registry_interface(estimator, *, kind):
    """The estimator's class passes the validator of the ``kind`` registry
    (``"fusion"``, ``"image"`` or ``"text"``), as it would at registration."""
    from skmultimodal.plugins import get_registry

    get_registry(_REGISTRY[kind]).validate(type(estimator))


# -- helpers --------------------------------------------------------------------------
def _dense(Z):
    if sparse.issparse(Z):
        return Z.toarray()
    if isinstance(Z, pd.DataFrame):
        return Z.to_numpy()
    return np.asarray(Z)


def _equal(a, b, what="two outputs"):
    """Assert that two outputs are equal; ``what`` says which two."""
    a, b = _dense(a), _dense(b)
    assert a.shape == b.shape, f"{what} differ in shape: {a.shape} != {b.shape}"
    if a.dtype == object:
        assert all(np.array_equal(x, y) for x, y in zip(a.ravel(), b.ravel())), (
            f"{what} differ"
        )
    else:
        try:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
        except AssertionError as exc:
            raise AssertionError(f"{what} differ:{exc}") from None


def _output(est, X):
    if hasattr(est, "transform"):
        return est.transform(X)
    if hasattr(est, "predict_proba"):
        return est.predict_proba(X)
    return est.predict(X)


def _raises(errors, func, *args, what):
    try:
        func(*args)
    except errors:
        return
    raise AssertionError(f"{what}: expected {errors}, nothing was raised")


def _same_input(a, b):
    """Assert that ``a`` is still ``b``, its copy taken before fit and
    transform, naming the first item changed."""
    if isinstance(a, (pd.Series, pd.DataFrame)):
        if a.equals(b):
            return
        a, b = np.ravel(a.to_numpy()), np.ravel(b.to_numpy())
    assert len(a) == len(b), (
        f"fit or transform changed the number of items of X: {len(b)} before, "
        f"{len(a)} after; they must leave their input as given"
    )
    for i, (x, y) in enumerate(zip(a, b)):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            same = np.array_equal(x, y) and np.asarray(x).dtype == np.asarray(y).dtype
        else:
            same = x == y or (x != x and y != y)
        assert same, (
            f"fit or transform modified item {i} of X in place ({_short(y)} became "
            f"{_short(x)}); they must leave their input as given (work on a copy)"
        )


def _short(item):
    text = repr(item)
    return text if len(text) <= 60 else text[:57] + "..."


def _name(check):
    """``check_x`` or ``check_x(key=value)``, as scikit-learn names checks."""
    if not isinstance(check, partial):
        return check.__name__
    shown = {k: v for k, v in check.keywords.items() if k in ("readonly_memmap",)}
    kwargs = ",".join(f"{k}={v}" for k, v in shown.items())
    return f"{_name(check.func)}({kwargs})" if kwargs else _name(check.func)


# -- checks for estimators taking a column of images or texts -------------------------
def check_clone_and_params(est, X, y):
    """``clone`` keeps the parameters; ``set_params`` takes them back."""
    params = est.get_params()
    twin = clone(est)
    assert twin.get_params().keys() == params.keys(), (
        f"a clone has the parameters {sorted(twin.get_params())}, the estimator "
        f"{sorted(params)}; get_params must list the __init__ parameters"
    )
    twin.set_params(**{k: v for k, v in params.items() if "__" not in k})
    fitted = sorted(k for k in vars(twin) if k.endswith("_") and hasattr(twin, k))
    assert not fitted, (
        f"an unfitted clone has the fitted attribute(s) {', '.join(fitted)} after "
        "set_params; only fit may set attributes ending in '_'"
    )


def _param_hashes(est):
    """``joblib.hash`` of each parameter (nested ones included), but random
    generators, which fitting may advance (as in scikit-learn's check)."""
    import joblib

    generators = (np.random.RandomState, np.random.Generator)
    return {
        k: joblib.hash(v)
        for k, v in est.get_params().items()
        if not isinstance(v, generators)
    }


def _check_params_kept(est, fit, what):
    """``fit(est)`` leaves every parameter of ``est`` as it was, like
    scikit-learn's ``check_estimators_overwrite_params``."""
    before = _param_hashes(est)
    fit(est)
    after = _param_hashes(est)
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert not changed, (
        f"{what} changed the parameter(s) {', '.join(changed)}; fit must leave "
        "the parameters as set (store what it learns in attributes ending "
        "in '_')"
    )


def check_fit_does_not_overwrite_params(est, X, y):
    """``fit`` changes no parameter (nor anything they hold)."""
    _check_params_kept(clone(est), lambda e: e.fit(X, y), "fit")


def check_not_fitted_error(est, X, y):
    """Using an unfitted estimator raises ``NotFittedError``."""
    if not get_tags(est).requires_fit:
        raise SkipTest("stateless estimator")
    est = clone(est)
    method = next(
        m for m in ("transform", "predict_proba", "predict") if hasattr(est, m)
    )
    _raises(NotFittedError, getattr(est, method), X, what=f"unfitted {method}")


def check_fit_does_not_mutate_input(est, X, y):
    """Neither ``fit`` nor ``transform`` modifies ``X``."""
    before = copy.deepcopy(X)
    _output(clone(est).fit(X, y), X)
    _same_input(X, before)


def check_fit_idempotent(est, X, y):
    """Fitting twice gives the same output."""
    _equal(
        _output(clone(est).fit(X, y), X),
        _output(clone(est).fit(X, y), X),
        "the outputs of two fits on the same data (seed a random estimator with "
        "its random_state)",
    )


def check_fit_transform_equals_fit_then_transform(est, X, y):
    """``fit_transform(X)`` is ``fit(X).transform(X)``."""
    if not hasattr(est, "fit_transform"):
        raise SkipTest("not a transformer")
    if get_tags(est).non_deterministic:
        raise SkipTest("non-deterministic estimator")
    _equal(
        clone(est).fit_transform(X, y),
        clone(est).fit(X, y).transform(X),
        "fit_transform(X) and fit(X).transform(X)",
    )


def check_pickle_round_trip(est, X, y):
    """A fitted estimator gives the same output after pickling."""
    est = clone(est).fit(X, y)
    _equal(
        _output(est, X),
        _output(pickle.loads(pickle.dumps(est)), X),
        "the outputs before and after a pickle round trip",
    )


def check_n_samples_preserved(est, X, y):
    """One output row per input item."""
    n = _output(clone(est).fit(X, y), X).shape[0]
    assert n == len(X), f"{n} output rows for {len(X)} input items: one row each"


def check_feature_names_out(est, X, y):
    """One unique feature name per output column."""
    if not hasattr(est, "get_feature_names_out"):
        raise SkipTest("no get_feature_names_out")
    est = clone(est).fit(X, y)
    out, names = est.transform(X), est.get_feature_names_out()
    if out.ndim == 2:
        assert len(names) == out.shape[1], (
            f"{len(names)} feature names for {out.shape[1]} output columns: "
            "get_feature_names_out must name each column"
        )
    assert len(set(names)) == len(names), (
        f"feature names must be unique; repeated: {_repeated(names)}"
    )


def _repeated(names):
    return sorted({str(n) for n in names if list(names).count(n) > 1})


def check_set_output_pandas(est, X, y):
    """``set_output(transform="pandas")`` names the columns by feature names."""
    if not hasattr(est, "set_output") or not hasattr(est, "get_feature_names_out"):
        raise SkipTest("no set_output")
    plain = clone(est).fit(X, y).transform(X)
    if sparse.issparse(plain):
        raise SkipTest("sparse output cannot be a DataFrame")
    est = clone(est).set_output(transform="pandas").fit(X, y)
    out = est.transform(X)
    if np.ndim(plain) == 1 and len(plain) and isinstance(plain[0], np.ndarray):
        # images stay images: never a table; a Series of them (one column,
        # keeping the index) or the sequence of arrays
        assert not isinstance(out, pd.DataFrame), (
            "set_output(transform='pandas') made a DataFrame of images; images "
            "must stay one column of arrays (a Series, or a sequence)"
        )
        if isinstance(out, pd.Series):
            names = list(est.get_feature_names_out())
            assert [out.name] == names, (
                f"the Series of images is named {out.name!r}; expected the "
                f"feature names {names}"
            )
            if isinstance(X, pd.Series | pd.DataFrame):
                assert out.index.equals(X.index), (
                    "set_output(transform='pandas'): the Series of images "
                    "does not keep the input's index"
                )
        assert len(out) == len(plain), (
            f"set_output(transform='pandas'): {len(out)} images for {len(plain)}"
        )
        assert all(np.array_equal(a, b) for a, b in zip(out, plain)), (
            "set_output(transform='pandas') changed the images"
        )
        return
    same = "set_output(transform='pandas') and the default output"
    names = list(est.get_feature_names_out())
    if np.ndim(plain) == 1:  # one output column (e.g. cleaned texts)
        assert isinstance(out, pd.Series), (
            f"set_output(transform='pandas') gave a {type_name(out)} for one "
            "output column; expected a Series"
        )
        assert [out.name] == names, (
            f"the Series is named {out.name!r}; expected the feature names {names}"
        )
        _equal(out.to_numpy(), plain, same)
        return
    assert isinstance(out, pd.DataFrame), (
        f"set_output(transform='pandas') gave a {type_name(out)}; expected a DataFrame"
    )
    assert list(out.columns) == names, (
        f"the DataFrame's columns are {list(out.columns)}; expected the feature "
        f"names {names}"
    )
    _equal(out, plain, same)


def check_n_jobs_equivalence(est, X, y):
    """``n_jobs=2`` gives the same output as ``n_jobs=1``."""
    if "n_jobs" not in est.get_params():
        raise SkipTest("no n_jobs parameter")
    a = _output(clone(est).set_params(n_jobs=1).fit(X, y), X)
    b = _output(clone(est).set_params(n_jobs=2).fit(X, y), X)
    _equal(a, b, "the outputs with n_jobs=1 and n_jobs=2")


def check_empty_input_error(est, X, y):
    """Fitting on no item raises a ValueError (unless nothing is learnt)."""
    if not get_tags(est).requires_fit:
        raise SkipTest("stateless estimator")
    empty = X[:0] if hasattr(X, "iloc") else list(X)[:0]
    _raises(ValueError, clone(est).fit, empty, y[:0], what="fit on no item")


NON_TABULAR_CHECKS = [
    check_clone_and_params,
    check_fit_does_not_overwrite_params,
    check_not_fitted_error,
    check_fit_does_not_mutate_input,
    check_fit_idempotent,
    check_fit_transform_equals_fit_then_transform,
    check_pickle_round_trip,
    check_n_samples_preserved,
    check_feature_names_out,
    check_set_output_pandas,
    check_n_jobs_equivalence,
    check_empty_input_error,
]
"""The checks for estimators taking a column of images or texts, each called as
``check(estimator, X, y)`` with sample data."""


def check_missing_items(est, X, y, *, kind):
    """Missing items (None, NaN): a text extractor gets them as ``""`` through
    :class:`~skmultimodal.text.TextFeatures`; an image extractor with
    ``on_error="raise"`` (a clone set to it, when it has the parameter)
    raises a ValueError naming the row, and the extractor as given follows
    its own ``on_error``: ``"blank"`` gives one finite row each,
    ``"missing"`` a row of NaN for the missing item (one given ``"raise"``
    is also checked with ``"blank"``)."""
    X = list(X)
    X[1] = None
    if kind == "text":
        from skmultimodal.text import TextFeatures

        X[2] = np.nan
        out = TextFeatures(method=clone(est)).fit(X, y).transform(X)
        assert out.shape[0] == len(X), "one row per text, missing ones included"
        return
    params = est.get_params()
    raising = clone(est)
    if "on_error" in params:
        raising.set_params(on_error="raise")
    try:
        raising.fit(X, y).transform(X)
    except ValueError as exc:
        assert "row 1" in str(exc), f"the error must name the row (row 1): {exc}"
    else:
        raise AssertionError(
            "a missing image must raise a ValueError naming it (on_error='raise')"
        )
    if "on_error" not in params:
        return
    on_error = "blank" if params["on_error"] == "raise" else params["on_error"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = _dense(clone(est).set_params(on_error=on_error).fit(X, y).transform(X))
    assert out.shape[0] == len(X), f"on_error={on_error!r}: one row per image"
    others = np.delete(out, 1, axis=0)
    assert np.isfinite(others).all(), f"on_error={on_error!r}: NaN in a readable row"
    if on_error == "blank":
        assert np.isfinite(out[1]).all(), "on_error='blank': NaN in the blank row"
    elif on_error == "missing":
        assert np.isnan(out[1]).all(), "on_error='missing': the row must be all NaN"


def check_extractor_output(est, X, y, *, kind):
    """``fit_transform`` and ``transform`` give a 2-D numeric array (dense or
    sparse) with one row per item and one feature name per column, and no
    infinite value; NaN only as a whole row, for a text with nothing to
    describe (a missing modality), never for a readable image."""
    est = clone(est)
    for what, out in (
        ("fit_transform", est.fit_transform(X, y)),
        ("transform", est.transform(X)),
    ):
        shape = np.shape(out) if not sparse.issparse(out) else out.shape
        assert len(shape) == 2 and shape[0] == len(X), (
            f"{what} returned an output of shape {shape} for {len(X)} items; an "
            "extractor returns a 2-D array, one row per item (reshape a 1-D "
            "result with .reshape(-1, 1))"
        )
        values = _dense(out)
        numbers = f"{what} returned {values.dtype} values; an extractor returns "
        numbers += "numbers (a float array)"
        assert values.dtype.kind in "biufO", numbers  # never text
        try:  # objects that are numbers, as the fusion reads them
            values = values.astype(np.float64)
        except (TypeError, ValueError):
            raise AssertionError(numbers) from None
        assert not np.isinf(values).any(), (
            f"{what} returned an infinite value (row "
            f"{int(np.flatnonzero(np.isinf(values).any(axis=1))[0])}); features "
            "must be finite"
        )
        nan = np.isnan(values)
        partial_rows = np.flatnonzero(nan.any(axis=1) & ~nan.all(axis=1))
        assert not partial_rows.size, (
            f"{what} returned NaN in part of row {int(partial_rows[0])}; NaN may "
            "only fill a whole row (a text with nothing to describe)"
        )
        nan_rows = np.flatnonzero(nan.any(axis=1))
        assert kind == "text" or not nan_rows.size, (
            f"{what} returned NaN for readable image {int(nan_rows[0])}; NaN "
            "rows stand for missing or unreadable images only"
        )
    if hasattr(est, "get_feature_names_out"):
        names = est.get_feature_names_out()
        assert np.ndim(names) == 1 and len(names) == shape[1], (
            f"get_feature_names_out gave {np.shape(names)} names for "
            f"{shape[1]} output columns: one name per column"
        )


def check_image_paths_and_bytes(est):
    """Image items given as a file path or as encoded (PNG) bytes, which
    :class:`~skmultimodal.image.ImageFeatures` hands to the extractor
    undecoded, give the features of the array they encode."""
    from skmultimodal.image import ImageFeatures

    image, path, data = _sample_png()
    arrays = [image.copy()] + [
        x for x in _sample_images()[0] if isinstance(x, np.ndarray)
    ]
    fitted = ImageFeatures(method=clone(est)).fit(arrays, np.arange(len(arrays)) % 2)
    given = image.copy()
    expected = _dense(fitted.transform([given]))
    # the causes that would show below as a path and an array that differ
    assert np.array_equal(given, image), (
        f"{type(est).__name__}.transform modified the image array it was given "
        "in place; it must leave its input as given (work on a copy)"
    )
    _equal(
        fitted.transform([image.copy()]),
        expected,
        "the features of two transforms of the same image (an extractor must be "
        "deterministic: seed a random one with its random_state)",
    )
    for item, what in ((path, f"a file path ({path!r})"), (data, "PNG bytes")):
        try:
            out = fitted.transform([item])
        except Exception as exc:
            raise AssertionError(
                f"{type(est).__name__} failed on an image given as {what}: "
                f"{type(exc).__name__}: {exc}. An image extractor must accept "
                "paths and encoded bytes as well as arrays (ImageFeatures passes "
                "them on undecoded): subclass skmultimodal.image.ImageExtractor, "
                "whose transform decodes each item for _extract, or decode them "
                "with skmultimodal.image.ImageReader"
            ) from exc
        _equal(
            out, expected, f"the features of an image given as {what} and as an array"
        )


@functools.cache
def _sample_png():
    """``(image, path, data)``: a small RGB ``uint8`` image, the path of its
    PNG file (in a temporary folder removed when the interpreter exits) and
    the PNG bytes."""
    from PIL import Image

    image = np.random.default_rng(1).integers(0, 256, (15, 13, 3), dtype=np.uint8)
    image.setflags(write=False)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    # removed at exit: checks made at collection time may run much later
    folder = tempfile.mkdtemp(prefix="skmultimodal-checks-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = os.path.join(folder, "rgb.png")
    with open(path, "wb") as file:
        file.write(buffer.getvalue())
    return image, path, buffer.getvalue()


def _sample_images():
    """Ragged images of every supported kind, then a PNG image as a file
    path and as encoded bytes, with a label each."""
    rng = np.random.default_rng(0)
    _, path, data = _sample_png()
    X = [
        rng.integers(0, 256, (20, 17), dtype=np.uint8),  # gray
        rng.integers(0, 256, (18, 22, 3), dtype=np.uint8),  # RGB
        rng.integers(0, 256, (16, 16, 4), dtype=np.uint8),  # RGBA
        rng.integers(0, 65536, (19, 21, 3), dtype=np.uint16),  # 16-bit
        rng.random((24, 20, 1)).astype(np.float32),  # float gray, one channel
        rng.random((17, 18, 3)),  # float64 RGB
        path,  # a PNG file
        data,  # PNG bytes
    ]
    return X, np.arange(len(X)) % 2


def _sample_texts():
    X = pd.Series(
        [
            "The red Cat sat on the mat.",
            "A blue dog ran 3 km, see https://example.org",
            "Café crème: ﬁne FOOD!",
            "red dog, blue cat",
            "the cat and the dog",
            "  spaced   out   text ",
        ],
        index=[f"doc{i}" for i in range(6)],
        name="text",
    )
    return X, np.array([0, 1, 0, 1, 0, 1])


def _kind(estimator):
    tags = get_tags(estimator).input_tags
    if tags.string:
        return "text"
    if tags.three_d_array:
        return "image"
    raise ValueError(
        f"cannot tell whether {type(estimator).__name__} takes images or texts "
        "from its input_tags (three_d_array or string); pass kind='image' or "
        "kind='text'"
    )


def feature_extractor_checks(estimator, *, kind=None, X=None, y=None):
    """The ``(estimator, check)`` pairs of :func:`check_feature_extractor`,
    each run as ``check(estimator)``, each with its own copy of ``X`` and
    ``y``.

    Parameters
    ----------
    estimator : estimator instance
        Unfitted; a ``random_state`` left to None is set to 0 (on a clone).
    kind : {"image", "text"}, default=None
        What it takes; None reads it from its ``input_tags``.
    X, y : sequence of images or texts, and labels, default=None
        Sample data, as in :func:`check_feature_extractor`.

    Yields
    ------
    estimator : estimator instance
        The extractor.
    check : callable
        Called as ``check(estimator)``.

    Raises
    ------
    ValueError
        If ``kind`` is neither ``"image"`` nor ``"text"``.
    """
    from sklearn.utils import estimator_checks as sk

    _instance(estimator, "feature_extractor_checks")
    kind = kind or _kind(estimator)
    if kind not in ("image", "text"):
        raise ValueError(f"kind must be 'image' or 'text'; got {kind!r}")
    if X is None:
        X, y = _sample_images() if kind == "image" else _sample_texts()
    y = np.arange(len(X)) % 2 if y is None else y
    estimator = _seeded(estimator)
    name = type(estimator).__name__
    yield estimator, partial(check_registry_interface, kind=kind)
    for check in (
        sk.check_estimator_cloneable,
        sk.check_estimator_repr,
        sk.check_no_attributes_set_in_init,
        sk.check_get_params_invariance,
        sk.check_set_params,
        sk.check_parameters_default_constructible,
    ):
        yield estimator, partial(check, name)
    if kind == "image":  # first: an extractor of arrays only fails them all
        yield estimator, check_image_paths_and_bytes
    # each check its own copy of the data: one that an estimator modified
    # would hide the modification from check_fit_does_not_mutate_input
    yield estimator, partial(check_extractor_output, **_fresh(X=X, y=y), kind=kind)
    for check in NON_TABULAR_CHECKS:
        yield estimator, partial(check, **_fresh(X=X, y=y))
    yield estimator, partial(check_missing_items, **_fresh(X=X, y=y), kind=kind)


def _fresh(**data):
    """A copy of each piece of sample data, for one check."""
    return copy.deepcopy(data)


def _instance(estimator, func):
    """Refuse a class where an instance is expected, as scikit-learn's
    ``check_estimator`` does, before any check runs."""
    if inspect.isclass(estimator):
        raise TypeError(
            f"{func} expects an estimator instance, got the class "
            f"{estimator.__name__}: pass {estimator.__name__}() instead"
        )
    return estimator


def _seeded(estimator):
    """``estimator``, or a clone of it with ``random_state=0`` when it has a
    ``random_state`` left to None (scikit-learn's ``set_random_state``), so
    that the checks comparing two fits compare alike."""
    from sklearn.utils._testing import set_random_state

    if estimator.get_params().get("random_state", 0) is None:
        estimator = clone(estimator)
        set_random_state(estimator)
    return estimator


def check_feature_extractor(
    estimator, *, kind=None, X=None, y=None, expected_failed_checks=None
):
    """Run every check of an image or text feature extractor.

    Parameters
    ----------
    estimator : estimator instance
        Unfitted; it is cloned, never fitted in place. A ``random_state``
        left to None is set to 0.
    kind : {"image", "text"}, default=None
        What it takes; None reads it from its ``input_tags``
        (``three_d_array``: images, ``string``: texts).
    X, y : sequence of images or texts, and labels, default=None
        Sample data, copied for each check; by default ragged images of
        every supported kind (gray, RGB, RGBA, 16-bit, float, a PNG file's
        path, PNG bytes) or a few texts. An image extractor is also run on
        a PNG image given as a path and as bytes, whatever ``X``.
    expected_failed_checks : dict, default=None
        ``{check name: reason}`` of checks not to run.

    Raises
    ------
    AssertionError
        Naming the first check that failed, with its cause chained.
    """
    _run(
        feature_extractor_checks(estimator, kind=kind, X=X, y=y), expected_failed_checks
    )


# -- checks for fusion methods ------------------------------------------------------
def _blocks(n=30, widths=(6, 4), seed=0):
    rng = np.random.RandomState(seed)
    blocks = [rng.normal(size=(n, w)) + rng.normal(size=w) for w in widths]
    return blocks, np.arange(n) % 3


def _names(blocks):
    return [
        np.array([f"m{i}__f{j}" for j in range(b.shape[1])], dtype=object)
        for i, b in enumerate(blocks)
    ]


def check_fusion_fit_transform(method, blocks, y):
    """``fit`` then ``transform`` on a list of blocks: one finite row per
    sample, the blocks and ``y`` untouched; unfitted, ``transform`` raises
    NotFittedError."""
    snapshot = copy.deepcopy((blocks, y))
    _raises(NotFittedError, clone(method).transform, blocks, what="unfitted transform")
    _check_untouched(blocks, y, snapshot, "transform (unfitted)")
    fitted = clone(method).fit(blocks, y)
    _check_untouched(blocks, y, snapshot, "fit")
    Z = _dense(fitted.transform(blocks))
    _check_untouched(blocks, y, snapshot, "transform")
    assert Z.ndim == 2 and Z.shape[0] == len(y), (
        f"transform gave shape {Z.shape} for {len(y)} samples; expected "
        f"({len(y)}, n_features)"
    )
    assert np.isfinite(Z).all(), "non-finite fused values"


def _check_untouched(blocks, y, snapshot, call):
    """Assert that ``call`` left the blocks and ``y`` as in ``snapshot``."""
    assert len(blocks) == len(snapshot[0]), (
        f"{call} changed the list of blocks in place ({len(snapshot[0])} blocks "
        f"became {len(blocks)}); a fusion method must leave it as given"
    )
    for i, (b, s) in enumerate(zip(blocks, snapshot[0])):
        assert _same_block(b, s), (
            f"{call} modified block {i} in place; a fusion method must leave "
            "its input blocks as given (work on a copy)"
        )
    before = snapshot[1]
    if np.array_equal(y, before):
        return
    diff = np.flatnonzero(y != before) if np.shape(y) == np.shape(before) else []
    if len(diff):
        i = diff[0]
        was, now = (np.ravel(v)[i : i + 1].tolist()[0] for v in (before, y))
        change = f"y[{i}] was {was!r}, is now {now!r}"
    else:
        change = f"shape {np.shape(before)} became {np.shape(y)}"
    raise AssertionError(
        f"{call} modified y in place ({change}); a fusion method must leave y "
        "as given (work on a copy)"
    )


def _same_block(a, b):
    return type(a) is type(b) and np.array_equal(_dense(a), _dense(b))


def check_fusion_clone_and_params(method, blocks, y):
    """``clone`` keeps the parameters; a clone fitted alike fuses alike."""
    twin = clone(method)
    before, after = _param_hashes(method), _param_hashes(twin)
    changed = sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )
    assert not changed, (
        f"clone changed the parameter(s) {', '.join(changed)}; __init__ must "
        "store each parameter as given under its own name"
    )
    a = clone(method).fit(blocks, y).transform(blocks)
    _equal(a, twin.fit(blocks, y).transform(blocks), "a method and its refitted clone")


def check_fusion_fit_transform_consistent(method, blocks, y):
    """``fit_transform`` is ``fit().transform()``; a method that overrides it
    (e.g. out-of-fold scores) must at least be deterministic and alike in shape."""
    Z = clone(method).fit(blocks, y).transform(blocks)
    Z_fit = clone(method).fit_transform(blocks, y)
    from skmultimodal.fusion import FusionMethod

    own = type(method).fit_transform is not FusionMethod.fit_transform
    if own:
        _equal(Z_fit, clone(method).fit_transform(blocks, y), "two fit_transform")
        assert _dense(Z_fit).shape == _dense(Z).shape, (
            f"fit_transform gave shape {_dense(Z_fit).shape} but fit().transform() "
            f"{_dense(Z).shape}; they must give as many rows and columns"
        )
    else:
        _equal(Z_fit, Z, "fit_transform() and fit().transform()")


def check_fusion_overwrite_params(method, blocks, y):
    """``fit`` and ``fit_transform`` change no parameter of the method (nor
    anything they hold)."""
    _check_params_kept(clone(method), lambda m: m.fit(blocks, y), "fit")
    _check_params_kept(
        clone(method), lambda m: m.fit_transform(blocks, y), "fit_transform"
    )


def check_fusion_pickle(method, blocks, y):
    """A fitted method fuses alike after a pickle round trip."""
    fitted = clone(method).fit(blocks, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    _equal(
        loaded.transform(blocks),
        fitted.transform(blocks),
        "the outputs before and after a pickle round trip",
    )


def check_fusion_rows_independent(method, blocks, y):
    """Rows are fused independently: a subset gives the same rows."""
    fitted = clone(method).fit(blocks, y)
    part = fitted.transform([b[:7] for b in blocks])
    _equal(
        part,
        _dense(fitted.transform(blocks))[:7],
        "the first 7 rows fused alone and among all rows",
    )


def check_fusion_feature_names(method, blocks, y):
    """One unique output name per fused column."""
    fitted = clone(method).fit(blocks, y)
    names = fitted.get_feature_names_out(_names(blocks))
    n_columns = _dense(fitted.transform(blocks)).shape[1]
    assert len(names) == n_columns, (
        f"get_feature_names_out gave {len(names)} names for {n_columns} columns; "
        "it must name each column transform returns"
    )
    assert len(set(names)) == len(names), (
        f"feature names must be unique; repeated: {_repeated(names)}"
    )


def check_fusion_n_samples_consistency(method, blocks, y):
    """Blocks with different numbers of rows are refused with a ValueError."""
    bad = [blocks[0], blocks[1][:-3]]
    _raises(
        ValueError,
        lambda: clone(method).fit(bad, y).transform(bad),
        what="blocks of different lengths",
    )


def check_fusion_missing_rows(method, blocks, y):
    """Inside :class:`~skmultimodal.fusion.ModalityFusion`, rows whose
    modality is missing (``missing="zero"`` or ``"mean"``) fuse to finite
    values, one row per sample."""
    from skmultimodal.fusion import ModalityFusion

    X = pd.DataFrame(np.hstack(blocks)).add_prefix("c")
    X.iloc[:5, blocks[0].shape[1] :] = np.nan  # modality "b" missing in 5 rows
    columns = [
        list(X.columns[: blocks[0].shape[1]]),
        list(X.columns[blocks[0].shape[1] :]),
    ]
    for missing in ("zero", "mean"):
        fusion = ModalityFusion(
            [("a", "passthrough", columns[0]), ("b", "passthrough", columns[1])],
            method=clone(method),
            missing=missing,
        )
        Z = _dense(fusion.fit_transform(X, y))
        assert Z.shape[0] == len(y), f"missing={missing!r}: {Z.shape[0]} rows"
        assert np.isfinite(Z).all(), f"missing={missing!r}: non-finite values"


def check_fusion_sparse_blocks(method, blocks, y):
    """With ``accepts_sparse``, a sparse block is fused like any other."""
    if not getattr(method, "accepts_sparse", False):
        raise SkipTest("accepts_sparse is False")
    mixed = [blocks[0], sparse.csr_matrix(blocks[1])]
    Z = _dense(clone(method).fit(mixed, y).transform(mixed))
    assert Z.shape[0] == len(y), (
        f"with a sparse block: {Z.shape[0]} rows for {len(y)} samples"
    )
    assert np.isfinite(Z).all(), "with a sparse block: non-finite fused values"


FUSION_CHECKS = [
    check_fusion_fit_transform,
    check_fusion_clone_and_params,
    check_fusion_fit_transform_consistent,
    check_fusion_overwrite_params,
    check_fusion_pickle,
    check_fusion_rows_independent,
    check_fusion_feature_names,
    check_fusion_n_samples_consistency,
    check_fusion_missing_rows,
    check_fusion_sparse_blocks,
]


def fusion_method_checks(method):
    """The ``(estimator, check)`` pairs of :func:`check_fusion_method`, each
    run as ``check(estimator)``; scikit-learn's checks get a
    :class:`~skmultimodal.fusion.ModalityFusion` using the method (its
    sample-weight checks only for a method that takes ``sample_weight``,
    and never the one comparing weights with copies of rows: the fusion's
    branches are fitted unweighted).

    Parameters
    ----------
    method : FusionMethod instance
        Unfitted; a ``random_state`` left to None is set to 0 (on a clone).

    Yields
    ------
    estimator : estimator instance
        The method, or a ``ModalityFusion`` using it.
    check : callable
        Called as ``check(estimator)``.
    """
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.estimator_checks import estimator_checks_generator

    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.fusion._base import method_takes

    method = _seeded(_instance(method, "fusion_method_checks"))
    blocks, y = _blocks()
    yield method, partial(check_registry_interface, kind="fusion")
    for check in FUSION_CHECKS:
        yield method, partial(check, **_fresh(blocks=blocks, y=y))
    fusion = ModalityFusion(
        [("a", StandardScaler(), first_half), ("b", StandardScaler(), second_half)],
        method=method,
    )
    # ModalityFusion takes sample_weight for a method whose fit_transform
    # does (and refuses it otherwise, by design); its branches' scalers are
    # fitted unweighted, as ColumnTransformer's are, so a weight is never a
    # number of copies of the row
    weighted = method_takes(method, "sample_weight")
    for estimator, check in estimator_checks_generator(fusion, legacy=True):
        name = _name(check)
        if "sample_weight" in name and (
            not weighted or name.startswith("check_sample_weight_equivalence")
        ):
            continue
        yield estimator, check


def check_fusion_method(method, *, expected_failed_checks=None):
    """Run every check of a fusion method.

    Parameters
    ----------
    method : FusionMethod instance
        Unfitted; it is cloned, never fitted in place. A ``random_state``
        left to None is set to 0.
    expected_failed_checks : dict, default=None
        ``{check name: reason}`` of checks not to run, e.g.
        ``{"check_transformer_general": "fit_transform is out-of-fold"}``.

    Raises
    ------
    AssertionError
        Naming the first check that failed, with its cause chained.
    """
    _run(fusion_method_checks(method), expected_failed_checks)


def first_half(X):
    """Positions of the first half of X's columns (at least one): the first
    modality of the ModalityFusion that scikit-learn's checks get."""
    return list(range(max(1, X.shape[1] // 2)))


def second_half(X):
    """Positions of the second half of X's columns (all if only one)."""
    n = X.shape[1]
    return list(range(n // 2, n)) if n > 1 else [0]


def _run(pairs, expected):
    for estimator, check in pairs:
        if _name(check) in (expected or {}):
            continue
        try:
            check(estimator)
        except SkipTest:
            continue
        except Exception as exc:
            raise AssertionError(
                f"{_name(check)} failed for {type(estimator).__name__}: "
                f"{type(exc).__name__}: {str(exc).strip()}"
            ) from exc


def parametrize_with_checks(estimators, *, kind=None, expected_failed_checks=None):
    """A pytest decorator running the checks of fusion methods and image or
    text feature extractors, as ``test(estimator, check)`` calling
    ``check(estimator)``, like scikit-learn's decorator of the same name.

    Parameters
    ----------
    estimators : list of estimator instances
        :class:`~skmultimodal.fusion.FusionMethod` instances get
        :func:`fusion_method_checks`, others :func:`feature_extractor_checks`
        (with ``kind``).
    kind : {"image", "text"}, default=None
        What the feature extractors take; None reads it from each one's
        ``input_tags`` (``three_d_array``: images, ``string``: texts).
    expected_failed_checks : callable, default=None
        ``expected_failed_checks(estimator)`` gives ``{check name: reason}``
        of checks marked as expected to fail (strict xfail).

    Returns
    -------
    pytest.MarkDecorator
        ``pytest.mark.parametrize("estimator, check", ...)``: one test per
        check.

    Examples
    --------
    >>> from skmultimodal.fusion.methods import ConcatFusion
    >>> @parametrize_with_checks([ConcatFusion()])
    ... def test_estimator_checks(estimator, check):
    ...     check(estimator)
    """
    import pytest

    from skmultimodal.fusion import FusionMethod

    params = []
    for estimator in estimators:
        expected = expected_failed_checks(estimator) if expected_failed_checks else {}
        if isinstance(estimator, FusionMethod):
            pairs = fusion_method_checks(estimator)
        else:
            pairs = feature_extractor_checks(estimator, kind=kind)
        for est, check in pairs:
            name = _name(check)
            marks = (
                [pytest.mark.xfail(reason=expected[name], strict=True)]
                if name in expected
                else []
            )
            params.append(
                pytest.param(
                    est, check, marks=marks, id=f"{type(estimator).__name__}-{name}"
                )
            )
    return pytest.mark.parametrize("estimator, check", params)
