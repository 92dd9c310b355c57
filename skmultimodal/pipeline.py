"""One-line construction of a complete multimodal pipeline: classification,
multi-label classification or regression."""

from __future__ import annotations

import decimal
import numbers
import re
import warnings
from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from sklearn.utils._param_validation import StrOptions

from skmultimodal.utils._validation import decimal_comma_hint, type_name

__all__ = [
    "ATTENTION_SETTINGS",
    "ATTENTION_STOPPING",
    "CLASSIFIERS",
    "DEFAULT_METHOD",
    "REGRESSORS",
    "make_multimodal_pipeline",
]

CLASSIFIERS = ("logistic", "attention")
"""Named classifiers accepted by :func:`make_multimodal_pipeline`."""
REGRESSORS = ("ridge",)
"""Named regressors accepted by :func:`make_multimodal_pipeline`."""
#: Target types (``type_of_target``'s names) the builder's ``target_type``
#: takes besides ``"auto"``.
TARGET_TYPES = ("binary", "multiclass", "multilabel-indicator", "continuous")

DEFAULT_METHOD = "stack"
"""Fusion method of :func:`make_multimodal_pipeline` when ``method=None`` and
there are several modalities: out-of-fold stacking of per-modality class
scores plus a joint one, which adapts to how informative each modality is
(see the robustness table of the fusion user guide)."""


ATTENTION_SETTINGS = {
    "dropout": 0.3,
    "epochs": 20,
    "optimizer": "adamw",
    "weight_decay": 0.01,
}
"""Settings of :class:`~skmultimodal.models.MultimodalAttentionClassifier`
measured on the emoji data (models user guide), used for
``classifier="attention"``: weight decay and dropout keep the network from
memorising ~1,500 samples; the linear skip path (its default) gives it a
linear baseline."""

ATTENTION_STOPPING = {"early_stopping": True, "epochs": 40}
"""What ``classifier="attention"`` adds to :data:`ATTENTION_SETTINGS` when
its tokens are class scores (every method but ``image_tokens=True``): the
number of epochs is chosen inside the training rows, on a held-out tenth
(the best epoch's weights are kept), instead of fixed at 20. This keeps
the network at the level of the informative modality when the other one
carries no signal (robustness table of the models user guide). The
image-token network learns its features from pixels far more slowly, and
a held-out tenth stops it too early, so it keeps the fixed epochs."""


def _image_branch(image_features, memory, on_error):
    """Default image branch: HOG (64x64 gray) + HSV colour histogram + 16x16
    RGB pixels from one decoding of each image, standardised (the scaler
    passes the all-NaN rows of unreadable images through). ``on_error`` goes
    to the extractors named here."""
    from skmultimodal.image import (
        ColorHistogram,
        HOGFeatures,
        ImageFeatures,
        ImageFeatureUnion,
        PixelFeatures,
    )

    if image_features is None:
        features = ImageFeatureUnion(
            [
                ("hog", HOGFeatures()),
                ("color_histogram", ColorHistogram(color_space="hsv")),
                ("pixels", PixelFeatures(color="rgb")),
            ],
            on_error=on_error,
        )
    elif isinstance(image_features, str):
        params = {}
        if on_error != "raise" and _takes_on_error(image_features, on_error):
            params["on_error"] = on_error
        features = ImageFeatures(image_features, method_params=params or None)
    else:
        features = clone(image_features)
    return Pipeline(
        [("features", features), ("scale", StandardScaler())], memory=memory
    )


def _check_features(features, param):
    """A TypeError unless ``features`` (``image_features=`` or
    ``text_features=``) is None, a registered extractor's name or a
    transformer instance."""
    if features is None or isinstance(features, str):
        return
    if isinstance(features, type):
        name = features.__name__
        got = f"the class {name} (pass an instance: {name}())"
    elif hasattr(features, "fit") and hasattr(features, "transform"):
        return
    else:
        got = f"{features!r} ({type_name(features)})"
    raise TypeError(
        f"{param} must be a registered extractor name (a str), a transformer "
        f"instance (with fit and transform) or None; got {got}"
    )


def _check_image_tokens(image, classifier, image_features):
    """The combinations ``image_tokens=True`` needs, with one clear error."""
    if image is None:
        raise ValueError(
            "image_tokens=True learns from the images: give image= a column."
        )
    if not _attention_estimator(classifier):
        raise ValueError(
            "image_tokens=True needs classifier='attention' (or a "
            "MultimodalAttentionClassifier): only that network learns image "
            f"tokens from pixels; got classifier={classifier!r}."
        )
    if image_features is not None and not getattr(
        type(image_features), "image_output", False
    ):
        raise ValueError(
            "with image_tokens=True, image_features must be an ImageArray (the "
            "decoded images the network learns from), e.g. ImageArray(size=(48, "
            f"48)); got {image_features!r}."
        )


def _pixel_branch(image_features, memory, on_error):
    """Image branch of ``image_tokens=True``: the decoded images themselves
    (64x64 RGB in [0, 1] by default), unscaled, for the network's
    convolutional stem."""
    from skmultimodal.image import ImageArray

    if image_features is None:
        features = ImageArray(on_error=on_error)
    else:
        features = clone(image_features)
    # the "scale" slot (passthrough: the network takes the pixels as they
    # are) makes "features" a cached, non-final step
    return Pipeline([("features", features), ("scale", "passthrough")], memory=memory)


def _word_branch(memory):
    """Text branch of ``image_tokens=True``: word-id sequences, whose word
    tokens cross-attend to the image patch tokens."""
    from skmultimodal.text import TextSequencer

    return Pipeline(
        [("features", TextSequencer()), ("scale", "passthrough")], memory=memory
    )


def _check_n_jobs(n_jobs):
    """``n_jobs=`` of the builder, checked when it builds (the branches'
    rule: None or an int other than 0)."""
    from sklearn.utils._param_validation import validate_parameter_constraints

    from skmultimodal.utils._validation import N_JOBS

    validate_parameter_constraints(
        {"n_jobs": N_JOBS}, {"n_jobs": n_jobs}, caller_name="make_multimodal_pipeline"
    )


def _check_memory(memory):
    """``memory=`` of the builder as the branches take it: None; a folder (a
    str or path) or a :class:`joblib.Memory` as a
    :class:`~skmultimodal.utils.FileStampMemory`, whose cache key
    holds the files the rows name; any other object with ``cache`` as it
    is."""
    import os

    from joblib import Memory

    from skmultimodal.utils._memory import FileStampMemory

    if memory is None or isinstance(memory, FileStampMemory):
        return memory
    if isinstance(memory, str | os.PathLike):
        return FileStampMemory(memory)
    if isinstance(memory, Memory):
        if memory.location is None:
            return None
        return FileStampMemory(
            memory.location, mmap_mode=memory.mmap_mode, compress=memory.compress
        )
    if callable(getattr(memory, "cache", None)):
        return memory
    raise TypeError(
        "make_multimodal_pipeline(memory=...) must be None, a cache folder (a "
        "str or path), a joblib.Memory or an object with a cache method; got "
        f"{memory!r} ({type_name(memory)})"
    )


def _takes_on_error(name, on_error):
    """Whether the registered extractor ``name`` accepts ``on_error``: it has
    the parameter and (when it declares constraints) allows that value."""
    from sklearn.utils._param_validation import StrOptions

    from skmultimodal.plugins import get_registry

    try:
        cls = get_registry("image_features").get(name)
    except ValueError:
        return False  # ImageFeatures reports the unknown name
    if "on_error" not in cls().get_params(deep=False):
        return False
    constraints = getattr(cls, "_parameter_constraints", {}).get("on_error")
    if not constraints:
        return True
    return any(
        on_error in c.options if isinstance(c, StrOptions) else c == on_error
        for c in constraints
    )


def _text_defaults():
    """The parameters of the default text branch's word and character
    vectorizers: sublinear tf, and texts in NFKC form
    (:func:`skmultimodal.text._cleaner.nfkc`), so that a word spelled in
    composed or decomposed accents, or in full-width letters, is one word."""
    from skmultimodal.text._cleaner import nfkc

    words = {"sublinear_tf": True, "strip_accents": nfkc}
    return words, {**words, "analyzer": "char_wb", "ngram_range": (3, 5)}


