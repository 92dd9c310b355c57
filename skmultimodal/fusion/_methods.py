"""The built-in fusion methods.

Each method combines a list of per-modality blocks ``B_1 .. B_M`` (2-D, one
row per sample) into one matrix. ``concat`` places the normalised blocks
side by side. Every other method first projects each block into its class
scores ``P_i(c | x)``: the probabilities of a classifier fitted on that block
alone, out-of-fold on the training rows (a space that keeps the class
information, unlike an unsupervised projection), then combines those.
"""

from __future__ import annotations

import itertools
import warnings
from contextlib import nullcontext
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    KFold,
    LeaveOneGroupOut,
    LeavePGroupsOut,
    StratifiedGroupKFold,
    StratifiedKFold,
    check_cv,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler, normalize
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
)

from skmultimodal.utils._parallel import (
    each_warning_once,
    one_blas_thread,
    warn_at_caller,
)
from skmultimodal.utils._validation import (
    check_groups,
    check_label_types,
    check_partition,
    check_two_classes,
    plain_label,
)

from ._base import FusionMethod
from ._columns import _in_words
from ._pooling import (
    EPS,
    check_fold_weights,
    check_group_splitter,
    check_stratifiable,
    check_weights,
    checked_sample_weight,
    grouped_n_splits,
    learn_pool_weights,
    normalize_weights,
    pool,
    unrouted,
    weight_params,
)

#: scikit-learn's splitters that need ``groups`` (given to ``fit``).
_GROUP_SPLITTERS = (
    GroupKFold,
    GroupShuffleSplit,
    LeaveOneGroupOut,
    LeavePGroupsOut,
    StratifiedGroupKFold,
)

__all__ = [
    "AttentionFusion",
    "ConcatFusion",
    "LateFusion",
    "MeanFusion",
    "ProductFusion",
    "StackFusion",
    "SumFusion",
    "TensorFusion",
    "TokenFusion",
]


#: Target types of the methods that fuse class probabilities.
CLASS_TARGETS = ("binary", "multiclass")
MULTILABEL = "multilabel-indicator"
#: Target types of ``stack`` and ``late``: also per-label probabilities of a
#: multi-label target, and predicted values of a continuous one.
ANY_TARGET = (*CLASS_TARGETS, MULTILABEL, "continuous")
#: Every known target type: ``concat`` does not use the target.
EVERY_TARGET = (*ANY_TARGET, "multiclass-multioutput", "continuous-multioutput")


def _target_error(method, target_type):
    """The message for a target the fusion method cannot fit: the methods
    that declare the target type (``target_types``) can; a method that
    declares nothing is named apart, as not checked."""
    from skmultimodal.plugins import get_registry

    registry = get_registry("fusion_method")
    fits, unchecked = [], []
    for name in registry.names():
        try:
            cls = registry.get(name)
        except Exception:  # a broken plugin does not spoil the message
            continue
        types = getattr(cls, "target_types", None)
        if types is None:
            unchecked.append(name)
        elif target_type in types:
            fits.append(name)
    what = {
        "continuous": "a continuous (regression) target",
        MULTILABEL: "a multi-label target",
    }.get(target_type, f"a {target_type!r} target")
    try:
        declared = registry.get(method).target_types
    except Exception:  # an instance's class name, or a broken plugin
        declared = None
    why = (
        f"it fits only {', '.join(map(repr, declared))} targets (its target_types)"
        if declared
        else "its target_types do not include it"
    )
    message = (
        f"fusion method {method!r} cannot fit {what}: {why}. Methods that can: "
        f"{', '.join(fits) or 'none'}"
    )
    if unchecked:
        message += (
            f". Not checked (they declare no target_types): {', '.join(unchecked)}"
        )
    return message


def _binary_rows(P):
    """Per-label probabilities (n_modalities, n_samples, n_labels) as binary
    class probabilities (n_modalities, n_samples * n_labels, 2)."""
    p = P.reshape(P.shape[0], -1)
    return np.stack([1.0 - p, p], axis=-1)


def _least_squares_weights(preds, y, sample_weight=None):
    """Non-negative weights (summing to 1) of per-modality predictions
    (n_samples, n_modalities) that best fit ``y`` in (weighted) least
    squares; equal weights when none is positive."""
    from scipy.optimize import nnls

    preds, y = np.asarray(preds, dtype=float), np.asarray(y, dtype=float)
    if sample_weight is not None:
        root = np.sqrt(sample_weight)
        preds, y = preds * root[:, None], y * root
    w, _ = nnls(preds, y)
    if not w.sum() > 0:
        return np.full(preds.shape[1], 1.0 / preds.shape[1])
    return w / w.sum()


def _indicator_matrix(y):
    """A multi-label target as a dense numeric matrix, of ints where its
    values are whole (0/1): read once from whatever it came as (a sparse
    matrix, a DataFrame of pandas nullable dtypes such as ``Int64`` or
    ``boolean``, which ``np.asarray`` makes an object array that
    scikit-learn's ``OneVsRestClassifier`` refuses as an unknown label
    type)."""
    y = check_array(y, accept_sparse="csr", dtype="numeric", input_name="y")
    y = y.toarray() if sparse.issparse(y) else y
    whole = y.astype(int)
    return whole if np.array_equal(whole, y) else y


def _n_rows(block):
    return block.shape[0]


def _take(block, rows):
    return block[rows] if sparse.issparse(block) else np.asarray(block)[rows]


def _check_split_rows(splits, n, what, rows="fit got"):
    """Refuse internal-fold ``splits`` (``(train, test)`` pairs) that index
    rows outside the ``n`` rows being fitted, as a fixed list of splits
    does in a subset of the rows it was made for (an outer fold); ``what``
    names the owner of the ``cv`` parameter."""
    hint = (
        "a list of splits fits only the rows it was made for; give an int or a splitter"
    )
    low, high = 0, -1
    for split in splits:
        for idx in split:
            idx = np.asarray(idx)
            if idx.dtype == bool:
                if idx.shape != (n,):
                    raise ValueError(
                        f"{what}: cv's splits are masks of {idx.shape[0]} rows "
                        f"but {rows} {n} rows: {hint}"
                    )
            elif idx.size:
                low, high = min(low, int(idx.min())), max(high, int(idx.max()))
    if low < 0:
        raise ValueError(
            f"{what}: cv's splits hold the negative row index {low}; row "
            f"indices run from 0 to {n - 1} ({rows} {n} rows): {hint}"
        )
    if high >= n:
        raise ValueError(
            f"{what}: cv's splits index rows up to {high} but {rows} {n} rows: {hint}"
        )


def _unseen_class_rows(splits, y):
    """Positions of the rows of a class target ``y`` whose class the
    training rows of their internal fold in ``splits`` hold none of: they
    have no out-of-fold score of their class (their fold gives it 0), and
    are scored by the model fitted on all rows instead, which saw them."""
    unseen = np.zeros(len(y), dtype=bool)
    for train, test in splits:
        unseen[test] |= ~np.isin(y[test], y[train])
    return np.flatnonzero(unseen)


def _check_test_folds(splits, n, what, gives, of=""):
    """Refuse internal-fold ``splits`` unless each of the ``n`` rows (``of``
    which modality, say) is in exactly one test fold, as the out-of-fold
    scores (``gives``) of ``what`` need."""
    why = f" (a KFold-like splitter) to give {gives}"
    check_partition(splits, n, what, of, why)


class _BlockInfoMixin:
    """Default modality names/kinds when ``set_modalities`` was not called."""

    def _names(self, n):
        names = getattr(self, "modality_names_", None)
        if names is None or len(names) != n:
            names = [f"block{i}" for i in range(n)]
        return list(names)

    def _kinds(self, n):
        kinds = getattr(self, "block_kinds_", None)
        if kinds is None or len(kinds) != n:
            kinds = ["features"] * n
        return list(kinds)


# --------------------------------------------------------------------------
# concat
# --------------------------------------------------------------------------
class ConcatFusion(_BlockInfoMixin, FusionMethod):
    r"""Concatenate the blocks side by side, each normalised and weighted.

    .. math::

        F(x) = [\, w_1 N_1(B_1(x)),\; \dots,\; w_M N_M(B_M(x)) \,]

    where :math:`N_i` is the block normalisation:

    - ``"frobenius"`` (default): :math:`N_i(b) = b / s_i`, with
      :math:`s_i = \sqrt{\tfrac{1}{n}\sum_x \lVert B_i(x) - \bar B_i
      \rVert^2}` the block's root-mean-square (centred) row norm fitted on
      the training data. Every block then carries the same total variance,
      so a 1,764-column HOG block neither drowns nor is drowned by a small
      block. Sparse blocks stay sparse (only scaled).
    - ``"l2"``: each row of each block scaled to unit L2 norm.
    - ``"standard"``: each column standardised (sparse blocks only scaled),
      then the block divided by :math:`\sqrt{d_i}` (its width), so each block
      has unit expected squared row norm.
    - ``"none"``: blocks unchanged.

    Sequence blocks (integer ids) and image blocks (decoded images) are passed
    through unchanged and unweighted.

    Parameters
    ----------
    block_norm : {"frobenius", "l2", "standard", "none"}, default="frobenius"
        Normalisation applied to each block.
    weights : list of float or dict, default=None
        Per-modality weights :math:`w_i` (in block order, or ``{name:
        weight}``); None means 1 for every block.

    Attributes
    ----------
    scales_ : list of float
        The fitted divisor :math:`s_i` of each block (1.0 when unused).
    scalers_ : list of StandardScaler or None
        The fitted scaler of each block under ``"standard"`` (else None).
    weights_ : list of float
        The weight :math:`w_i` of each block.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import ConcatFusion
    >>> a = np.array([[0.0, 2.0], [2.0, 0.0]])
    >>> b = np.array([[10.0], [-10.0]])
    >>> ConcatFusion().fit_transform([a, b]).round(3)
    array([[ 0.   ,  1.414,  1.   ],
           [ 1.414,  0.   , -1.   ]])
    """

    accepts_sparse = True
    accepts_sequence = True
    accepts_image = True
    #: Every target: the blocks are fused without it.
    target_types = EVERY_TARGET
    _parameter_constraints = {
        "block_norm": [StrOptions({"frobenius", "l2", "standard", "none"})],
        "weights": [list, tuple, np.ndarray, dict, None],
    }

    def __init__(self, *, block_norm="frobenius", weights=None):
        self.block_norm = block_norm
        self.weights = weights

    def fit(self, blocks, y=None, sample_weight=None):
        """Fit the block statistics (``sample_weight`` weighs the rows in
        them); ``y`` is not used.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows. Feature blocks (dense or sparse) get the
            statistics of ``block_norm``; sequence and image blocks are
            passed through.
        y : Ignored
            Not used (the blocks are fused without the target), present for
            API consistency.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each row (a number: the same for every row;
            non-negative) in the block statistics: the weighted column mean
            and root-mean-square centred row norm under ``"frobenius"``, the
            weighted mean and variance of ``StandardScaler`` under
            ``"standard"``. ``"l2"`` and ``"none"`` fit no statistic. None
            weighs every row equally.

        Returns
        -------
        self : object
            Fitted fusion method.
        """
        self._validate_params()
        n = len(blocks)
        kinds = self._kinds(n)
        self.weights_ = (
            [1.0] * n
            if self.weights is None
            else check_weights(self.weights, self._names(n)).tolist()
        )
        if sample_weight is not None and n:
            sample_weight = checked_sample_weight(
                sample_weight, blocks[0].shape[0], None, ""
            )
        self.scales_ = []
        self.scalers_ = []
        for block, kind in zip(blocks, kinds):
            scale, scaler = 1.0, None
            if kind == "features" and self.block_norm == "frobenius":
                scale = _rms_centred_norm(block, sample_weight)
            elif kind == "features" and self.block_norm == "standard":
                scaler = StandardScaler(with_mean=not sparse.issparse(block))
                scaler.fit(block, sample_weight=sample_weight)
                scale = np.sqrt(max(block.shape[1], 1))
            self.scales_.append(float(scale))
            self.scalers_.append(scaler)
        return self

    def _normalise(self, block, i, kind, out=None):
        """Block ``i`` normalised and weighted; written into ``out`` (a
        dense slice of the result) when given, so no temporary is made."""
        factor = 1.0
        if kind == "features":  # token ids and pixels pass unchanged
            if self.block_norm == "l2":
                block = normalize(block, norm="l2")
            elif self.scalers_[i] is not None:
                block = self.scalers_[i].transform(block)
            factor = self.weights_[i] / self.scales_[i]
        if out is None:
            return block * factor if factor != 1.0 else block
        if factor != 1.0:
            np.multiply(block, factor, out=out)
        else:
            out[...] = block
        return out

    def transform(self, blocks):
        """Normalise and weigh each block, and place them side by side.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in the order and with the widths
            seen in ``fit``.

        Returns
        -------
        fused : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            The blocks side by side (``n_features_out`` is the sum of their
            widths): a CSR matrix when any block is sparse, else a float
            ndarray.
        """
        check_is_fitted(self, "scales_")
        kinds = self._kinds(len(blocks))
        if any(sparse.issparse(b) for b in blocks):
            parts = [
                sparse.csr_matrix(self._normalise(b, i, k))
                for i, (b, k) in enumerate(zip(blocks, kinds))
            ]
            return sparse.hstack(parts).tocsr()
        # dense: each block is normalised straight into its slice of the output
        widths = [b.shape[1] for b in blocks]
        out = np.empty((blocks[0].shape[0], sum(widths)), dtype=float)
        stops = np.cumsum(widths)
        for i, (b, k, stop, w) in enumerate(zip(blocks, kinds, stops, widths)):
            self._normalise(np.asarray(b), i, k, out=out[:, stop - w : stop])
        return out

    def fit_transform(self, blocks, y=None, sample_weight=None):
        """Fit the block statistics, then fuse the same blocks.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each row in the block statistics (see :meth:`fit`).

        Returns
        -------
        fused : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            The blocks side by side (see :meth:`transform`).
        """
        return self.fit(blocks, y, sample_weight).transform(blocks)

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: those of the blocks, in block order.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the (modality-prefixed) names of
            its columns.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            The blocks' names, concatenated.
        """
        return np.concatenate([np.asarray(f, dtype=object) for f in input_features])


def _rms_centred_norm(block, sample_weight=None):
    """sqrt(mean over rows of ||row - column mean||^2), without densifying;
    with ``sample_weight``, the weighted mean and column mean. The squares
    are those of the centred values (two passes, not E[x^2] - mean^2, which
    cancels for a block with a large offset). Values so large that their
    squares (or sums) overflow float64 are divided by the largest first,
    and the norm multiplied back."""
    with np.errstate(over="ignore", invalid="ignore"):
        scale = _rms_centred(block, sample_weight)
    if np.isfinite(scale):
        return scale if scale > 1e-12 else 1.0
    values = block.data if sparse.issparse(block) else np.asarray(block)
    top = float(np.max(np.abs(values))) if values.size else 0.0
    if not (np.isfinite(top) and top > 0):
        return 1.0  # non-finite values: the composite's checks name them
    return _rms_centred(block * (1.0 / top), sample_weight) * top


def _rms_centred(block, sample_weight=None):
    """The norm of :func:`_rms_centred_norm`, computed directly (inf or NaN
    when it overflows); 0 for a constant block."""
    n = block.shape[0]
    if sample_weight is not None:
        total = float(np.sum(sample_weight))
        w = np.asarray(sample_weight, dtype=float) / (total if total > 0 else 1.0)
    if sparse.issparse(block):
        block = sparse.csr_matrix(block, dtype=float)
        if not block.has_canonical_format:  # one stored value per cell
            block = block.copy()
            block.sum_duplicates()
        cols, width = block.indices, block.shape[1]
        if sample_weight is None:
            mean = np.asarray(block.mean(axis=0)).ravel()
            weight = 1.0 / n  # every row's: no array the size of the block
        else:
            mean = np.asarray(block.T @ w).ravel()
            weight = np.repeat(w, np.diff(block.indptr))  # each stored value's
        # the weighted squared deviations, in place: one temporary the size
        # of the stored values
        dev = mean[cols]
        np.subtract(block.data, dev, out=dev)
        np.square(dev, out=dev)
        dev *= weight
        # float even with no stored value (bincount of nothing gives ints)
        sq = np.bincount(cols, weights=dev, minlength=width) * 1.0
        del dev
        # the cells not stored are 0, each off the column mean by -mean: their
        # share of the weight, exactly 0 for a column stored in every row
        if sample_weight is None:
            unstored = (n - np.bincount(cols, minlength=width)) / n
        else:
            stored = np.bincount(cols[weight > 0], minlength=width)
            share = np.bincount(cols, weights=weight, minlength=width)
            full = stored == np.count_nonzero(w > 0)
            unstored = np.where(full, 0.0, np.maximum(1.0 - share, 0.0))
        sq += mean**2 * unstored
    else:
        block = np.asarray(block, dtype=float)
        mean = block.mean(axis=0) if sample_weight is None else w @ block
        dev = (block - mean) ** 2
        sq = dev.mean(axis=0) if sample_weight is None else w @ dev
    return np.sqrt(float(np.sum(sq)))


# --------------------------------------------------------------------------
# class-score methods
# --------------------------------------------------------------------------
def _scaled(block, scale):
    """``block / scale``, keeping a sparse block sparse."""
    if sparse.issparse(block):
        return sparse.csr_matrix(block, dtype=float) * (1.0 / scale)
    return np.asarray(block, dtype=float) / scale


class _ClassScoreFusion(_BlockInfoMixin, FusionMethod):
    """Base of the methods that fuse per-modality class scores.

    Each feature block :math:`B_i` is divided by its root-mean-square centred
    row norm (as ``concat``'s ``"frobenius"`` norm, so one classifier setting
    suits every block) and gets its own classifier (the *expert*, by default
    ``LogisticRegression(C=10)``); its class probabilities
    :math:`P_i(c \\mid x)` are the block's projection into a space that
    keeps the class information. ``fit_transform`` returns the combination
    of **out-of-fold** probabilities (each training row scored by an expert
    that did not see it, from an internal stratified ``cv``), so the
    classifier after the fusion learns from honest scores, as in stacking;
    ``transform`` uses the experts fitted on all training rows. With
    ``groups`` given to ``fit``, the internal folds keep each group in one
    fold (``cv`` an int: shuffled ``StratifiedGroupKFold``), so that no
    expert scores a row whose group it was trained on; an int ``cv`` with
    fewer than 2 groups (an outer fold holding one group) falls back, with a
    warning, to the folds used without groups.
    """

    accepts_sparse = True
    _abstract_interface = True
    #: what ``estimator=None`` stands for (named when a nested
    #: ``estimator__<param>`` is set on it; see FusionMethod.set_params)
    _none_means = {"estimator": "LogisticRegression(C=10)"}
    _parameter_constraints = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "predict"]),
            None,
        ],
        "cv": ["cv_object"],
        "weights": [StrOptions({"auto"}), list, tuple, np.ndarray, dict, None],
        "random_state": ["random_state"],
    }

    #: Target types this method fits (``type_of_target`` values): class
    #: labels only; ``stack`` and ``late`` also take multi-label and
    #: continuous targets.
    target_types = CLASS_TARGETS

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # the experts learn from y
        return tags

    # -- experts ----------------------------------------------------------
    def _target_kind(self, y):
        """``"classes"``, ``"multilabel"`` or ``"continuous"``: the kind of
        expert; the target type is the one :class:`ModalityFusion` set, or
        ``type_of_target(y)``; class labels of mixed types (ints and strs)
        are refused, naming the first row out of type."""
        if getattr(self, "target_type_", None) != "continuous":
            check_label_types(y)
        target_type = getattr(self, "target_type_", None) or type_of_target(
            y, input_name="y"
        )
        if target_type == "unknown":
            check_classification_targets(y)  # scikit-learn's message
        if target_type not in self.target_types:
            raise ValueError(_target_error(self._method_name, target_type))
        if target_type == "continuous":
            return "continuous"
        return "multilabel" if target_type == MULTILABEL else "classes"

    def _fit_experts(self, blocks, y, sample_weight=None, groups=None):
        """Fit one expert per feature block; return the out-of-fold scores,
        each of shape (n_samples, n_outputs): class probabilities, per-label
        probabilities (multi-label) or one predicted value (continuous).
        ``sample_weight`` goes to every expert's fit and to the weights'
        loss; ``groups`` to the internal folds."""
        self._validate_params()
        if y is None:
            raise ValueError(
                f"fusion method {self._method_name!r} needs the target y at fit "
                "(it requires y to be passed, but the target y is None): it "
                "projects each modality into out-of-fold class scores. Use "
                "method='concat' to fuse without a target."
            )
        self.target_kind_ = kind = self._target_kind(y)
        # the labels' names (a DataFrame's columns), for warnings
        columns = getattr(y, "columns", None) if kind == "multilabel" else None
        self._label_names = None if columns is None else list(columns)
        self._folds_warned = False  # the internal folds' warning: once a fit
        if kind == "multilabel":
            y = _indicator_matrix(y)
            self.classes_ = np.arange(y.shape[1])
        elif kind == "continuous":
            y = column_or_1d(y, warn=True).astype(float)
            if not np.isfinite(y).all():
                row = int(np.flatnonzero(~np.isfinite(y))[0])
                raise ValueError(
                    f"fusion method {self._method_name!r}: the target is not a "
                    f"finite number at row {row}"
                )
            # the experts learn the target in standard units, so their
            # predictions (the fused columns) are unit-free as probabilities
            # are: the estimator after the fusion (RidgeCV's fixed grid of
            # penalties) then sees the same columns whatever the unit
            spread = float(np.std(y))
            self.target_center_ = float(np.mean(y))
            self.target_scale_ = spread if np.isfinite(spread) and spread > 0 else 1.0
            y = (y - self.target_center_) / self.target_scale_
        else:
            y = column_or_1d(y, warn=True)
            check_classification_targets(y)
            self.classes_ = np.unique(y)
            check_two_classes(self.classes_, f"fusion method {self._method_name!r}")
        if kind != "continuous" and self.estimator is not None:
            if not hasattr(self.estimator, "predict_proba"):
                raise TypeError(
                    f"fusion method {self._method_name!r}: estimator="
                    f"{type(self.estimator).__name__}(...) has no predict_proba; "
                    "the class scores of each modality are its probabilities: "
                    "use a classifier with predict_proba (e.g. LogisticRegression, "
                    "or CalibratedClassifierCV around this one)"
                )
        self._y = y  # the checked target, for the joint expert and the weights
        self._sw = self._check_sample_weight(sample_weight, len(y))
        what = f"fusion method {self._method_name!r}"
        self._groups = check_groups(groups, len(y), what)
        self._cv = cv = self._check_cv(y)  # the joint expert's folds too
        kinds = self._kinds(len(blocks))
        self.scales_, self.estimators_, oof = [], [], []
        for block, kind in zip(blocks, kinds):
            if kind != "features":  # token ids, pixels: no expert
                self.scales_.append(1.0)
                self.estimators_.append(None)
                oof.append(None)
                continue
            scale = _rms_centred_norm(block, self._sw)
            xb = _scaled(block, scale)
            est, scores = self._oof_fit(xb, y, cv)
            oof.append(scores)
            self.scales_.append(scale)
            self.estimators_.append(est)
        return oof

    def _check_sample_weight(self, sample_weight, n):
        """``sample_weight`` checked (finite, non-negative, ``n`` values), or
        None; refused where an expert cannot take it."""
        if sample_weight is None:
            return None
        name = self._method_name
        if self.target_kind_ == "multilabel":
            raise ValueError(
                f"fusion method {name!r}: sample_weight is not supported for a "
                "multi-label target"
            )
        owner = f"the estimator of fusion method {name!r}"
        return checked_sample_weight(sample_weight, n, self.estimator, owner)

    def _weighted(self, expert, rows=None):
        """The ``fit`` keyword giving the sample weights of ``rows`` to
        ``expert`` (a Pipeline: to its final step)."""
        sw = getattr(self, "_sw", None)
        if sw is None:
            return {}
        return weight_params(expert, sw if rows is None else sw[rows])

    def _fit_expert(self, expert, X, y, rows=None):
        """``expert`` fitted on ``rows`` (None: all) of ``X``, with their
        sample weights (see :meth:`_weighted`), whatever the caller's
        metadata routing: requests set inside the expert are not consulted."""
        if rows is not None:
            X, y = _take(X, rows), y[rows]
        # the default classifiers' L-BFGS-B alternates NumPy's and SciPy's
        # BLAS; RidgeCV (continuous targets) runs in one library, faster on
        # its threads
        default_lr = self.estimator is None and self._kind != "continuous"
        threads = one_blas_thread() if default_lr else nullcontext()
        with unrouted(), threads, warnings.catch_warnings():
            # a label constant in these rows: named by _warn_fold_targets
            warnings.filterwarnings(
                "ignore", "Label .* is present in all training examples", UserWarning
            )
            return expert.fit(X, y, **self._weighted(expert, rows))

    @property
    def _kind(self):
        # a model fitted before multi-label and continuous targets: classes
        return getattr(self, "target_kind_", "classes")

    def _n_outputs(self):
        return 1 if self._kind == "continuous" else len(self.classes_)

    def _oof_fit(self, X, y, cv):
        """The expert fitted on all rows, and the out-of-fold scores of its
        twins fitted on the internal folds.

        The default classifier's fit on all rows starts from the mean of the
        fold solutions (a warm start) and stops as soon as it is within the
        solver's tolerance (``tol=1e-3``), usually a few iterations in: an
        approximation of the optimum, which depends slightly on how the
        internal folds fell (its probabilities can move by a few hundredths
        with ``random_state``). A given ``estimator`` is fitted from
        scratch.
        """
        oof = np.zeros((_n_rows(X), self._n_outputs()))
        folds = []
        what = f"fusion method {self._method_name!r}"
        splits = list(cv.split(X, y if y.ndim == 1 else None, self._groups))
        _check_split_rows(splits, _n_rows(X), what)
        _check_test_folds(splits, _n_rows(X), what, "out-of-fold class scores")
        self._warn_fold_targets(splits, y, what)
        for fold, (train, test) in enumerate(splits):
            check_fold_weights(getattr(self, "_sw", None), train, what, fold)
            expert = self._new_expert()
            if self._kind == "classes" and len(np.unique(y[train])) < 2:
                # a class too rare to reach this fold's training rows, in a
                # two-class target: no classifier can fit one class, so the
                # fold scores its rows with the class it saw
                expert = DummyClassifier(strategy="prior")
            est = self._fit_expert(expert, X, y, train)
            oof[test] = self._proba(est, _take(X, test))
            folds.append(est)
        final = self._new_expert()
        if (
            self.estimator is None
            and self._kind == "classes"
            and all(hasattr(e, "coef_") for e in folds)
            and all(len(e.classes_) == len(self.classes_) for e in folds)
        ):
            # warm start: stops within tol of the optimum, near the fold mean
            final.set_params(warm_start=True)
            final.coef_ = np.mean([e.coef_ for e in folds], axis=0)
            final.intercept_ = np.mean([e.intercept_ for e in folds], axis=0)
            self._fit_expert(final, X, y).set_params(warm_start=False)
        else:
            self._fit_expert(final, X, y)
        if self._kind == "classes":
            # a row whose class its fold trained on no row of has no
            # out-of-fold score of that class (0, or the prior of a one-class
            # fold): scored 0, it would teach the classifier after the
            # fusion that the class goes with a low score of it (a class of
            # one row ranked last). The expert fitted on all rows, which saw
            # the class, scores it instead: in-sample, so optimistic, but
            # the right way round.
            rows = _unseen_class_rows(splits, y)
            if rows.size:
                oof[rows] = self._proba(final, _take(X, rows))
        return final, oof

    def _warn_fold_targets(self, splits, y, what):
        """Warn, once a fit, where the training rows of an internal fold:

        - miss a class of ``y``, whose rows in that fold are then scored
          by the expert fitted on all rows (a given ``cv``, or an int's folds
          kept to groups: an
          int's stratified folds without groups miss only a class that
          :meth:`_rare_classes_named` names, and one warning of that kind
          is enough);
        - all have, or all lack, a label of a multi-label ``y``, which that
          fold's expert then predicts as a constant (named here instead of
          by scikit-learn's "Label not 2 is present in all training
          examples", once per expert, which :meth:`_fit_expert` hides).
        """
        if getattr(self, "_folds_warned", False) or self._kind == "continuous":
            return
        if self._kind == "multilabel":
            message = self._constant_labels(splits, y, what)
        elif isinstance(self.cv, Integral) and self._groups is None:
            return
        else:
            message = self._missing_classes(splits, y, what)
        if message:
            self._folds_warned = True
            warn_at_caller(message)

    def _constant_labels(self, splits, y, what):
        """The warning naming the labels of the multi-label ``y`` that the
        training rows of an internal fold all have or all lack; None if
        there are none."""
        names = getattr(self, "_label_names", None)
        counts = y.sum(axis=0)
        parts = []
        for j in range(y.shape[1]):
            for fold, (train, _) in enumerate(splits):
                values = np.unique(y[train, j])
                if len(values) > 1:
                    continue
                label = f"label {j}" + ("" if names is None else f" ({names[j]!r})")
                lacks = "with" if values.size and values[0] == 0 else "without"
                parts.append(
                    f"{label}, in {int(counts[j])} of {len(y)} rows: internal "
                    f"fold {fold} trains on no row {lacks} it"
                )
                break
        if not parts:
            return None
        return (
            f"{what}: {'; '.join(parts)}. A label too rare or too common for "
            f"the {len(splits)} internal folds (cv={self.cv!r}) cannot be scored "
            "out-of-fold reliably (such a fold's expert predicts it as a "
            "constant); gather more rows with and without it, or drop it"
        )

    def _missing_classes(self, splits, y, what):
        """The warning naming the internal folds (of a given ``cv``) whose
        training rows miss a class; None if there are none."""
        parts = []
        for fold, (train, _) in enumerate(splits):
            missing = np.setdiff1d(self.classes_, y[train])
            if missing.size:
                listed = ", ".join(repr(plain_label(c)) for c in missing)
                many = "es" if missing.size > 1 else ""
                parts.append(
                    f"internal fold {fold} trains on no row of class{many} {listed}"
                )
        if not parts:
            return None
        if isinstance(self.cv, Integral):  # StratifiedGroupKFold already
            fix = (
                "groups that spread each class over more of them (a class whose "
                "rows share one group is never trained on where that group is "
                "held out)"
            )
        elif isinstance(self.cv, _GROUP_SPLITTERS):  # each group kept whole
            fix = (
                "fewer internal folds, or groups that spread each class over "
                "more of them (StratifiedGroupKFold(shuffle=True) spreads the "
                "classes as far as the groups allow)"
            )
        else:
            fix = (
                "a stratified, shuffled splitter (StratifiedKFold(n_splits="
                f"{len(splits)}, shuffle=True)), or an int cv"
            )
        return (
            f"{what}: {'; '.join(parts)} (cv={self.cv!r}): that fold's rows of "
            "such a class are scored by the expert fitted on all rows, which "
            "trained on them (an in-sample score, more confident than a new "
            "row's); use folds whose training rows hold every class: "
            f"{fix}"
        )

    def _new_expert(self):
        """A fresh expert: the ``estimator`` (multi-label: one per label), or
        ``LogisticRegression(C=10)`` (``RidgeCV`` for a continuous target)."""
        kind = self.target_kind_
        if self.estimator is not None:
            est = clone(self.estimator)
        elif kind == "continuous":
            return RidgeCV(alphas=np.logspace(-3, 3, 13))
        else:
            est = LogisticRegression(C=10.0, tol=1e-3, max_iter=1000)
        return OneVsRestClassifier(est) if kind == "multilabel" else est

    def _check_cv(self, y):
        groups = self._groups
        what = f"fusion method {self._method_name!r}"
        if self._kind != "classes":  # nothing to stratify on
            target = "multi-label" if self._kind == "multilabel" else self._kind
            check_stratifiable(self.cv, target, what)
        if isinstance(self.cv, _GROUP_SPLITTERS):
            check_group_splitter(self.cv, groups, what, "ModalityFusion")
        if isinstance(self.cv, Integral):
            # Shuffled: rows are often ordered (by class, by source), and
            # unshuffled inner folds would then be nearly grouped.
            seed = self._seed()
            labels = y if self._kind == "classes" else None
            # None: fewer than 2 groups, so the ungrouped folds below (warned)
            grouped = groups is not None and grouped_n_splits(
                self.cv, groups, what, labels
            )
            if grouped and self._kind != "classes":  # nothing to stratify on
                return GroupKFold(grouped, shuffle=True, random_state=seed)
            if grouped:
                cv = StratifiedGroupKFold(grouped, shuffle=True, random_state=seed)
                why = "reduced to what the groups allow" if grouped < self.cv else ""
                return self._rare_classes_named(cv, y, what, why)
            self._groups = None  # the folds below split without them
            if self._kind != "classes":  # nothing to stratify on
                n_splits = int(min(self.cv, max(_n_rows(y), 2)))
                return KFold(n_splits, shuffle=True, random_state=seed)
            counts = np.unique(y, return_counts=True)[1]
            if counts.max() < 2:  # scikit-learn's folds refuse to split
                raise ValueError(
                    f"{what}: every class has one row ({len(counts)} classes in "
                    f"{len(y)} rows): its internal folds cannot score any row "
                    "out-of-fold. Gather more rows per class, or fuse without "
                    "internal folds (method='concat')"
                )
            smallest = counts.min()
            n_splits = int(min(self.cv, max(smallest, 2)))
            cv = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
            why = "reduced to the rows of the rarest class, at least 2"
            why = why if n_splits < self.cv else ""
            return self._rare_classes_named(cv, y, what, why)
        return check_cv(self.cv, y, classifier=self._kind == "classes")

    def _rare_classes_named(self, cv, y, what, why):
        """``cv`` (the stratified splitter of an int ``cv``: ``why`` says how
        its folds were reduced, if they were); or, where a class has fewer
        rows than its folds, a warning naming it and the same folds, drawn
        without scikit-learn's warning, which names neither the class nor
        where the number of folds comes from."""
        classes, counts = np.unique(y, return_counts=True)
        rare = counts < cv.n_splits
        if not rare.any():
            return cv
        limit, n_rare = 5, int(rare.sum())
        listed = _in_words(
            [
                f"{plain_label(c)!r} ({n} row{'' if n == 1 else 's'})"
                for c, n in zip(classes[rare][:limit], counts[rare][:limit])
            ],
            f" and {n_rare - limit:,} more" if n_rare > limit else "",
        )
        many = rare.sum() > 1
        self._folds_warned = True  # the fit's one warning about its folds
        warn_at_caller(
            f"{what}: class{'es' if many else ''} {listed} "
            f"{'have' if many else 'has'} fewer rows than the {cv.n_splits} "
            f"internal folds (cv={self.cv}{', ' + why if why else ''}): such a "
            "class cannot be scored out-of-fold reliably (an internal fold "
            "trains on none of its rows); gather more rows of it, or merge it "
            "into another class or drop it"
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The least populated class", UserWarning)
            return check_cv(list(cv.split(np.zeros((len(y), 1)), y, self._groups)))

    def _seed(self):
        rs = self.random_state
        if rs is None or isinstance(rs, Integral):
            return rs
        return check_random_state(rs).randint(np.iinfo(np.int32).max)

    def _aligned(self, proba, classes):
        out = np.zeros((proba.shape[0], len(self.classes_)))
        out[:, np.searchsorted(self.classes_, classes)] = proba
        return out

    def _expert_scores(self, blocks):
        check_is_fitted(self, "estimators_")
        out = []
        for block, est, scale in zip(blocks, self.estimators_, self.scales_):
            out.append(None if est is None else self._proba(est, _scaled(block, scale)))
        return out

    def _proba(self, est, X):
        """An expert's scores: class probabilities aligned on ``classes_``,
        per-label probabilities, or the prediction as one column."""
        if self._kind == "continuous":
            return np.asarray(est.predict(X), dtype=float).reshape(-1, 1)
        if self._kind == "multilabel":
            return np.asarray(est.predict_proba(X), dtype=float)
        return self._aligned(est.predict_proba(X), est.classes_)

    # -- weights ----------------------------------------------------------
    def _fit_weights(self, P, y):
        names = self._names(len(P))
        feature = [i for i, p in enumerate(P) if p is not None]
        if isinstance(self.weights, str):  # "auto"
            stacked = np.stack([P[i] for i in feature])
            sw = getattr(self, "_sw", None)
            if self._kind == "continuous":
                w = _least_squares_weights(stacked[..., 0].T, self._y, sw)
            else:
                if self._kind == "multilabel":  # one binary row per label
                    stacked, y_idx = _binary_rows(stacked), self._y.ravel()
                else:
                    y_idx = np.searchsorted(self.classes_, self._y)
                w, self.cv_log_loss_ = learn_pool_weights(
                    stacked, None, y_idx.astype(int), self._pool_voting, sw
                )
            weights = np.ones(len(P))
            weights[feature] = w
        elif self.weights is None:
            weights = np.ones(len(P))
        else:
            weights = check_weights(self.weights, names)
        self.weights_ = weights.tolist()

    _pool_voting = "soft"

    # -- fit / transform --------------------------------------------------
    def fit(self, blocks, y=None, sample_weight=None, groups=None):
        """Fit one expert per feature block, and the weights.

        Runs :meth:`fit_transform` and keeps the fitted state.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows. Each feature block (dense or sparse) is divided
            by its root-mean-square centred row norm and gets its own
            expert; sequence and image blocks (for the methods that accept
            them) get none.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target the experts are fitted on: class labels (at least
            2 classes); for ``StackFusion`` and ``LateFusion`` also a
            multi-label indicator matrix or a continuous target. Required:
            None is a ValueError.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each row (a number: the same for every row;
            non-negative), passed to every expert's ``fit`` (to a Pipeline's
            final step), which must take it (a given ``estimator`` that does
            not is a ValueError); it also weighs each block's
            root-mean-square norm and the loss that ``weights="auto"``
            minimises. Not supported for a multi-label target. None weighs
            every row equally.
        groups : array-like of shape (n_samples,), default=None
            Group of each row, for the internal folds: an int ``cv`` then
            becomes a shuffled ``StratifiedGroupKFold`` (``GroupKFold`` for
            a multi-label or continuous target) keeping each group in one
            fold, so that no expert scores a row whose group it was trained
            on (with fewer than 2 groups it falls back, with a warning, to
            the folds without groups); a group splitter given as ``cv``
            needs them; other splitters get them in ``split``.

        Returns
        -------
        self : object
            Fitted fusion method.
        """
        self.fit_transform(blocks, y, sample_weight, groups)
        return self

    @each_warning_once  # an expert per block and fold
    def fit_transform(self, blocks, y=None, sample_weight=None, groups=None):
        """Fit the experts (with ``sample_weight``, if given; internal folds
        that keep each of ``groups`` whole, if given); return the fusion of
        their out-of-fold scores.

        Each training row is scored by the experts of the internal folds
        that did not train on it, so the output differs from
        ``fit(blocks, y).transform(blocks)``, which uses the experts fitted
        on all rows.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows (see :meth:`fit`).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target the experts are fitted on (see :meth:`fit`); required.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each row, for the experts, the block norms and the
            weights' loss (see :meth:`fit`).
        groups : array-like of shape (n_samples,), default=None
            Group of each row, kept whole by the internal folds (see
            :meth:`fit`).

        Returns
        -------
        fused : ndarray of shape (n_samples, n_features_out)
            The fusion (see the method's formula) of the out-of-fold scores;
            its columns are named by ``get_feature_names_out``.
        """
        P = self._fit_experts(blocks, y, sample_weight, groups)
        self._fit_weights(P, y)
        del self._y, self._sw, self._groups, self._cv
        del self._label_names, self._folds_warned
        return self._combine(P, blocks)

    def transform(self, blocks):
        """Fuse the scores of the experts fitted on all training rows.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in the order and with the widths
            seen in ``fit``; each feature block is divided by its fitted
            norm (``scales_``) and scored by its expert.

        Returns
        -------
        fused : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            The fusion (see the method's formula) of the experts' scores;
            for a ``StackFusion`` that chose an expert alone as the
            classifier (``features_of_``), that expert's input features
            (sparse where its block is).
        """
        return self._combine(self._expert_scores(blocks), blocks)

    def _class_labels(self):
        return [str(c) for c in self.classes_]

    def _output_suffixes(self):
        """``proba_<class>`` for each output column, ``pred`` for a
        continuous target."""
        if self._kind == "continuous":
            return ["pred"]
        return [f"proba_{c}" for c in self._class_labels()]


class ProductFusion(_ClassScoreFusion):
    r"""Product rule: the modalities' class probabilities multiplied.

    .. math::

        F_c(x) = \log \frac{\prod_i P_i(c \mid x)^{\bar w_i}}
                      {\sum_{c'} \prod_i P_i(c' \mid x)^{\bar w_i}},
        \qquad \bar w_i = \frac{w_i}{\sum_j w_j}

    one column per class (the log of the normalised product, so a linear
    classifier after it reads it directly). :math:`P_i` are the class
    probabilities of a classifier fitted on modality :math:`i` alone
    (out-of-fold on the training rows, see *Notes*). With equal weights
    this is the classic product rule of classifier combination (Kittler et
    al., 1998).

    Parameters
    ----------
    estimator : classifier or None, default=None
        The per-modality classifier (with ``predict_proba``), cloned per
        block; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation giving the out-of-fold probabilities; an
        int means shuffled StratifiedKFold (capped by the smallest class),
        or StratifiedGroupKFold when ``fit`` gets ``groups`` (a group
        splitter needs them).
    weights : "auto", list of float, dict or None, default=None
        Exponents :math:`w_i` (renormalised to sum to 1). None: 1 each;
        ``"auto"``: learned by minimising the log-loss of the product on the
        out-of-fold probabilities.
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    weights_ : list of float
        The weights used.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : str
        ``"classes"``: the kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Notes
    -----
    Every class-score method (``product``, ``sum``, ``mean``, ``tensor``,
    ``attention``, ``tokens``, ``stack``, ``late``) divides each block by
    its root-mean-square centred row norm before its classifier, and
    ``fit_transform`` returns the fusion of out-of-fold probabilities, so
    that the classifier after the fusion is trained on honest scores (as in
    stacking); ``transform`` uses classifiers fitted on all training rows.
    They need a classification target at fit.

    References
    ----------
    J. Kittler, M. Hatef, R. P. W. Duin, J. Matas. "On combining
    classifiers". IEEE TPAMI 20(3), 1998.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import ProductFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1, 2], 10)
    >>> blocks = [rng.rand(30, 6) + y[:, None], rng.rand(30, 4)]
    >>> ProductFusion(cv=3, random_state=0).fit_transform(blocks, y).shape
    (30, 3)
    """

    _method_name = "product"
    _pool_voting = "log"

    def __init__(self, *, estimator=None, cv=3, weights=None, random_state=None):
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.random_state = random_state

    def _combine(self, P, blocks):
        stacked = np.stack([p for p in P if p is not None])
        w = [wi for wi, p in zip(self.weights_, P) if p is not None]
        return np.log(np.clip(pool(stacked, None, w, "log"), EPS, 1.0))

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``product__<class>``, one per class.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; not
            used: the output names come from the classes.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per class, in the order of ``classes_``.
        """
        check_is_fitted(self, "estimators_")
        return np.array([f"product__{c}" for c in self._class_labels()], dtype=object)


class SumFusion(_ClassScoreFusion):
    r"""Sum rule: the modalities' class probabilities added.

    .. math::

        F_c(x) = \sum_i w_i\, P_i(c \mid x)

    one column per class; :math:`P_i` as in :class:`ProductFusion`. With
    equal weights this is the sum rule (soft voting) of classifier
    combination.

    Parameters
    ----------
    estimator : classifier or None, default=None
        The per-modality classifier; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : "auto", list of float, dict or None, default=None
        :math:`w_i`. None: 1 each; ``"auto"``: learned on the out-of-fold
        probabilities (log-loss of the normalised sum).
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    weights_ : list of float
        The weights used.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : str
        ``"classes"``: the kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import SumFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 5) + y[:, None], rng.rand(20, 3)]
    >>> SumFusion(cv=3).fit_transform(blocks, y).sum(axis=1).round(6)[:3]
    array([2., 2., 2.])
    """

    _method_name = "sum"

    def __init__(self, *, estimator=None, cv=3, weights=None, random_state=None):
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.random_state = random_state

    def _combine(self, P, blocks):
        return sum(w * p for w, p in zip(self.weights_, P) if p is not None)

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``sum__<class>``, one per class.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; not
            used: the output names come from the classes.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per class, in the order of ``classes_``.
        """
        check_is_fitted(self, "estimators_")
        return np.array([f"sum__{c}" for c in self._class_labels()], dtype=object)


class MeanFusion(SumFusion):
    r"""Weighted mean of the modalities' class probabilities.

    .. math::

        F_c(x) = \frac{\sum_i w_i\, P_i(c \mid x)}{\sum_i w_i}

    The sum rule normalised to a probability distribution; :math:`P_i` as in
    :class:`ProductFusion`. It differs from ``sum`` only by the factor
    :math:`1 / \sum_i w_i`, which the classifier after the fusion absorbs.

    Parameters
    ----------
    estimator : classifier or None, default=None
        The per-modality classifier; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : "auto", list of float, dict or None, default=None
        :math:`w_i` (not all 0).
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    weights_ : list of float
        The weights used.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : str
        ``"classes"``: the kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import MeanFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 5) + y[:, None], rng.rand(20, 3)]
    >>> MeanFusion(cv=3).fit_transform(blocks, y).sum(axis=1).round(6)[:3]
    array([1., 1., 1.])
    """

    _method_name = "mean"

    def _combine(self, P, blocks):
        present = [p for p in P if p is not None]
        w = normalize_weights([w for w, p in zip(self.weights_, P) if p is not None])
        return sum(wi * p for wi, p in zip(w, present))

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``mean__<class>``, one per class.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; not
            used: the output names come from the classes.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per class, in the order of ``classes_``.
        """
        check_is_fitted(self, "estimators_")
        return np.array([f"mean__{c}" for c in self._class_labels()], dtype=object)