def _text_branch(text_features, memory):
    """Default text branch: word and character n-gram TF-IDF (sublinear tf),
    sparse. Each vectorizer is the registered ``"tfidf"`` extractor given as
    an instance, so its parameters are searchable one by one
    (``fusion__text__features__words__method__ngram_range``)."""
    from skmultimodal.plugins import get_registry
    from skmultimodal.text import TextFeatures
    from skmultimodal.text._features import _OptionalTextFeatures

    if text_features is None:
        # Words and character 3-5-grams (within word boundaries): the
        # character n-grams match word forms and compounds the words miss,
        # and describe texts without any word (emoji, symbols) on their own.
        registry = get_registry("text_features")
        word_params, char_params = _text_defaults()
        words = _OptionalTextFeatures(registry.create("tfidf", word_params))
        features = FeatureUnion(
            [
                ("words", words),
                ("chars", TextFeatures(registry.create("tfidf", char_params))),
            ]
        )
    elif isinstance(text_features, str):
        features = TextFeatures(text_features)
    else:
        features = clone(text_features)
    # TF-IDF rows are already L2-normalised; the "scale" step is a slot
    # (passthrough) that also makes "features" a cached, non-final step.
    return Pipeline([("features", features), ("scale", "passthrough")], memory=memory)


def _make_classifier(
    classifier,
    random_state,
    class_weight=None,
    target_type="auto",
    stopping=True,
    param="estimator",
):
    clf = _classifier(classifier, random_state, target_type, param)
    if classifier == "attention" and stopping:
        clf.set_params(**ATTENTION_STOPPING)
    if class_weight is not None:
        if target_type == "continuous":
            raise ValueError(
                f"class_weight={class_weight!r} weighs classes; a regression "
                "(continuous target) has none."
            )
        from skmultimodal.utils._validation import check_class_weight

        check_class_weight(class_weight)
        multilabel = target_type == "multilabel-indicator"
        if multilabel and classifier in (None, "logistic"):
            # the builder's OneVsRestClassifier: each label's binary problem
            # balanced on its own; a dict's keys would be the 0/1 of a label
            if class_weight != "balanced":
                raise ValueError(
                    f"class_weight={class_weight!r}: with a multi-label target "
                    "only class_weight='balanced' is supported (each label's "
                    "classifier balances its own present and absent rows)."
                )
            return clf.set_params(estimator__class_weight=class_weight)
        if multilabel and classifier == "attention":
            raise ValueError(
                f"class_weight={class_weight!r} is not supported for multi-label "
                "targets by the attention classifier; weight the samples with "
                "sample_weight."
            )
        if "class_weight" not in clf.get_params(deep=False):
            raise ValueError(
                f"class_weight={class_weight!r} needs a classifier with a "
                f"class_weight parameter; {type(clf).__name__} has none."
            )
        clf.set_params(class_weight=class_weight)
    return clf


def _classifier(classifier, random_state, target_type="auto", param="estimator"):
    """The final estimator named or given (cloned) as ``param`` (the
    builder's ``estimator=`` or ``classifier=``, named in the errors)."""
    if classifier is None and target_type == "continuous":
        classifier = "ridge"
    if classifier == "ridge":
        import numpy as np
        from sklearn.linear_model import RidgeCV

        return RidgeCV(alphas=np.logspace(-3, 3, 13))
    if classifier is None or classifier == "logistic":
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=10.0, max_iter=3000)
        if target_type == "multilabel-indicator":  # one classifier per label
            from sklearn.multiclass import OneVsRestClassifier

            return OneVsRestClassifier(clf)
        return clf
    if classifier == "attention":
        from skmultimodal.models import MultimodalAttentionClassifier

        return MultimodalAttentionClassifier(
            **ATTENTION_SETTINGS, random_state=random_state
        )
    if isinstance(classifier, str):
        raise ValueError(
            f"Unknown estimator {classifier!r} (given as {param}=); use one of "
            f"{list(CLASSIFIERS + REGRESSORS)} or pass an estimator instance."
        )
    if isinstance(classifier, type) or not (
        hasattr(classifier, "fit") and hasattr(classifier, "predict")
    ):
        got = type_name(classifier)
        if isinstance(classifier, type):
            name = classifier.__name__
            got = f"the class {name} (pass an instance: {name}())"
        raise ValueError(
            f"{param} must be a name in {list(CLASSIFIERS + REGRESSORS)}, an "
            f"estimator with fit/predict or None, got {got}."
        )
    clf = clone(classifier)
    # the builder's seed for an instance left unseeded, never over the user's
    if (
        random_state is not None
        and clf.get_params(deep=False).get("random_state", False) is None
    ):
        clf.set_params(random_state=random_state)
    return clf


def _target_type(estimator, target_type):
    """The fusion's ``target_type``: a regressor (by name or instance) makes
    ``"auto"`` mean ``"continuous"``; a classifier refuses ``"continuous"``
    and a regressor anything else."""
    from sklearn.base import is_classifier, is_regressor

    if target_type not in ("auto", *TARGET_TYPES):
        raise ValueError(
            f"target_type must be 'auto' or one of {list(TARGET_TYPES)}, got "
            f"{target_type!r}."
        )
    named = isinstance(estimator, str) or estimator is None

    def _is(test):
        try:  # an object without scikit-learn tags is checked later
            return test(estimator)
        except (AttributeError, TypeError):
            return False

    regressor = estimator in REGRESSORS if named else _is(is_regressor)
    classifier = estimator in CLASSIFIERS if named else _is(is_classifier)
    name = estimator if named else type(estimator).__name__
    if regressor and target_type == "auto":
        return "continuous"
    if regressor and target_type != "continuous":
        raise ValueError(
            f"target_type={target_type!r} needs a classifier; {name} is a regressor."
        )
    if classifier and target_type == "continuous":
        raise ValueError(
            f"target_type='continuous' needs a regressor; {name} is a "
            f"classifier. Use estimator={REGRESSORS[0]!r} or a regressor."
        )
    return target_type


#: The targets a named classifier of the builder fits as it is built with
#: ``target_type="auto"``: a multi-label target needs the ``OneVsRestClassifier``
#: of ``target_type="multilabel-indicator"``, a continuous one a regressor.
_NAMED_TARGETS = {
    None: ("binary", "multiclass"),
    "logistic": ("binary", "multiclass"),
    "attention": ("binary", "multiclass", "multilabel-indicator"),
}


def _check_method_target(method, target_type):
    """Refuse, when the pipeline is built, a fusion method that declares
    (``target_types``) it cannot fit the ``target_type`` given (or implied by
    a regressor); with ``"auto"`` the target is known only at fit."""
    if target_type == "auto":
        return
    if isinstance(method, str):
        from skmultimodal.plugins import get_registry

        try:
            accepted = get_registry("fusion_method").get(method).target_types
        except Exception:  # ModalityFusion reports an unknown or broken method
            return
        label = method
    else:
        accepted = getattr(method, "target_types", None)
        label = type(method).__name__
    if accepted is not None and target_type not in accepted:
        from skmultimodal.fusion._methods import _target_error

        raise ValueError(_target_error(label, target_type))


def _estimator_targets(estimator, target_type):
    """The fusion's ``estimator_target_types``: what the named classifier
    fits, checked against ``y`` at fit (None: not checked, for an explicit
    ``target_type`` or an estimator instance)."""
    if target_type != "auto" or not (estimator is None or isinstance(estimator, str)):
        return None
    return _NAMED_TARGETS.get(estimator)