class TensorFusion(_ClassScoreFusion):
    r"""Tensor Fusion: outer product of the class scores with a 1 appended.

    .. math::

        F(x) = \operatorname{vec}\left(
            \begin{bmatrix} w_1 P_1(x) \\ 1 \end{bmatrix} \otimes
            \begin{bmatrix} w_2 P_2(x) \\ 1 \end{bmatrix} \otimes \dots
            \otimes \begin{bmatrix} w_M P_M(x) \\ 1 \end{bmatrix}\right)

    where :math:`P_i(x)` is the vector of class probabilities of modality
    :math:`i` (as in :class:`ProductFusion`). The appended 1 keeps every
    unimodal term and every lower-order interaction alongside the full
    multiplicative one (Zadeh et al., 2017), so a linear classifier after it
    can weigh "image says A and text says B" pairs. The width is
    :math:`(C+1)^M` for :math:`C` classes.

    Parameters
    ----------
    estimator : classifier or None, default=None
        The per-modality classifier; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : "auto", list of float, dict or None, default=None
        Per-modality factors :math:`w_i`.
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    weights_ : list of float
        The weights used.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : str
        ``"classes"``: the kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    References
    ----------
    A. Zadeh, M. Chen, S. Poria, E. Cambria, L.-P. Morency. "Tensor Fusion
    Network for Multimodal Sentiment Analysis". EMNLP 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import TensorFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 5) + y[:, None], rng.rand(20, 3)]
    >>> TensorFusion(cv=3).fit_transform(blocks, y).shape
    (20, 9)
    """

    _method_name = "tensor"

    def __init__(self, *, estimator=None, cv=3, weights=None, random_state=None):
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.random_state = random_state

    def _combine(self, P, blocks):
        z = [w * p for w, p in zip(self.weights_, P) if p is not None]
        n = z[0].shape[0]
        ones = np.ones((n, 1))
        out = np.hstack([z[0], ones])
        for zi in z[1:]:
            zi = np.hstack([zi, ones])
            out = (out[:, :, None] * zi[:, None, :]).reshape(n, -1)
        return out

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: each product of one term per
        modality, ``tensor__<m1>_<a>x<m2>_<b>...``, where a term is a class
        or the appended constant ``one`` (``one_`` and so on while that is a
        class's name); classes are named by their position instead when
        two names would read alike.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; only
            their number is used (the modality names are those given to
            ``set_modalities``, else ``block<i>``).

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            ``(n_classes + 1) ** n_modalities`` names, in column order.
        """
        check_is_fitted(self, "estimators_")
        names = self._names(len(input_features))
        classes = self._class_labels()
        out = _tensor_names(names, classes, _constant_name(classes))
        if len(set(out)) < len(out):
            # labels holding "x<modality>_" can make two products read alike:
            # name each class by its position (digits hold no "x")
            out = _tensor_names(names, [str(k) for k in range(len(classes))], "one")
        return np.array([f"tensor__{s}" for s in out], dtype=object)


def _constant_name(classes):
    """The name of TensorFusion's appended constant 1: ``"one"``, with
    underscores appended while it is the name of a class."""
    taken, name = set(classes), "one"
    while name in taken:
        name += "_"
    return name


def _tensor_names(modalities, classes, constant):
    """``<m>_<class>`` and ``<m>_<constant>`` of each modality ``m``, their
    products joined by ``"x"`` (in the order of TensorFusion's columns)."""
    labels = [[f"{m}_{c}" for c in [*classes, constant]] for m in modalities]
    out = labels[0]
    for lab in labels[1:]:
        out = [f"{a}x{b}" for a in out for b in lab]
    return out


class AttentionFusion(_ClassScoreFusion):
    r"""Per-sample softmax attention over modalities, on their class scores.

    Each modality gets a score :math:`e(x, i) = \max_c P_i(c \mid x)`, the
    confidence of its classifier for that sample, and a weight

    .. math::

        a_i(x) = \frac{\exp(e(x, i) / \tau)}{\sum_{j=1}^{M} \exp(e(x, j) / \tau)}

    The output is :math:`[a_1(x) w_1 P_1(x), \dots, a_M(x) w_M P_M(x)]`
    (``output="concat"``) or :math:`\sum_i a_i(x) w_i P_i(x)`
    (``output="sum"``), optionally followed by the weights themselves
    (``include_weights=True``). A modality that is confident about a sample
    (and, in ``fit``, out-of-fold confidence is honest) speaks louder for
    it; a blank or imputed modality is rarely confident.

    :meth:`modality_weights` returns :math:`a(x)`, rows summing to 1.

    Parameters
    ----------
    temperature : float, default=0.1
        Softmax temperature :math:`\tau`; smaller is sharper.
    output : {"concat", "sum"}, default="concat"
        Attended class scores side by side, or their sum.
    include_weights : bool, default=False
        Append the :math:`M` attention weights as extra columns.
    estimator : classifier or None, default=None
        The per-modality classifier; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : "auto", list of float, dict or None, default=None
        Static per-modality factors :math:`w_i`.
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    weights_ : list of float
        The static weights used.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : str
        ``"classes"``: the kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import AttentionFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 5) + y[:, None], rng.rand(20, 3)]
    >>> att = AttentionFusion(cv=3).fit(blocks, y)
    >>> a = att.modality_weights(blocks)
    >>> a.shape, bool(np.allclose(a.sum(axis=1), 1))
    ((20, 2), True)
    """

    _method_name = "attention"
    _parameter_constraints = {
        **_ClassScoreFusion._parameter_constraints,
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "output": [StrOptions({"concat", "sum"})],
        "include_weights": ["boolean"],
    }

    def __init__(
        self,
        *,
        temperature=0.1,
        output="concat",
        include_weights=False,
        estimator=None,
        cv=3,
        weights=None,
        random_state=None,
    ):
        self.temperature = temperature
        self.output = output
        self.include_weights = include_weights
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.random_state = random_state

    def _attention(self, P):
        e = np.column_stack([p.max(axis=1) for p in P if p is not None])
        e = e / self.temperature
        a = np.exp(e - e.max(axis=1, keepdims=True))
        return a / a.sum(axis=1, keepdims=True)

    def modality_weights(self, blocks):
        """Per-sample attention weights, shape (n_samples, n_modalities).

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in the order and with the widths
            seen in ``fit``; each is scored by its fitted expert.

        Returns
        -------
        weights : ndarray of shape (n_samples, n_modalities)
            The softmax weight of each modality for each sample (from its
            expert's confidence and ``temperature``), rows summing to 1.
        """
        return self._attention(self._expert_scores(blocks))

    def _combine(self, P, blocks):
        a = self._attention(P)
        z = [w * p for w, p in zip(self.weights_, P) if p is not None]
        attended = [a[:, [i]] * zi for i, zi in enumerate(z)]
        out = (
            np.hstack(attended) if self.output == "concat" else np.sum(attended, axis=0)
        )
        if self.include_weights:
            out = np.hstack([out, a])
        return out

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``<modality>__att_<class>`` per
        modality and class (``output="concat"``) or ``attention__<class>``
        per class (``output="sum"``), then, with ``include_weights``,
        ``attention_weight__<modality>`` per modality.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; only
            their number is used (the modality names are those given to
            ``set_modalities``, else ``block<i>``).

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per fused column, in column order.
        """
        check_is_fitted(self, "estimators_")
        names = self._names(len(input_features))
        labels = self._class_labels()
        if self.output == "concat":
            out = [f"{m}__att_{c}" for m in names for c in labels]
        else:
            out = [f"attention__{c}" for c in labels]
        if self.include_weights:
            out += [f"attention_weight__{m}" for m in names]
        return np.array(out, dtype=object)


class TokenFusion(_ClassScoreFusion):
    r"""Class scores side by side at one width: one token per modality.

    .. math::

        F(x) = [\, w_1 P_1(x),\; \dots,\; w_M P_M(x) \,], \qquad
        P_i(x) \in \mathbb{R}^C

    Every feature block becomes exactly :math:`C` columns (its classifier's
    class probabilities, as in :class:`ProductFusion`) named
    ``<modality>__tok_<class>``; sequence blocks (integer ids) are passed
    through unchanged as ``<modality>__seq<j>``, image blocks (decoded
    images) as ``<modality>__px<j>``. This is an input layout of
    ``MultimodalAttentionClassifier``, which reads it with
    :func:`get_block_layout` and treats each block as a token.

    Parameters
    ----------
    estimator : classifier or None, default=None
        The per-modality classifier; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : "auto", list of float, dict or None, default=None
        Per-modality factors :math:`w_i` (feature blocks only).
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence or image block).
    weights_ : list of float
        The weights used.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : str
        ``"classes"``: the kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import TokenFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 6) + y[:, None], rng.rand(20, 2)]
    >>> TokenFusion(cv=3).fit_transform(blocks, y).shape
    (20, 4)
    """

    accepts_sequence = True
    accepts_image = True
    _method_name = "tokens"

    def __init__(self, *, estimator=None, cv=3, weights=None, random_state=None):
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.random_state = random_state

    def _combine(self, P, blocks):
        out = []
        for w, p, block in zip(self.weights_, P, blocks):
            if p is None:  # sequence or image block: unchanged
                out.append(
                    block.toarray() if sparse.issparse(block) else np.asarray(block)
                )
            else:
                out.append(w * p)
        return np.hstack([np.asarray(o, dtype=float) for o in out])

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``<modality>__tok_<class>`` for each
        class of a feature block, ``<modality>__seq<j>`` for each column of
        a sequence block, ``<modality>__px<j>`` for each of an image block.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; the
            number of blocks, and the width of each sequence or image block,
            are used (the modality names are those given to
            ``set_modalities``, else ``block<i>``).

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per fused column, in column order.
        """
        check_is_fitted(self, "estimators_")
        names = self._names(len(input_features))
        kinds = self._kinds(len(input_features))
        out = []
        for m, kind, feats in zip(names, kinds, input_features):
            if kind == "sequence":
                out.extend(f"{m}__seq{j}" for j in range(len(feats)))
            elif kind == "image":
                out.extend(f"{m}__px{j}" for j in range(len(feats)))
            else:
                out.extend(f"{m}__tok_{c}" for c in self._class_labels())
        return np.array(out, dtype=object)