def make_multimodal_pipeline(
    image="image",
    text="text",
    *,
    method=None,
    estimator=None,
    classifier=None,
    image_features=None,
    text_features=None,
    method_params=None,
    weights=None,
    missing="raise",
    memory=None,
    n_jobs=None,
    random_state=None,
    image_tokens=False,
    tabular=None,
    class_weight=None,
    target_type="auto",
):
    """Build a ready-to-fit image + text (+ table) pipeline.

    The result is an ordinary scikit-learn
    :class:`~sklearn.pipeline.Pipeline` ``[("fusion", ModalityFusion),
    ("classifier", <estimator>)]``, whatever the method (the last step keeps
    the name ``"classifier"`` for a regressor too, so grids written for
    classification stay valid), so one grid over
    ``fusion__method`` can compare every method (``"late"`` included). It
    takes the DataFrame with the modality columns and is what
    ``skmultimodal evaluate`` and ``skmultimodal train`` fit.

    Parameters
    ----------
    image : str, int, list, dict or None, default="image"
        Column holding the images (paths, bytes or arrays), by name (str)
        or by position (int). None leaves the
        image modality out (a text-only pipeline). A list of columns (a
        front and a back photo) makes one image branch per column, named by
        the column, each its own modality. A dict ``{branch name: column}``
        names the branches yourself (``image={"front_photo": "front"}``):
        the names are the modality names of the fused output, of
        ``weights`` and of grid parameters
        (``fusion__front_photo__features__...``).
    text : str, int, list, dict or None, default="text"
        Column holding the texts, by name or by position. None leaves the
        text modality out; a list (a title and a description) makes one
        text branch per column; a dict ``{branch name: column}`` names them.

        A single column gives the branch name ``"image"`` (``"text"``); in
        a list, a column named ``"front"`` gives the branch ``"front"`` and
        a position ``2`` the branch ``"image_2"`` (``"text_2"``; ``-1``
        gives ``"image_-1"``). An int is always a position, also on a
        DataFrame whose column labels are ints (rename them,
        ``X.columns = X.columns.astype(str)``, to select by label).
        Negative positions count from the end; within one argument, give
        them all from the start or all from the end (a mix, which may name
        one column twice, is refused). A bool is not a position.
        Positions let
        the pipeline take a 2-D array as well as a DataFrame, as
        scikit-learn's ensembles such as
        :class:`~sklearn.ensemble.BaggingClassifier` hand it on
        (``make_multimodal_pipeline(image=0, text=1)``; the array keeps the
        DataFrame's column order only with ``BaggingClassifier``'s defaults
        ``max_features=1.0`` and ``bootstrap_features=False``); a column
        named is found in a DataFrame only. ``tabular=`` takes names only.
        The branch names are checked when the pipeline is built, by
        :class:`~skmultimodal.fusion.ModalityFusion`'s rules: unique (the
        ``"tabular"`` branch and the ``"<name>_words"`` branches of
        ``image_tokens=True`` included), without ``"__"``, not a parameter
        of ``ModalityFusion`` (``"method"``, ``"weights"``, ``"missing"``,
        ...), and neither ``"joint"`` nor ``"presence"``, which name parts
        of the fused output. A column whose name would give such a branch
        name is a ValueError naming the column and the dict that fixes it.
    method : str, FusionMethod or None, default=None
        Fusion method: any ``ModalityFusion(method=...)`` value
        (``"stack"``, ``"concat"``, ``"product"``, ``"sum"``, ``"mean"``,
        ``"tensor"``, ``"attention"``, ``"tokens"``, ``"late"``, a plugin's
        name, or a configured instance such as
        ``ConcatFusion(block_norm="l2")``). None means ``"stack"``
        (:data:`DEFAULT_METHOD`: out-of-fold stacking of per-modality and
        joint class scores, which adapts to how informative each modality
        is) with two or more modalities, and ``"concat"`` with one. The
        attention classifier finds the modality blocks in the fused output
        and treats each as a token.
    estimator : {"logistic", "attention", "ridge"}, estimator or None, default=None
        The final estimator. ``None``/``"logistic"``:
        ``LogisticRegression(C=10, max_iter=3000)`` (with a
        ``"multilabel-indicator"`` ``target_type``, inside a
        :class:`~sklearn.multiclass.OneVsRestClassifier`, one per label);
        ``"attention"``: :class:`~skmultimodal.models.MultimodalAttentionClassifier`
        with the recommended settings of the models user guide
        (``dropout=0.3, optimizer="adamw", weight_decay=0.01``, and up to
        40 epochs with ``early_stopping=True``; with ``image_tokens=True``,
        ``epochs=20`` without early stopping) (needs the ``keras`` extra);
        ``"ridge"``: ``RidgeCV`` over
        ``alphas=np.logspace(-3, 3, 13)``, a regressor (also what None
        means with ``target_type="continuous"``); or any classifier or
        regressor instance (cloned). A regressor makes it a regression
        pipeline: the fusion is told the target is continuous, and
        ``stack`` (the default), ``late`` and ``concat`` fuse per-modality
        predictions; the other methods refuse a continuous target. An
        estimator whose tags say it takes no sparse input
        (``HistGradientBoostingClassifier``) gets a dense fused matrix: the
        fusion's ``sparse_threshold`` is then 0 (``concat`` keeps a sparse
        TF-IDF block sparse otherwise).
    classifier : str, estimator or None, default=None
        Another name for ``estimator`` (give one of the two).
    image_features : str, transformer or None, default=None
        Image feature extractor: a registered name (``"hog"``, ``"pixels"``,
        ``"color_histogram"``, plugins), a transformer instance, or None for
        the default union of HOG (64x64 gray), an HSV colour histogram and
        16x16 RGB pixels.
        The features are standardised.
    text_features : str, transformer or None, default=None
        Text feature extractor: a registered name (``"tfidf"``, ...), a
        transformer instance, or None for the union of a word TF-IDF and a
        character 3-5-gram TF-IDF (``analyzer="char_wb"``), both with
        sublinear term frequency (rows L2-normalised, kept sparse).
    method_params : dict or None, default=None
        Parameters of the fusion method: the method is then built as a
        configured instance (``method="concat", method_params={"block_norm":
        "l2"}`` gives ``method=ConcatFusion(block_norm="l2")``), so its
        parameters travel with it in a grid.
    weights : dict, list, "auto" or None, default=None
        Per-modality weights, ``ModalityFusion(weights=...)``; ``"auto"``
        learns them, for the methods whose ``weights`` take it.
    missing : {"raise", "zero", "mean", "indicator"}, default="raise"
        Missing-modality policy of :class:`ModalityFusion`. Except with
        ``"raise"``, the image extractors named here (default or by name)
        are built with ``on_error="missing"``, so an unreadable image file is
        a missing image too rather than a failed fit. ``"error"``, the old
        spelling of ``"raise"``, is deprecated (FutureWarning; removed in
        0.4).
    memory : str, path, joblib.Memory, object with ``cache`` or None, \
            default=None
        Caches the fitted feature extractors of the image and text branches
        with their features (see :class:`~sklearn.pipeline.Pipeline`), so
        several pipelines fitted on the same rows featurize them once. A
        folder (a str or path) or a :class:`joblib.Memory` becomes a
        :class:`~skmultimodal.utils.FileStampMemory` in that folder,
        whose key is the rows' values, the extractor's parameters and, for
        every cell or parameter naming an existing file (also inside a
        dict parameter, such as ``method_params``), its absolute path,
        size and modification time: a file rewritten in place, or the same
        relative paths under another working folder, is featurized again
        (a file rewritten within the file system's time resolution with the
        same size is not seen). Any other object with a ``cache`` method is
        used as it is, with its own key. A cache hit hands back the fitted
        extractor and features without running them, so the warnings of
        featurizing (e.g. the ``ImageWarning`` naming an unreadable file and
        why) are not repeated; the fusion's own warnings (naming the rows of
        a missing modality) still are. The ``tabular`` branch is not cached:
        imputing, scaling and encoding its columns costs no more than
        hashing them for the cache key.
    n_jobs : int or None, default=None
        Branches fitted in parallel.
    random_state : int or None, default=None
        Seed of the fusion method's internal folds
        (``ModalityFusion(random_state=...)``) and of the final estimator:
        ``classifier="attention"`` gets it, and an estimator instance (cloned)
        whose ``random_state`` parameter is None gets it too; an instance's
        own ``random_state`` (not None) is kept.
    image_tokens : bool, default=False
        Learn the image features end to end (needs ``classifier="attention"``
        or a ``MultimodalAttentionClassifier``): the image branch is
        :class:`~skmultimodal.image.ImageArray` (the decoded 64x64 RGB
        images, or the ``ImageArray`` given as ``image_features``), which
        the network turns into spatial patch tokens with a small
        convolutional stem, augmenting the images while training. Beside
        the text branch (TF-IDF features: a text token and the linear skip
        path), a ``"words"`` branch, :class:`~skmultimodal.text.TextSequencer`
        on the text column, gives word tokens that cross-attend to the
        patch tokens. The fusion method defaults to ``"concat"``, which
        passes the pixels and word ids through. With ``text=None`` it is an
        image-only network.
    tabular : list of str, dict or None, default=None
        Numeric and categorical columns forming one more modality, the
        ``"tabular"`` branch (a :class:`~sklearn.compose.ColumnTransformer`):
        numeric columns median-imputed and standardised, categorical ones
        imputed with their most frequent value and one-hot encoded
        (categories unseen in training ignored). A list is split by dtype at
        fit time; ``{"numeric": [...], "categorical": [...]}`` says which is
        which (e.g. a numeric code that is a category). A category is the
        same whatever the column's dtype: a column all numbers in fit keeps
        numbers (a number written as text later, ``"3"`` or ``"007"``, is
        that number); any other column compares texts, a text as written and
        a number as its shortest text (``3`` and ``3.0`` are ``"3"``), a
        date or a bool in one text form. A row whose tabular
        cells are all empty is a missing modality, not imputed (with one
        column: each empty cell; under ``missing="raise"`` an error names
        its rows). The names may be any 1-D
        array-like of str (a tuple, a ``pandas.Index``); a name that is not
        a str, or a dict naming no column, is a ValueError. Columns are
        selected by name only, so a pipeline with ``tabular=`` needs X as a
        DataFrame (or a dict of columns), and cannot run inside an ensemble
        that hands its members an array, such as
        :class:`~sklearn.ensemble.BaggingClassifier`.
    class_weight : dict, "balanced" or None, default=None
        Class weights of the classifier (its ``class_weight`` parameter; an
        error for a classifier without one). A dict's weights are finite and
        non-negative (a ValueError naming the class). The fusion method's
        internal experts (``stack`` and the other class-score methods) are
        not weighted: the classifier, their meta-learner, is. With
        ``target_type="multilabel-indicator"``, ``"balanced"`` balances each
        label's own classifier of ``"logistic"`` (its present and absent
        rows); a dict, or the attention classifier, is a ValueError there.
    target_type : {"auto", "binary", "multiclass", "multilabel-indicator", \
            "continuous"}, default="auto"
        The kind of target (``ModalityFusion(target_type=...)``). ``"auto"``
        infers it from ``y`` at fit, or means ``"continuous"`` with a
        regressor. ``"multilabel-indicator"`` (``y`` a 0/1 matrix, one
        column per label, as :class:`~sklearn.preprocessing.MultiLabelBinarizer`
        gives) makes ``"logistic"`` one classifier per label; ``stack``,
        ``late``, ``concat`` and the attention classifier take it. The final
        estimator is chosen here, not at fit: with ``"auto"``, a ``y`` the
        named classifier cannot fit (a 0/1 label matrix for ``"logistic"``,
        a continuous target for either classifier) is refused at the start
        of ``fit``, before any featurizing, with an error naming the
        ``target_type=`` or ``estimator=`` to build with
        (``ModalityFusion(estimator_target_types=...)``).

    Returns
    -------
    estimator : Pipeline
        Unfitted.

    See Also
    --------
    skmultimodal.fusion.ModalityFusion : the early-fusion step.
    skmultimodal.fusion.LateFusionClassifier : the late-fusion estimator.

    Examples
    --------
    >>> from skmultimodal import make_multimodal_pipeline
    >>> pipe = make_multimodal_pipeline(image="image", text="text")
    >>> [name for name, _ in pipe.steps]
    ['fusion', 'classifier']
    >>> pipe.named_steps["fusion"].method
    'stack'
    >>> fusion = make_multimodal_pipeline(text=None).named_steps["fusion"]
    >>> [name for name, _, _ in fusion.transformers]
    ['image']
    >>> make_multimodal_pipeline(method="late").named_steps["fusion"].method
    'late'

    Name the branches with a dict, e.g. for a text column called
    ``"method"``, which as a branch name would clash with
    ``ModalityFusion(method=...)``:

    >>> pipe = make_multimodal_pipeline(
    ...     image="front", text={"title": "title", "how": "method"}
    ... )
    >>> [(name, column) for name, _, column in pipe[0].transformers]
    [('image', 'front'), ('title', 'title'), ('how', 'method')]

    Columns by position, for a 2-D array X (or a DataFrame):

    >>> pipe = make_multimodal_pipeline(image=[0, 2], text=1)
    >>> [(name, column) for name, _, column in pipe[0].transformers]
    [('image_0', 0), ('image_2', 2), ('text', 1)]
    """
    from skmultimodal.fusion import ModalityFusion

    if estimator is not None and classifier is not None:
        raise ValueError(
            "give the final estimator as estimator= or classifier= (another "
            "name for it), not both."
        )
    param = "classifier" if classifier is not None else "estimator"
    if estimator is None:
        estimator = classifier
    if not isinstance(image_tokens, bool | np.bool_):
        raise TypeError(
            f"image_tokens must be a bool (True or False), got {image_tokens!r} "
            f"({type_name(image_tokens)})"
        )
    if method_params is not None and not isinstance(method_params, dict):
        raise TypeError(
            "method_params must be a dict of the fusion method's parameters "
            "(e.g. method='concat', method_params={'block_norm': 'l2'}) or None; "
            f"got {method_params!r} ({type_name(method_params)})"
        )
    _check_features(image_features, "image_features")
    _check_features(text_features, "text_features")
    _check_n_jobs(n_jobs)
    tabular = _check_tabular(tabular)
    memory = _check_memory(memory)
    target_type = _target_type(estimator, target_type)
    images, texts = _columns(image, "image"), _columns(text, "text")
    if not (images or texts or tabular):
        raise ValueError(
            "At least one of image=, text= and tabular= must name a column."
        )
    if image_tokens:
        _check_image_tokens(image, estimator, image_features)
    if missing == "error":
        warnings.warn(
            "make_multimodal_pipeline(missing='error') is deprecated and will be "
            "removed in 0.4: use missing='raise', the spelling of the "
            "extractors' on_error='raise'.",
            FutureWarning,
            stacklevel=2,
        )
        missing = "raise"
    branches, origins = [], []
    on_error = "raise" if missing in ("error", "raise") else "missing"
    for name, column, how in images:
        if image_tokens:
            branch = _pixel_branch(image_features, memory, on_error)
        else:
            branch = _image_branch(image_features, memory, on_error)
        branches.append((name, branch, column))
        origins.append(_Origin("image", column, how))
    for name, column, how in texts:
        branches.append((name, _text_branch(text_features, memory), column))
        origins.append(_Origin("text", column, how))
        if image_tokens:
            words = "words" if name == "text" else f"{name}_words"
            branches.append((words, _word_branch(memory), column))
            origins.append(
                _Origin(
                    "text",
                    column,
                    f"the word-token branch of image_tokens=True, named after "
                    f"the text branch {name!r}",
                    source=name,
                )
            )
    if tabular:
        branches.append(
            ("tabular", _tabular_branch(tabular), _tabular_columns(tabular))
        )
        origins.append(_Origin("tabular", None, "the branch of tabular=", fixed=True))

    if method is None:
        many = len(branches) > 1 and not image_tokens
        method = DEFAULT_METHOD if many else "concat"
        if method == "stack" and _attention_estimator(estimator):
            # the network attends over the experts' scores and leaves out a
            # modality without signal itself; the zero columns of an expert
            # the stacking left out would cost it (0.817 against 0.821 on
            # emoji): it gets every expert
            method = _method_instance("stack", {"select": None})
    if method_params is not None:
        method = _method_instance(method, method_params)
    fusion = ModalityFusion(
        branches,
        method=method,
        weights=weights,
        missing=missing,
        n_jobs=n_jobs,
        random_state=random_state,
        target_type=target_type,
        estimator_target_types=_estimator_targets(estimator, target_type),
    )
    _check_branch_names(fusion, origins, {"image": image, "text": text})
    _check_method_target(method, target_type)
    clf = _make_classifier(
        estimator,
        random_state,
        class_weight,
        target_type,
        stopping=not image_tokens,
        param=param,
    )
    if not _takes_sparse(clf):  # e.g. HistGradientBoosting
        fusion.set_params(sparse_threshold=0)
    return Pipeline([("fusion", fusion), ("classifier", clf)])


def _takes_sparse(estimator):
    """Whether ``estimator``'s tags say it takes sparse input (True for an
    estimator without scikit-learn's tags: left as it is)."""
    try:
        return get_tags(estimator).input_tags.sparse
    except AttributeError:
        return True


def _columns(spec, default_name):
    """``[(branch name, column, how)]`` of ``image=``/``text=``: one column
    keeps the modality's name as branch name; a list gives one branch per
    column, named by the column (a position ``k`` by ``<modality>_<k>``); a
    dict ``{branch name: column}`` names them. A column is a name (str) or
    a position (int, not a bool). ``how`` says how a name was derived (None:
    the user's own)."""
    if spec is None:
        return []
    if isinstance(spec, dict):
        ok = all(isinstance(k, str) for k in spec)
        columns = list(spec.values()) if ok else None
    elif isinstance(spec, list | tuple):
        columns = list(spec)
    else:
        columns = [spec]
    if columns and (bad := [c for c in columns if _is_bool(c)]):
        raise ValueError(
            f"{default_name}= selects column {bad[0]!r}, a bool, which is "
            "not a column position: give a column by its name (str) or its "
            f"position (int), e.g. {default_name}=0; got {spec!r}"
        )
    if not columns or not all(_is_column(c) for c in columns):
        raise ValueError(
            f"{default_name}= must be a column name or position (a str or an "
            "int), a non-empty list of them, or a dict {branch name: column}; "
            f"got {spec!r}. A DataFrame's columns are selected by name or by "
            "position, a 2-D array's by position"
        )
    columns = [_column(c) for c in columns]
    positions = [c for c in columns if not isinstance(c, str)]
    if any(c < 0 for c in positions) and any(c >= 0 for c in positions):
        raise ValueError(
            f"{default_name}= mixes positions from the start (0, 1, ...) and "
            f"from the end (-1, -2, ...), which may select one column twice: "
            f"{spec}. Give all positions from the start, or all from the end"
        )
    if isinstance(spec, dict):
        if len(set(columns)) != len(columns):
            raise ValueError(f"{default_name}= names a column twice: {spec}")
        return [(name, column, None) for name, column in zip(spec, columns)]
    if len(columns) == 1:
        how = f"the name of a single {default_name} column"
        return [(default_name, columns[0], how)]
    if len(set(columns)) != len(columns):
        raise ValueError(f"{default_name}= names a column twice: {columns}")
    return [
        (c, c, "named after its column")
        if isinstance(c, str)
        else (f"{default_name}_{c}", c, "named after its position")
        for c in columns
    ]