class StackFusion(_ClassScoreFusion):
    r"""Stacking: out-of-fold class scores of every modality, and of all jointly.

    .. math::

        F(x) = [\, P_1(x),\; \dots,\; P_M(x),\; P_{joint}(x) \,]

    where :math:`P_i` are the class probabilities of a classifier on
    modality :math:`i` alone and :math:`P_{joint}` those of a classifier on
    the ``concat`` of all blocks (each divided by its root-mean-square
    centred row norm), all out-of-fold on the training rows. The classifier
    after the fusion is the stacking meta-learner: it learns from held-out
    scores how far to trust each modality, so an uninformative modality is
    down-weighted and complementary ones are combined. This is the default
    of :func:`~skmultimodal.make_multimodal_pipeline`. With ``select="cv"``
    (the default) the experts themselves are chosen first, on the internal
    folds: the scores of an expert that does not help are zeros, so the
    classifier after the fusion cannot fit their noise; and where one expert
    alone predicts better than any classifier fitted on the scores
    (``allow_features``), the output is that expert's input features.

    The output columns are named ``<modality>__proba_<class>`` (and
    ``joint__proba_<class>``), so the block layout has one block per
    expert, which ``MultimodalAttentionClassifier`` reads as tokens.

    Parameters
    ----------
    joint : bool, default=True
        Add the joint (early-fusion) classifier's scores.
    estimator : classifier or None, default=None
        The classifier of each expert; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : list of float, dict or None, default=None
        Per-modality factors applied to the blocks before the joint expert
        (as ``concat``'s weights) and to the modality's scores.
    select : {"cv"} or None, default="cv"
        Which experts' scores to keep, for a class target. ``"cv"``: every
        set of the experts (up to four of them; with more, all, each alone
        and all but one) is scored over the internal folds by a
        ``LogisticRegression(C=10)`` (the classifier the builder puts after
        the fusion) fitted on their out-of-fold scores, and the most
        accurate set is kept (on a tie, the larger):
        an expert whose scores only add noise, such as that of a modality
        without signal, is left out, where the classifier after the fusion
        would fit some of that noise. The scores of an expert left out are
        zero columns (the output keeps its columns and their names). None
        keeps every expert. Other targets keep every expert.
    allow_features : bool, default=True
        With ``select="cv"``, also weigh each expert alone *as the
        classifier*: scored by the accuracy of its out-of-fold predictions,
        it is chosen if it beats every set of scores, and the output is then
        its input features (the block over its norm; for the joint expert,
        the normalised, weighted blocks side by side), so the
        ``LogisticRegression(C=10)`` after the fusion is that expert. This
        holds where a classifier fitted on class scores does not generalise:
        with whole groups held out and many classes, most out-of-fold scores
        are wrong in their groups' own ways, and a classifier fitted on them
        learns those confusions (on 25 classes of icons with grouped folds,
        the scores' classifier fell 0.04 below text alone; see the fusion
        guide). False keeps the class scores.
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    joint_estimator_ : classifier or None
        The fitted joint classifier.
    selected_ : list of str
        The experts whose scores the output keeps: modality names, and
        ``"joint"``.
    selection_scores_ : dict or None
        With ``select="cv"``: each set of experts scored (``"image+joint"``)
        and its accuracy over the internal folds, and, with
        ``allow_features``, each expert alone as the classifier
        (``"image features"``); None where nothing was chosen
        (``select=None``, another target, fewer than two experts, or an
        internal fold of one class).
    features_of_ : str or None
        The expert whose input features the output is (``"text"``,
        ``"joint"``), chosen by ``allow_features``; None: the output is
        the class scores of ``selected_``.
    weights_ : list of float
        The per-modality factors used (1.0 each by default).
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : {"classes", "multilabel", "continuous"}
        The kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    See Also
    --------
    sklearn.ensemble.StackingClassifier : stacking of whole estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import StackFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 5) + y[:, None], rng.rand(20, 3)]
    >>> StackFusion(cv=3).fit_transform(blocks, y).shape
    (20, 6)
    """

    _method_name = "stack"
    target_types = ANY_TARGET
    _parameter_constraints = {
        **_ClassScoreFusion._parameter_constraints,
        "weights": [list, tuple, np.ndarray, dict, None],
        "joint": ["boolean"],
        "select": [StrOptions({"cv"}), None],
        "allow_features": ["boolean"],
    }

    def __init__(
        self,
        *,
        joint=True,
        estimator=None,
        cv=3,
        weights=None,
        select="cv",
        allow_features=True,
        random_state=None,
    ):
        self.joint = joint
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.select = select
        self.allow_features = allow_features
        self.random_state = random_state

    def _joint_block(self, blocks):
        parts = [
            _scaled(b, s) * w
            for b, s, w, est in zip(
                blocks, self.scales_, self.weights_, self.estimators_
            )
            if est is not None
        ]
        if any(sparse.issparse(p) for p in parts):
            return sparse.hstack([sparse.csr_matrix(p) for p in parts]).tocsr()
        return np.hstack(parts)

    @each_warning_once
    def fit_transform(self, blocks, y=None, sample_weight=None, groups=None):
        """Fit the experts, and the joint expert when ``joint``; return their
        out-of-fold scores side by side.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows (see :meth:`fit`); the joint expert sees the
            feature blocks, normalised and weighted, side by side.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target (class labels, a multi-label indicator matrix or a
            continuous target) the experts are fitted on; required.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each row, for every expert (the joint one too) and the
            block norms (see :meth:`fit`).
        groups : array-like of shape (n_samples,), default=None
            Group of each row, kept whole by the internal folds of every
            expert (see :meth:`fit`).

        Returns
        -------
        fused : ndarray of shape (n_samples, n_features_out)
            The out-of-fold scores of each feature block's expert (times its
            weight), then of the joint expert.
        """
        P = self._fit_experts(blocks, y, sample_weight, groups)
        self._fit_weights(P, y)
        self.joint_estimator_ = None
        y = self._y
        del self._y
        if self.joint:
            xj = self._joint_block(blocks)
            est, scores = self._oof_fit(xj, y, self._cv)
            P = [*P, scores]
            self.joint_estimator_ = est
        self._select_experts(P, y)
        del self._sw, self._groups, self._cv, self._label_names, self._folds_warned
        return self._combine(P, blocks)

    def __setstate__(self, state):
        # a model saved before ``select`` existed kept every expert; one
        # saved before ``allow_features`` output scores
        state.setdefault("select", None)
        state.setdefault("allow_features", False)
        super().__setstate__(state)

    def _expert_input(self, blocks, name):
        """What the expert ``name`` reads: its block divided by its norm, or,
        for ``"joint"``, the feature blocks normalised and weighted side by
        side."""
        if name == "joint":
            return self._joint_block(blocks)
        i = self._names(len(self.estimators_)).index(name)
        return _scaled(blocks[i], self.scales_[i])

    def _expert_names(self, P):
        names = self._names(len(self.estimators_))
        return [*names, "joint"][: len(P)]

    def _select_experts(self, P, y):
        """``selected_``: the experts whose scores the output keeps. With
        ``select="cv"`` and a class target, every set of experts (at most
        four; else all of them, each alone and each left out) is scored by a
        logistic regression fitted on their out-of-fold scores, over the
        internal folds; the most accurate set is kept (the larger
        one on a tie), so an expert whose scores only add noise (a modality
        without signal, a joint expert it spoils) is left out."""
        names = self._expert_names(P)
        experts = [i for i, p in enumerate(P) if p is not None]
        self.selected_ = [names[i] for i in experts]
        self.selection_scores_ = None
        self.features_of_ = None
        if self.select is None or self._kind != "classes" or len(experts) < 2:
            return
        splits = list(self._cv.split(P[experts[0]], y, self._groups))
        if any(len(np.unique(y[train])) < 2 for train, _ in splits):
            return  # a fold of one class: no classifier to score sets with
        if len(experts) <= 4:
            candidates = [
                subset
                for r in range(len(experts), 0, -1)
                for subset in itertools.combinations(experts, r)
            ]
        else:
            candidates = [tuple(experts)]
            candidates += [(i,) for i in experts]
            candidates += [tuple(j for j in experts if j != i) for i in experts]
        w = [*self.weights_, 1.0]
        sw = getattr(self, "_sw", None)
        scores = {}
        for subset in candidates:
            Z = np.hstack([w[i] * P[i] for i in subset])
            right = total = 0.0
            for train, test in splits:
                # the builder's classifier after the fusion, whatever the
                # experts' estimator (made for the raw blocks)
                meta = LogisticRegression(C=10.0, tol=1e-3, max_iter=1000)
                meta = self._fit_expert(meta, Z, y, train)
                hit = meta.predict(Z[test]) == y[test]
                weight = np.ones(len(test)) if sw is None else sw[test]
                right += float(np.dot(hit, weight))
                total += float(weight.sum())
            scores[subset] = right / total if total > 0 else 0.0
        best = max(candidates, key=lambda c: (round(scores[c], 10), len(c)))
        self.selected_ = [names[i] for i in best]
        self.selection_scores_ = {
            "+".join(names[i] for i in c): scores[c] for c in candidates
        }
        if self.allow_features:
            self._select_features(P, y, experts, names, splits, scores[best])

    def _select_features(self, P, y, experts, names, splits, stacked):
        """Each expert alone *as the classifier*: its accuracy over the
        internal folds is that of its out-of-fold predictions (a row whose
        class its fold's training rows lack counts as missed: the fold's
        expert cannot predict it). The most accurate one, if it beats the
        best set of scores (``stacked``), becomes ``features_of_``: the
        output is then its input features, so the classifier after the
        fusion (the builder's ``LogisticRegression(C=10)``, the experts'
        own classifier) is that expert. This is what holds where a
        classifier fitted on class scores does not generalise, as when
        whole groups are held out and most out-of-fold scores are wrong in
        the groups' own ways."""
        sw = getattr(self, "_sw", None)
        weight = np.ones(len(y)) if sw is None else np.asarray(sw, dtype=float)
        if weight.sum() <= 0:
            return
        unseen = _unseen_class_rows(splits, y)
        alone = {}
        for i in experts:
            hit = self.classes_[np.argmax(P[i], axis=1)] == y
            hit[unseen] = False
            alone[i] = float(np.dot(hit, weight) / weight.sum())
            self.selection_scores_[f"{names[i]} features"] = alone[i]
        # the first most accurate expert (the modalities before the joint)
        top = max(experts, key=lambda i: (round(alone[i], 10), -i))
        if round(alone[top], 10) > round(stacked, 10):
            self.selected_ = [names[top]]
            self.features_of_ = names[top]

    def _expert_scores(self, blocks):
        if getattr(self, "features_of_", None) is not None:
            return []  # the output is one expert's input: no scores to compute
        P = super()._expert_scores(blocks)
        if self.joint_estimator_ is not None:
            P.append(self._proba(self.joint_estimator_, self._joint_block(blocks)))
        return P

    def _combine(self, P, blocks):
        if getattr(self, "features_of_", None) is not None:
            return self._expert_input(blocks, self.features_of_)
        w = [*self.weights_, 1.0]
        # an expert left out by the selection: zero columns, so the output
        # keeps its columns and names (a model saved before it: all kept)
        kept = getattr(self, "selected_", None)
        if kept is not None:
            names = self._expert_names(P)
            w = [wi if n in kept else 0.0 for wi, n in zip(w, names)]
        return np.hstack([wi * p for wi, p in zip(w, P) if p is not None])

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``<modality>__proba_<class>`` per
        expert and class (``<modality>__pred`` for a continuous target), the
        joint expert's as ``joint__...``.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the (modality-prefixed) names
            of its columns: only their number is used (the modality names
            are those given to ``set_modalities``, else ``block<i>``),
            except where the output is an expert's input features
            (``features_of_``), named as the blocks name them.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per fused column, in column order.
        """
        check_is_fitted(self, "estimators_")
        names = self._names(len(input_features))
        chosen = getattr(self, "features_of_", None)
        if chosen is not None:
            keep = [
                i
                for i, est in enumerate(self.estimators_)
                if est is not None and chosen in ("joint", names[i])
            ]
            return np.concatenate(
                [np.asarray(input_features[i], dtype=object) for i in keep]
            )
        if self.joint_estimator_ is not None:
            names = [*names, "joint"]
        suffixes = self._output_suffixes()
        return np.array([f"{m}__{c}" for m in names for c in suffixes], dtype=object)


class LateFusion(_ClassScoreFusion):
    r"""Late fusion: per-modality probabilities pooled with learned weights.

    .. math::

        F_c(x) = \log \sum_i w_i\, P_i(c \mid x) \quad (\text{voting="soft"}),
        \qquad
        F_c(x) = \log \frac{\prod_i P_i(c \mid x)^{w_i}}{Z(x)}
        \quad (\text{voting="log"})

    with :math:`w_i \ge 0`, :math:`\sum_i w_i = 1` learned (``weights="auto"``)
    by minimising the log-loss of the pooled probabilities on the
    out-of-fold probabilities of the training rows, the rule of
    :class:`~skmultimodal.fusion.LateFusionClassifier`, here as a fusion
    method so that ``"late"`` is one more value of a ``method`` grid. The
    classifier after it recalibrates the pooled log-probabilities.

    Parameters
    ----------
    voting : {"soft", "log"}, default="soft"
        Arithmetic or geometric pooling.
    estimator : classifier or None, default=None
        The per-modality classifier; None means ``LogisticRegression(C=10)``.
    cv : int, cross-validation generator or iterable, default=3
        Internal cross-validation for the out-of-fold probabilities; an
        int means shuffled StratifiedKFold, or StratifiedGroupKFold when
        ``fit`` gets ``groups`` (a group splitter needs them).
    weights : "auto", list of float, dict or None, default="auto"
        :math:`w_i` (renormalised to sum to 1); None means equal weights.
    random_state : int, RandomState instance or None, default=None
        Seed of the internal fold shuffling.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    estimators_ : list
        The fitted per-modality classifiers (None for a sequence block).
    weights_ : list of float
        The weights used, summing to 1.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    scales_ : list of float
        Root-mean-square centred row norm dividing each block (1.0: no expert).
    target_kind_ : {"classes", "multilabel", "continuous"}
        The kind of target the experts were fitted on.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import LateFusion
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = [rng.rand(20, 5) + 2 * y[:, None], rng.rand(20, 3)]
    >>> late = LateFusion(cv=3, random_state=0).fit(blocks, y)
    >>> bool(late.weights_[0] > late.weights_[1])
    True
    """

    _method_name = "late"
    target_types = ANY_TARGET
    _parameter_constraints = {
        **_ClassScoreFusion._parameter_constraints,
        "voting": [StrOptions({"soft", "log"})],
    }

    def __init__(
        self, *, voting="soft", estimator=None, cv=3, weights="auto", random_state=None
    ):
        self.voting = voting
        self.estimator = estimator
        self.cv = cv
        self.weights = weights
        self.random_state = random_state

    @property
    def _pool_voting(self):
        return self.voting

    def _fit_weights(self, P, y):
        super()._fit_weights(P, y)
        total = sum(self.weights_)
        self.weights_ = [w / total for w in self.weights_]

    def _combine(self, P, blocks):
        stacked = np.stack([p for p in P if p is not None])
        w = [wi for wi, p in zip(self.weights_, P) if p is not None]
        if self._kind == "continuous":  # the weighted mean prediction
            return np.tensordot(np.asarray(w) / np.sum(w), stacked, axes=1)
        if self._kind == "multilabel":  # each label pooled as 2 classes
            n, k = stacked.shape[1:]
            p = pool(_binary_rows(stacked), None, w, self.voting)[:, 1]
            p = np.clip(p.reshape(n, k), EPS, 1.0 - EPS)
            return np.log(p) - np.log1p(-p)  # the pooled log-odds
        return np.log(np.clip(pool(stacked, None, w, self.voting), EPS, 1.0))

    def get_feature_names_out(self, input_features):
        """Names of the fused columns: ``late__<class>`` per class (per
        label position for a multi-label target), or ``late__pred`` for a
        continuous target.

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the names of its columns; not
            used: the output names come from the target.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per fused column, in column order.
        """
        check_is_fitted(self, "estimators_")
        if self._kind == "continuous":
            return np.array(["late__pred"], dtype=object)
        return np.array([f"late__{c}" for c in self._class_labels()], dtype=object)