def _is_bool(column):
    return isinstance(column, bool | np.bool_)


def _is_column(column):
    """Whether ``column`` selects one column: a name or a position."""
    if _is_bool(column):
        return False
    return isinstance(column, str | numbers.Integral)


def _column(column):
    """A column as a plain str or int (not ``np.str_`` or ``np.int64``)."""
    return str(column) if isinstance(column, str) else int(column)


class _Origin(NamedTuple):
    """Where a branch of the builder comes from, for the errors on names."""

    arg: str  # the builder argument: "image", "text" or "tabular"
    column: object
    how: str | None  # how its name was derived; None: the user's dict key
    source: str | None = None  # the text branch a word-token branch follows
    fixed: bool = False  # a name the user cannot choose ("tabular")


def _name_problem(fusion, name):
    """Why ``fusion`` (a ModalityFusion) refuses a branch called ``name``,
    or None: ModalityFusion's own checks, on a one-branch copy (the names'
    rules, and the names of the blocks its method and missing policy add)."""
    from skmultimodal.fusion._modality_fusion import _method_label

    branch = (name, "passthrough", 0)
    probe = type(fusion)(**{**fusion.get_params(deep=False), "transformers": [branch]})
    try:
        probe._validate_transformers()
        added = getattr(probe, "_check_added_blocks", None)
        try:
            method = probe._resolve_method()
        except Exception:  # an unknown or broken method is reported by fit
            added = None
        if added is not None:
            added([name], method, _method_label(fusion.method), fusion.missing)
    except ValueError as exc:
        return f"ModalityFusion refuses it ({exc})"
    return None


def _check_branch_names(fusion, origins, specs, owner="make_multimodal_pipeline"):
    """Refuse, when the pipeline is built, branch names that ModalityFusion
    would refuse at fit (or that clash), naming the column, the name, why,
    and the ``{branch name: column}`` spelling that fixes it; ``owner`` is
    the builder the messages name."""
    names = [name for name, _, _ in fusion.transformers]
    for k, (name, origin) in enumerate(zip(names, origins)):
        why = _name_problem(fusion, name)
        if why is None:
            earlier = [j for j in range(k) if names[j] == name]
            if not earlier:
                continue
            j = earlier[0]
            if origin.fixed or (origin.how is None and origins[j].how is not None):
                k, j, origin = j, k, origins[j]  # blame the name one can change
            other = _describe(names[j], origins[j])
            why = f"{other} has that name already; branch names must be unique"
        message = _name_error(fusion, names, k, origin, why, specs)
        raise ValueError(message.replace("make_multimodal_pipeline", owner, 1))
    try:  # anything else ModalityFusion checks on the names together
        fusion._validate_transformers()
    except ValueError as exc:
        raise ValueError(
            f"{owner}: {exc}. Name the branches with a dict "
            "{branch name: column}, e.g. text={'title': 'title'}"
        ) from None


def _describe(name, origin):
    if origin.fixed:
        return f"the {name!r} branch of {origin.arg}="
    return f"the branch {name!r} of {origin.arg}= column {origin.column!r}"


def _name_error(fusion, names, k, origin, why, specs):
    """The message for the refused name of branch ``k``, with the dict that
    fixes it."""
    name = names[k]
    if origin.fixed:
        return (
            f"make_multimodal_pipeline: the branch {name!r} of "
            f"{origin.arg}= is refused: {why}. Name the other branch with a "
            "dict {branch name: column} for image= or text="
        )
    arg = origin.arg
    if origin.how is None:
        what = (
            f"{arg}= gives column {origin.column!r} the branch name {name!r}, "
            f"which is refused: {why}. Choose another key in {arg}="
        )
        return f"make_multimodal_pipeline: {what}"
    source = origin.source or name
    taken = set(names)
    better = _fresh_name(fusion, origin.column, arg, taken)
    example = _fixed_spec(specs[arg], origin.column, source, better, arg)
    return (
        f"make_multimodal_pipeline: {arg}= column {origin.column!r} gives the "
        f"branch name {name!r} ({origin.how}), which is refused: {why}. Name "
        f"the branches yourself with a dict {{branch name: column}}, e.g. "
        f"{arg}={example!r}"
    )


def _fresh_name(fusion, column, arg, taken):
    """A branch name for ``column`` that ModalityFusion accepts and that is
    not ``taken``."""
    base = re.sub("_{2,}", "_", f"{arg}_{column}").strip("_") or arg
    candidate, k = base, 2
    while k < 100 and (candidate in taken or _name_problem(fusion, candidate)):
        candidate, k = f"{base}_{k}", k + 1
    return candidate


def _fixed_spec(spec, column, old_name, new_name, arg):
    """``spec`` (of ``image=``/``text=``) as a dict, with the branch called
    ``old_name`` (reading ``column``) renamed ``new_name``."""
    pairs = [(name, col) for name, col, _ in _columns(spec, arg)]
    return {
        new_name if (name, col) == (old_name, column) else name: col
        for name, col in pairs
    }


class _TabularNames(list):
    """The columns of ``tabular=``: a list of names, selected by name only,
    whose ``hint`` the column selection gives for X that is not a DataFrame
    (``clone``, pickling and ``.skops`` files keep the class)."""

    hint = (
        "The builder's tabular= selects columns by name only: pass X as a "
        "DataFrame (a pipeline with tabular= cannot run inside such an ensemble)"
    )


def _tabular_columns(tabular):
    if isinstance(tabular, dict):
        tabular = [c for k in ("numeric", "categorical") for c in tabular.get(k, [])]
    return _TabularNames(tabular)


def _check_tabular(tabular):
    """``tabular=`` with its columns as lists: None, a list of column names
    or a dict ``{"numeric": [...], "categorical": [...]}`` of such lists;
    the names may be given as any 1-D array-like of str (a tuple, a
    ``pandas.Index``, an array). A ValueError names what is wrong: another
    kind of value, a name that is not a str, or no column at all."""
    if tabular is None:
        return None
    if isinstance(tabular, dict):
        unknown = set(tabular) - {"numeric", "categorical"}
        if unknown:
            raise ValueError(
                "tabular= as a dict takes the keys 'numeric' and 'categorical'; "
                f"got {sorted(unknown, key=str)}"
            )
        out = {k: _tabular_names(v, f"tabular[{k!r}]") for k, v in tabular.items()}
        named = any(out.values())
    else:
        out = _tabular_names(tabular, "tabular=")
        named = bool(out)
    if not named:
        raise ValueError(
            f"tabular={tabular!r} names no column; give at least one, or "
            "tabular=None for no tabular columns"
        )
    listed = [c for v in out.values() for c in v] if isinstance(out, dict) else out
    if twice := [c for c, k in Counter(listed).items() if k > 1]:
        where = (
            " (as numeric and as categorical, or twice in one list)"
            if isinstance(out, dict)
            else ""
        )
        raise ValueError(
            f"tabular= names column {twice[0]!r} more than once{where}; name "
            "each column once"
        )
    return out


def _tabular_names(columns, where):
    """The column names of ``columns`` (a list, a tuple, or a 1-D array or
    ``pandas.Index`` of str) as a list."""
    if isinstance(columns, np.ndarray | pd.Index | pd.Series):
        one_d = columns.ndim == 1
    else:
        one_d = isinstance(columns, list | tuple)
    if not one_d:
        raise ValueError(
            "tabular= must be a list of column names or a dict "
            f"{{'numeric': [...], 'categorical': [...]}} of such lists; "
            f"{where} is {columns!r}"
        )
    names = list(columns)
    if wrong := [c for c in names if not isinstance(c, str)]:
        raise ValueError(
            f"{where} names columns by their names (str); got {wrong[0]!r} "
            f"({type_name(wrong[0])}). Table columns are named; a "
            "DataFrame with columns 0, 1, ... can be renamed with "
            "X.columns = X.columns.astype(str)"
        )
    return names


def _tabular_selectors(tabular):
    """``(numeric, categorical)`` columns of ``tabular=``: a dict
    ``{"numeric": [...], "categorical": [...]}`` says which is which; a list
    is split by dtype at fit time (numbers are numeric), by selectors.
    Column labels are plain str (scikit-learn refuses NumPy's ``np.str_``)."""
    tabular = _check_tabular(tabular)
    if isinstance(tabular, dict):
        numeric = [str(c) for c in tabular.get("numeric", [])]
        categorical = [str(c) for c in tabular.get("categorical", [])]
    else:
        numeric = _TableColumns("numeric")
        categorical = _TableColumns("categorical")
    return numeric, categorical


class _TableColumns:
    """Column selector of the tabular branch: the columns of a DataFrame
    whose dtype is numeric (pandas' ``is_numeric_dtype``, so also nullable
    and Arrow numbers and decimals, or a duration; booleans excluded) with
    ``kind="numeric"``, the other columns with ``"categorical"``; their
    labels as plain str.

    Parameters
    ----------
    kind : {"numeric", "categorical"}
    """

    def __init__(self, kind):
        self.kind = kind

    def __repr__(self):
        return f"_TableColumns({self.kind!r})"

    def __call__(self, X):
        if not hasattr(X, "dtypes"):
            raise ValueError(
                "tabular= as a list splits the columns by dtype and needs a "
                "pandas DataFrame; give a dict {'numeric': [...], "
                "'categorical': [...]} for other inputs"
            )
        types = pd.api.types
        return [
            str(name)
            for name, dtype in X.dtypes.items()
            if (self.kind == "numeric")
            == (
                (types.is_numeric_dtype(dtype) or dtype.kind == "m")
                and not types.is_bool_dtype(dtype)
            )
        ]


#: A number written as text ("3", " -2.50", "1e3"), a category equal to it.
_NUMBER_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _category_number(value):
    """A categorical cell's number, or None: a real number (not a bool)
    as it is, a NumPy float32 or float16 as the float of its shortest text
    (``0.1``, not ``0.10000000149011612``), a number written as text
    (``"3"``, ``"3.0"``) as an int or a float."""
    import numbers

    if isinstance(value, bool):
        return None
    if isinstance(value, decimal.Decimal):  # as the float read from a CSV
        return float(value) if value.is_finite() else None
    if isinstance(value, np.floating) and value.itemsize < 8:
        return float(str(value))  # at its own precision, as float64 holds it
    if isinstance(value, numbers.Real):
        return value
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
        value = value.strip()
        return int(value) if value.lstrip("+-").isdigit() else float(value)
    return None


#: A date and time written as text ("2024-01-02 00:00:00", "...T10:30:00Z").
_DATETIME_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?"
)


def _category_text(value):
    """A categorical cell as text, one text whatever its container: a text
    as it is (``"007"`` and ``"7"`` stay two categories; a date and time
    written as text, as a CSV holds a datetime, as that date-time), a
    number as its
    value (``3`` and ``3.0`` are ``"3"``, as the text ``"3"``), a bool
    ``"True"`` or ``"False"``, a date or time ISO text (``"2024-01-02"``
    at midnight, else ``"2024-01-02 10:30:00"``), a list as a list
    (an Arrow list cell, a NumPy array, too), anything else ``str``."""
    import datetime
    import math

    if isinstance(value, str):
        if not _DATETIME_TEXT.fullmatch(value):
            return value
        try:  # as the date-time it writes: a CSV's spelling of a datetime
            value = pd.Timestamp(value)
        except ValueError:
            return value
    number = _category_number(value)
    if number is not None:
        if math.isfinite(number) and number == int(number):
            return str(int(number))
        return str(float(number))
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, datetime.datetime):  # pandas' Timestamp too
        text = value.isoformat(sep=" ")
        return text[:10] if text.endswith(" 00:00:00") else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(_as_lists(value))


def _as_lists(value):
    """A cell with the arrays in it made lists: pandas gives an Arrow list
    cell as a NumPy array (``[1 2]``), of arrays when nested, also within
    a list or an Arrow struct's dict; the same list in an object column
    is a list (``[1, 2]``)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return [_as_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    return value


class _TableCells(TransformerMixin, BaseEstimator):
    """The cells of table columns made ready for scikit-learn's imputers:
    ``kind="numeric"`` gives floats (a boolean column 0/1, a duration its
    seconds, a date-time its seconds since the Unix epoch) and refuses a
    cell that is not a real number or is infinite, naming its column and
    row; ``"categorical"`` gives objects, each cell in one form whatever
    its column's dtype: a column all numbers in fit keeps its numbers (a
    number written as text later, ``"3"``, is the number); any other
    column has every cell as text, then and later: a number as its value
    (``3``, ``3.0`` and ``"3"`` are one category, spelt as first met in
    fit; a text as written, ``"007"`` and ``"7"`` two), a bool ``"True"``
    or ``"False"``, a date or time ISO text (``"2024-01-02"`` at
    midnight), a float32 as its shortest text (``"0.1"``), a list (an
    Arrow list cell too) its list's ``str``, anything else ``str``.
    Missing cells (as :func:`~skmultimodal.utils.is_missing` says: also an
    empty or whitespace-only string) become NaN.

    Parameters
    ----------
    kind : {"numeric", "categorical"}, default="numeric"
    """

    _parameter_constraints = {"kind": [StrOptions({"numeric", "categorical"})]}

    def __init__(self, kind="numeric"):
        self.kind = kind

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        # the cells as fit makes them are those transform gives: one pass
        return self._fit(X)

    def _fit(self, X):
        # the same checks as later; for each categorical column None (its
        # numbers kept) or {text: spelling} of its categories (text)
        from sklearn.utils.validation import _get_feature_names

        self._cells_version = 2  # cells read as now: see __setstate__
        values, self._as_text = self._cells(X, None, fitting=True)
        self.n_features_in_ = np.shape(X)[1]
        names = _get_feature_names(X)  # as the ColumnTransformer has them
        if names is not None:
            self.feature_names_in_ = names
        return values

    def transform(self, X):
        return self._cells(X, getattr(self, "_as_text", None))[0]

    def __setstate__(self, state):
        # fitted (saved) by an earlier skmultimodal, which read durations and
        # date-times declared numeric as counts of their unit, float32
        # categories at float64 precision, a NumPy array cell as "[1 2]" and
        # the empty cells of an Arrow string column as a category: its
        # transform refuses such cells (_changed) rather than mislead
        if "_as_text" in state and "_cells_version" not in state:
            state = {**state, "_cells_version": 1}
        super().__setstate__(state)

    def _changed(self, cells, missing, distinct):
        """How the cells of the Series ``cells`` (``missing``: its mask;
        ``distinct``: its categories' values as read here) are read since
        an earlier skmultimodal fitted this object, or None where they are
        read alike."""
        dtype = cells.dtype
        if self.kind == "numeric":
            # NumPy's and zoned ones were counts of their unit (Arrow's were
            # refused as not numbers)
            if dtype.kind not in "mM" or isinstance(dtype, pd.ArrowDtype):
                return None
            unit = getattr(dtype, "unit", None) or np.datetime_data(dtype)[0]
            if unit == "s":
                return None
            return (
                f"its durations or date-times are now seconds (they were "
                f"counts of their unit, {unit!r})"
            )
        # a column of Arrow strings: its empty cells were not looked at
        if dtype.kind != "O" and (missing & ~cells.isna().to_numpy()).any():
            return (
                "its empty or whitespace-only cells are now missing, given "
                "the most frequent category (they were a category of their own)"
            )
        for value in distinct:
            if isinstance(value, np.floating) and value.itemsize < 8:
                if float(value) != float(str(value)):
                    return (
                        f"its float{8 * value.itemsize} categories are now "
                        f"their shortest text "
                        f"({str(value)!r}, was {float(value)!r})"
                    )
            elif isinstance(value, np.ndarray | list | dict):
                if str(value) != str(_as_lists(value)):
                    return (
                        f"its array cells are now written as lists "
                        f"({str(_as_lists(value))!r}, was {str(value)!r})"
                    )
        return None

    @staticmethod
    def _distinct(cells, skip):
        """The cells of the Series ``cells`` outside the mask ``skip`` as
        ``(codes, distinct)``: ``distinct`` a list of values (as
        ``astype(object)`` gives them) in the order first met, ``codes``
        each cell's position in it (-1: skipped). Equal cells share a
        position only where they are the same value of the same type: a
        category, a NumPy number, bool, date or duration (by its bytes:
        -0.0 is not 0.0) or a str in a column of str; any other cell (``1``,
        ``1.0`` and ``True`` are equal) has a position of its own."""
        kept = np.flatnonzero(~skip)
        dtype, key = cells.dtype, None
        if isinstance(dtype, pd.CategoricalDtype):
            key = cells.cat.codes.to_numpy()[kept]
        elif isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
            if dtype.itemsize in (1, 2, 4, 8):
                key = cells.to_numpy()[kept].view(f"i{dtype.itemsize}")
        elif dtype.kind in "OU":  # objects, pandas and Arrow strings
            key = cells.to_numpy(dtype=object)[kept]
            if set(map(type, key)) - {str}:
                key = None
        codes = np.full(len(cells), -1, dtype=np.intp)
        if key is None:
            codes[kept] = np.arange(len(kept))
            first = kept
        else:
            codes[kept] = pd.factorize(key)[0]
            # codes count up in the order first met: a new one tops the old
            seen = np.maximum.accumulate(codes[kept])
            first = kept[np.flatnonzero(np.diff(seen, prepend=-1) > 0)]
        return codes, cells.iloc[first].astype(object).tolist()

    @classmethod
    def _missing(cls, cells):
        """Whether each cell of the Series ``cells`` is missing: as
        :func:`~skmultimodal.fusion._columns.missing_mask` says, each
        distinct value looked at once."""
        from skmultimodal.fusion._columns import _may_hold_strings
        from skmultimodal.utils import is_missing

        missing = cells.isna().to_numpy(copy=True)
        # any dtype that may hold strings (object, string, Arrow, categories
        # of those): "" and " " too
        if not missing.all() and _may_hold_strings(cells.dtype):
            codes, distinct = cls._distinct(cells, missing)
            gone = np.fromiter(map(is_missing, distinct), bool, len(distinct))
            missing[codes >= 0] = gone[codes[codes >= 0]]
        return missing

    @staticmethod
    def _categories(cells, spelt):
        """The categories of the cells (a list, none missing) as an array,
        and ``spelt``: None keeps numbers as numbers, a dict ``{text:
        spelling}`` makes each cell the spelling of its text
        (``spelt="fit"``: decided here, the texts of the cells added)."""
        if spelt == "fit":
            numbers = all(
                not isinstance(v, str) and _category_number(v) is not None
                for v in cells
            )
            spelt = None if numbers else {}
            fitting = True
        else:
            fitting = False
        values = np.empty(len(cells), dtype=object)  # a list cell stays one cell
        for j, value in enumerate(cells):
            if spelt is None:
                number = _category_number(value)
                values[j] = number if number is not None else _category_text(value)
            else:
                text = _category_text(value)
                if fitting and text not in spelt:
                    number = _category_number(value)
                    if isinstance(value, decimal.Decimal | np.floating):
                        value = number  # spelt as its float (a CSV's)
                    spelt[text] = str(value) if number is not None else text
                values[j] = spelt.get(text, text)
        return values, spelt

    @staticmethod
    def _seconds(cells):
        """A Series of durations as seconds, or of date-times (dates at
        midnight) as seconds since the Unix epoch (a tz-aware one: its UTC
        instant), whatever their unit (NumPy's or Arrow's): a float array,
        NaN where NaT."""
        if cells.dtype.kind == "M":  # as NumPy's datetime64 of the UTC instant
            cells = pd.to_datetime(cells, utc=True).dt.tz_convert(None)
        values = cells.to_numpy()  # datetime64/timedelta64 in its own unit
        if values.dtype.kind == "M":
            values = values - np.datetime64(0, "s")
        return values / np.timedelta64(1, "s")

    def _cells(self, X, as_text, fitting=False):
        """The cells of X as one array, and for each categorical column
        None (numbers) or its ``{text: spelling}`` (``as_text``: those of
        fit, or None to decide here). In fit (``fitting``), a numeric
        column whose standardisation would overflow float64 is refused."""
        import numbers

        from skmultimodal.utils._validation import (
            ROWS_ATTR,
            RowPositions,
            plain_label,
        )

        frame = X
        if not isinstance(X, pd.DataFrame):
            frame = pd.DataFrame(np.asarray(X, dtype=object))
        # a branch's subset (ModalityFusion's): rows named by their positions
        # in the caller's table, as the image and text branches name them
        rows = frame.attrs.get(ROWS_ATTR)
        positions = rows.of(frame) if isinstance(rows, RowPositions) else None
        # fitted by an earlier skmultimodal (see __setstate__): cells read
        # otherwise are refused
        earlier = getattr(self, "_cells_version", 2) < 2
        changed = {}
        kinds = []  # what each numeric column holds: _numeric_kind
        types = pd.api.types
        as_categorical = "give the column as categorical"
        as_missing = "make them missing (NaN) to have them imputed"
        as_real = "give a real part or magnitude as a column of its own"
        columns, texts, problems = [], [], []
        for i, name in enumerate(frame.columns):
            cells = frame[name]
            missing = self._missing(cells)
            if self.kind == "categorical":
                spelt = "fit" if as_text is None else as_text[i]
                # each distinct value made a category once, not each cell
                codes, distinct = self._distinct(cells, missing)
                dtype = cells.dtype
                if isinstance(dtype, pd.CategoricalDtype):
                    dtype = dtype.categories.dtype
                if dtype.kind == "f" and dtype.itemsize < 8:
                    # float32 cells come as Python floats: at their precision
                    distinct = list(np.asarray(distinct, f"f{dtype.itemsize}"))
                if earlier:
                    changed[name] = self._changed(cells, missing, distinct)
                categories, spelt = self._categories(distinct, spelt)
                values = np.full(len(cells), np.nan, dtype=object)
                values[codes >= 0] = categories[codes[codes >= 0]]
                texts.append(spelt)
            else:
                if earlier:
                    changed[name] = self._changed(cells, missing, ())
                kinds.append(_numeric_kind(cells, missing))
                complex_ = np.zeros(len(cells), dtype=bool)
                if cells.dtype.kind in "cO":  # complex numbers lose their imag
                    complex_[:] = [
                        isinstance(v, numbers.Complex)
                        and not isinstance(v, numbers.Real)
                        for v in cells.tolist()
                    ]
                numeric = cells
                if types.is_bool_dtype(cells):
                    numeric = cells.astype(float)
                elif cells.dtype.kind in "mM":  # seconds, whatever the unit
                    numeric = pd.Series(self._seconds(cells))
                elif complex_.any():
                    numeric = cells.astype(object).where(~complex_)
                elif types.is_extension_array_dtype(cells) and types.is_numeric_dtype(
                    cells
                ):  # pandas' to_numeric fails on an Arrow decimal with nulls
                    numeric = pd.Series(cells.to_numpy(float, na_value=np.nan))
                values = pd.to_numeric(numeric, errors="coerce").to_numpy(
                    float, copy=True, na_value=np.nan
                )
                values[missing] = np.nan
                refused = (
                    (complex_ & ~missing, "that are complex numbers", as_real),
                    (
                        np.isnan(values) & ~missing,
                        "that are not numbers",
                        as_categorical,
                    ),
                    (
                        np.isinf(values),
                        # 1e400, written in a file, is read as infinite
                        "that are infinite (or beyond ±1.8e308, too large for a float)",
                        as_missing,
                    ),
                    (
                        _too_large(values) if fitting else np.zeros(0, dtype=bool),
                        "that are too large to standardise (the squares of their "
                        "deviations overflow a float)",
                        "rescale the column (divide it by a power of ten, or take "
                        "its logarithm)",
                    ),
                )
                for wrong, what, fix in refused:
                    wrong = np.flatnonzero(wrong)
                    if len(wrong):
                        label, cell = frame.index[wrong[0]], cells.iloc[wrong[0]]
                        label, cell = plain_label(label), plain_label(cell)
                        row = wrong[0] if positions is None else positions[wrong[0]]
                        problems.append(  # every column's, in one error
                            f"numeric table column {name!r} holds {len(wrong)} "
                            f"cell(s) {what}, the first on row {row} "
                            f"(index {label!r}): "
                            f"{cell!r}{decimal_comma_hint(cell)}. Fix those "
                            f"cells, or {fix}"
                        )
                        break
            columns.append(values)
        if problems:
            raise ValueError("; ".join(problems))
        if self.kind == "numeric":
            if fitting:
                self._kinds = kinds
            else:
                _warn_kinds(frame.columns, getattr(self, "_kinds", None), kinds)
        changed = [f"{n!r}: {how}" for n, how in changed.items() if how]
        if changed:
            raise ValueError(
                "this model was fitted by an earlier skmultimodal, which read "
                f"these {self.kind} table columns otherwise: "
                f"{'; '.join(changed)}. Its predictions would be wrong: refit "
                "the model with this version"
            )
        if not columns:
            kind = object if self.kind == "categorical" else float
            return np.empty((len(frame), 0), dtype=kind), texts
        return np.column_stack(columns), texts

    def get_feature_names_out(self, input_features=None):
        from sklearn.utils.validation import _check_feature_names_in

        return _check_feature_names_in(self, input_features)


#: What a numeric table column's cells are read as, by what they hold.
_READ_AS = {
    "numbers": "",
    "booleans": " (read as 0 and 1)",
    "date-times": " (read as seconds since the Unix epoch)",
    "durations": " (read as seconds)",
}


def _numeric_kind(cells, missing):
    """What the Series ``cells`` of a numeric table column holds, by its
    dtype: ``"booleans"``, ``"date-times"``, ``"durations"`` or
    ``"numbers"`` (an object column holding only bools, once ``missing``
    is left out: ``"booleans"``)."""
    dtype = cells.dtype
    if dtype.kind == "M":
        return "date-times"
    if dtype.kind == "m":
        return "durations"
    if pd.api.types.is_bool_dtype(dtype):
        return "booleans"
    if dtype.kind == "O":
        present = cells[~missing].tolist()
        if present and all(isinstance(v, bool | np.bool_) for v in present):
            return "booleans"
    return "numbers"


def _warn_kinds(columns, fitted, now):
    """A ``DataConversionWarning`` naming the numeric table columns that hold
    other things than in fit (``fitted``: their kinds then; None for a model
    fitted before they were recorded): a date-time given to a column of
    numbers is read as its seconds since 1970, a bool as 0 or 1, without
    an error. Booleans given as the numbers 0 and 1 are not named."""
    if fitted is None or len(fitted) != len(now):
        return
    drifted = [
        f"{name!r} held {was} in fit but holds {kind}{_READ_AS[kind]}"
        for name, was, kind in zip(columns, fitted, now)
        if kind != was and not (was == "booleans" and kind == "numbers")
    ]
    if drifted:
        from sklearn.exceptions import DataConversionWarning

        from skmultimodal.utils._parallel import warn_at_caller

        columns = "column" if len(drifted) == 1 else "columns"
        warn_at_caller(
            f"numeric table {columns} {'; '.join(drifted)}: the model was not "
            "trained on such values, so its predictions for them may be "
            "wrong; give the column the kind of values it had in fit",
            DataConversionWarning,
        )


def _too_large(values):
    """The cells of a numeric column (NaN: missing) too large for
    ``StandardScaler``: where the sum of the squared deviations from the
    mean overflows float64 (its variance would be NaN or inf), those whose
    magnitude is above ``sqrt(max float / n) / 2``, of which there is then
    at least one; else none."""
    present = values[~np.isnan(values)]
    with np.errstate(over="ignore", invalid="ignore"):
        deviations = present - present.mean() if len(present) else present
        if np.isfinite(np.sum(np.square(deviations))):
            return np.zeros(len(values), dtype=bool)
    limit = np.sqrt(np.finfo(np.float64).max / len(present)) / 2
    return np.abs(np.nan_to_num(values)) > limit


def _tabular_branch(tabular):
    """The ``tabular`` branch: numeric columns median-imputed and
    standardised, categorical ones imputed with their most frequent value and
    one-hot encoded (categories unseen in training ignored). A list splits
    its columns by dtype at fit time (numbers are numeric); a dict
    ``{"numeric": [...], "categorical": [...]}`` says which is which."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    numeric, categorical = _tabular_selectors(tabular)
    # a column empty in every training row is kept, not dropped: as 0, or
    # as the one category 0 (a category unseen in training is ignored)
    numbers = Pipeline(
        [
            ("cells", _TableCells("numeric")),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
        ]
    )
    categories = Pipeline(
        [
            ("cells", _TableCells("categorical")),
            (
                "impute",
                SimpleImputer(strategy="most_frequent", keep_empty_features=True),
            ),
            ("encode", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    return ColumnTransformer(
        [("numeric", numbers, numeric), ("categorical", categories, categorical)],
        verbose_feature_names_out=False,
    )


def _attention_estimator(estimator):
    """Whether the builder's final estimator is the attention classifier:
    ``"attention"``, or an instance of it (known by its class name, without
    importing TensorFlow)."""
    if isinstance(estimator, str):
        return estimator == "attention"
    return type(estimator).__name__ == "MultimodalAttentionClassifier"


def _method_instance(method, method_params):
    """``method`` (a name or an instance) configured with ``method_params``."""
    from skmultimodal.plugins import get_registry

    return get_registry("fusion_method").create(method, method_params)
