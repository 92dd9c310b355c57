"""The built-in fusion methods.

Each method combines a list of per-modality blocks ``B_1 .. B_M`` (2-D, one
row per sample) into one matrix. Methods other than ``concat`` first fit a
projection ``P_i`` of each block to a common width ``k`` (PCA for dense
blocks, TruncatedSVD for sparse ones, then standardisation), written
``p_i(x) = P_i(B_i(x))`` below.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.preprocessing import StandardScaler, normalize
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import FusionMethod

__all__ = [
    "AttentionFusion",
    "ConcatFusion",
    "MeanFusion",
    "ProductFusion",
    "SumFusion",
    "TensorFusion",
    "TokenFusion",
]


def _n_rows(block):
    return block.shape[0]


def _weights_list(weights, names, n_blocks, method):
    """Per-block weights as a float array (1 for every block when None)."""
    if weights is None:
        return np.ones(n_blocks)
    if isinstance(weights, dict):
        unknown = sorted(set(weights) - set(names))
        if unknown:
            raise ValueError(
                f"{method}: weights name unknown modalities {unknown}; "
                f"modalities: {list(names)}"
            )
        return np.array([float(weights.get(n, 1.0)) for n in names])
    w = np.asarray(weights, dtype=float).ravel()
    if w.shape[0] != n_blocks:
        raise ValueError(
            f"{method}: got {w.shape[0]} weights for {n_blocks} modalities "
            f"{list(names)}"
        )
    return w


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

    Sequence blocks (integer ids) are passed through unchanged and unweighted.

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
    _parameter_constraints = {
        "block_norm": [StrOptions({"frobenius", "l2", "standard", "none"})],
        "weights": [list, tuple, np.ndarray, dict, None],
    }

    def __init__(self, *, block_norm="frobenius", weights=None):
        self.block_norm = block_norm
        self.weights = weights

    def fit(self, blocks, y=None):
        self._validate_params()
        n = len(blocks)
        kinds = self._kinds(n)
        self.weights_ = _weights_list(
            self.weights, self._names(n), n, "concat"
        ).tolist()
        self.scales_ = []
        self.scalers_ = []
        for block, kind in zip(blocks, kinds):
            scale, scaler = 1.0, None
            if kind == "features" and self.block_norm == "frobenius":
                scale = _rms_centred_norm(block)
            elif kind == "features" and self.block_norm == "standard":
                scaler = StandardScaler(with_mean=not sparse.issparse(block))
                scaler.fit(block)
                scale = np.sqrt(max(block.shape[1], 1))
            self.scales_.append(float(scale))
            self.scalers_.append(scaler)
        return self

    def _normalise(self, block, i, kind, out=None):
        """Block ``i`` normalised and weighted; written into ``out`` (a
        dense slice of the result) when given, so no temporary is made."""
        factor = 1.0
        if kind != "sequence":
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

    def get_feature_names_out(self, input_features):
        return np.concatenate([np.asarray(f, dtype=object) for f in input_features])


def _rms_centred_norm(block):
    """sqrt(mean over rows of ||row - column mean||^2), without densifying."""
    n = block.shape[0]
    if sparse.issparse(block):
        block = sparse.csr_matrix(block, dtype=float)
        mean = np.asarray(block.mean(axis=0)).ravel()
        sq = np.asarray(block.multiply(block).sum(axis=0)).ravel() / n
    else:
        block = np.asarray(block, dtype=float)
        mean = block.mean(axis=0)
        sq = (block**2).mean(axis=0)
    total = float(np.sum(np.maximum(sq - mean**2, 0.0)))
    scale = np.sqrt(total)
    return scale if scale > 1e-12 else 1.0


# --------------------------------------------------------------------------
# projected methods
# --------------------------------------------------------------------------
class _ProjectedFusion(_BlockInfoMixin, FusionMethod):
    """Base of methods that project every block to a common width first."""

    accepts_sparse = True
    _abstract_interface = True
    _pad = False  # pad blocks narrower than the common width with zeros

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "weights": [list, tuple, np.ndarray, dict, None],
        "random_state": ["random_state"],
    }

    def _fit_projections(self, blocks):
        n_samples = _n_rows(blocks[0])
        widths = [b.shape[1] for b in blocks]
        if self._pad:
            k = min(self.n_components, max(1, n_samples))
        else:
            k = min([self.n_components, n_samples, *widths])
        self.n_components_ = int(max(k, 1))
        self.projections_ = []
        self.scalers_ = []
        for block in blocks:
            p = _fit_projection(block, self.n_components_, self.random_state)
            self.projections_.append(p)
            z = _apply_projection(p, block)
            self.scalers_.append(StandardScaler().fit(z))

    def _project(self, blocks):
        check_is_fitted(self, "projections_")
        out = []
        for i, block in enumerate(blocks):
            z = self.scalers_[i].transform(
                _apply_projection(self.projections_[i], block)
            )
            if z.shape[1] < self.n_components_:
                z = np.hstack(
                    [z, np.zeros((z.shape[0], self.n_components_ - z.shape[1]))]
                )
            out.append(z * self.weights_[i])
        return out

    def fit(self, blocks, y=None):
        self._validate_params()
        self._fit_projections(blocks)
        self.weights_ = _weights_list(
            self.weights, self._names(len(blocks)), len(blocks), self._method_name
        ).tolist()
        return self


def _fit_projection(block, k, random_state):
    """A fitted projection to at most k columns, or None for the identity."""
    width = block.shape[1]
    if width <= k:
        return None
    if sparse.issparse(block):
        return TruncatedSVD(n_components=k, random_state=random_state).fit(block)
    return PCA(n_components=k, random_state=random_state).fit(np.asarray(block))


def _apply_projection(projection, block):
    if projection is None:
        return block.toarray() if sparse.issparse(block) else np.asarray(block, float)
    return projection.transform(block)


class ProductFusion(_ProjectedFusion):
    r"""Element-wise product of the projected blocks.

    .. math::

        F(x) = w_1 p_1(x) \odot w_2 p_2(x) \odot \dots \odot w_M p_M(x)

    where :math:`p_i` projects block :math:`i` to :math:`k` columns (PCA, or
    TruncatedSVD for sparse blocks) and standardises them. With two
    modalities this is :math:`F_{image} \odot F_{text}`.

    Parameters
    ----------
    n_components : int, default=32
        Common width :math:`k` (capped by the narrowest block and the number
        of samples).
    weights : list of float or dict, default=None
        Per-modality factors :math:`w_i`.
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised projections.

    Attributes
    ----------
    n_components_ : int
        The width used.
    projections_ : list
        Fitted PCA/TruncatedSVD per block (None where the block is already
        narrow enough).

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import ProductFusion
    >>> rng = np.random.RandomState(0)
    >>> blocks = [rng.rand(20, 6), rng.rand(20, 4)]
    >>> ProductFusion(n_components=3, random_state=0).fit_transform(blocks).shape
    (20, 3)
    """

    _method_name = "product"

    def __init__(self, *, n_components=32, weights=None, random_state=None):
        self.n_components = n_components
        self.weights = weights
        self.random_state = random_state

    def transform(self, blocks):
        z = self._project(blocks)
        out = z[0].copy()
        for zi in z[1:]:
            out *= zi
        return out

    def get_feature_names_out(self, input_features):
        check_is_fitted(self, "projections_")
        return np.array(
            [f"product__{j}" for j in range(self.n_components_)], dtype=object
        )


class SumFusion(_ProjectedFusion):
    r"""Sum of the projected blocks.

    .. math::

        F(x) = \sum_{i=1}^{M} w_i\, p_i(x)

    Parameters
    ----------
    n_components : int, default=32
        Common width :math:`k`.
    weights : list of float or dict, default=None
        Per-modality weights :math:`w_i`.
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised projections.

    Attributes
    ----------
    n_components_ : int
        The width used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import SumFusion
    >>> rng = np.random.RandomState(0)
    >>> blocks = [rng.rand(10, 5), rng.rand(10, 3)]
    >>> SumFusion(n_components=2).fit_transform(blocks).shape
    (10, 2)
    """

    _method_name = "sum"

    def __init__(self, *, n_components=32, weights=None, random_state=None):
        self.n_components = n_components
        self.weights = weights
        self.random_state = random_state

    def transform(self, blocks):
        return np.sum(self._project(blocks), axis=0)

    def get_feature_names_out(self, input_features):
        check_is_fitted(self, "projections_")
        return np.array([f"sum__{j}" for j in range(self.n_components_)], dtype=object)


class MeanFusion(_ProjectedFusion):
    r"""Weighted mean of the projected blocks.

    .. math::

        F(x) = \frac{\sum_{i=1}^{M} w_i\, p_i(x)}{\sum_{i=1}^{M} w_i}

    Parameters
    ----------
    n_components : int, default=32
        Common width :math:`k`.
    weights : list of float or dict, default=None
        Per-modality weights :math:`w_i` (must not sum to zero).
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised projections.

    Attributes
    ----------
    n_components_ : int
        The width used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import MeanFusion
    >>> rng = np.random.RandomState(0)
    >>> blocks = [rng.rand(10, 5), rng.rand(10, 3)]
    >>> MeanFusion(n_components=2).fit_transform(blocks).shape
    (10, 2)
    """

    _method_name = "mean"

    def __init__(self, *, n_components=32, weights=None, random_state=None):
        self.n_components = n_components
        self.weights = weights
        self.random_state = random_state

    def fit(self, blocks, y=None):
        super().fit(blocks, y)
        if abs(sum(self.weights_)) < 1e-12:
            raise ValueError("mean fusion: the weights sum to zero")
        return self

    def transform(self, blocks):
        return np.sum(self._project(blocks), axis=0) / sum(self.weights_)

    def get_feature_names_out(self, input_features):
        check_is_fitted(self, "projections_")
        return np.array([f"mean__{j}" for j in range(self.n_components_)], dtype=object)


class TensorFusion(_ProjectedFusion):
    r"""Tensor Fusion: outer product of the projected blocks with a 1 appended.

    .. math::

        F(x) = \operatorname{vec}\left(
            \begin{bmatrix} w_1 p_1(x) \\ 1 \end{bmatrix} \otimes
            \begin{bmatrix} w_2 p_2(x) \\ 1 \end{bmatrix} \otimes \dots
            \otimes \begin{bmatrix} w_M p_M(x) \\ 1 \end{bmatrix}\right)

    The appended 1 keeps every unimodal term and every lower-order
    interaction alongside the full multiplicative one (Zadeh et al., 2017).
    The width is :math:`(k+1)^M`, so keep ``n_components`` small.

    Parameters
    ----------
    n_components : int, default=8
        Width :math:`k` of each projected block.
    weights : list of float or dict, default=None
        Per-modality factors :math:`w_i`.
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised projections.

    Attributes
    ----------
    n_components_ : int
        The width used per block.

    References
    ----------
    A. Zadeh, M. Chen, S. Poria, E. Cambria, L.-P. Morency. "Tensor Fusion
    Network for Multimodal Sentiment Analysis". EMNLP 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import TensorFusion
    >>> rng = np.random.RandomState(0)
    >>> blocks = [rng.rand(10, 5), rng.rand(10, 3)]
    >>> TensorFusion(n_components=2).fit_transform(blocks).shape
    (10, 9)
    """

    _method_name = "tensor"

    def __init__(self, *, n_components=8, weights=None, random_state=None):
        self.n_components = n_components
        self.weights = weights
        self.random_state = random_state

    def transform(self, blocks):
        z = self._project(blocks)
        n = z[0].shape[0]
        ones = np.ones((n, 1))
        out = np.hstack([z[0], ones])
        for zi in z[1:]:
            zi = np.hstack([zi, ones])
            out = (out[:, :, None] * zi[:, None, :]).reshape(n, -1)
        return out

    def get_feature_names_out(self, input_features):
        check_is_fitted(self, "projections_")
        names = self._names(len(input_features))
        # the appended constant 1 of modality m is called "<m>_one"
        labels = [
            [f"{m}{j}" for j in range(self.n_components_)] + [f"{m}_one"] for m in names
        ]
        out = labels[0]
        for lab in labels[1:]:
            out = [f"{a}x{b}" for a in out for b in lab]
        return np.array([f"tensor__{s}" for s in out], dtype=object)


class AttentionFusion(_ProjectedFusion):
    r"""Per-sample softmax attention over modalities, applied to the projected blocks.

    Each modality gets a score :math:`e(x, i)` and a weight

    .. math::

        a_i(x) = \frac{\exp(e(x, i) / \tau)}{\sum_{j=1}^{M} \exp(e(x, j) / \tau)}

    and the output is :math:`F(x) = \sum_i a_i(x)\, w_i p_i(x)`
    (``output="sum"``) or :math:`[a_1(x) w_1 p_1(x), \dots, a_M(x) w_M
    p_M(x)]` (``output="concat"``), optionally followed by the weights
    themselves (``include_weights=True``).

    The score compares the projected block with a fitted context:

    - with a target ``y`` at fit (``context="auto"`` or ``"prototypes"``):
      the context of modality :math:`i` is its class prototypes
      :math:`\mu_{i,c}` (class means of :math:`p_i` on the training data)
      and :math:`e(x, i) = \max_c \cos(p_i(x), \mu_{i,c})`: a modality whose
      features clearly point to one class gets more weight for that sample;
    - without ``y`` (``context="auto"`` or ``"energy"``):
      :math:`e(x, i) = \lVert p_i(x) \rVert / \sqrt{k}`, i.e. how far the
      sample is from the modality's average (an imputed or blank modality
      sits at the average and gets little weight).

    :meth:`modality_weights` returns :math:`a(x)`, rows summing to 1.

    Parameters
    ----------
    n_components : int, default=32
        Common width :math:`k`.
    context : {"auto", "prototypes", "energy"}, default="auto"
        How :math:`e(x, i)` is computed (see above).
    temperature : float, default=0.1
        Softmax temperature :math:`\tau`; smaller is sharper.
    output : {"concat", "sum"}, default="concat"
        Sum of the attended blocks, or the attended blocks side by side.
    include_weights : bool, default=False
        Append the :math:`M` attention weights as extra columns.
    weights : list of float or dict, default=None
        Static per-modality factors :math:`w_i`.
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised projections.

    Attributes
    ----------
    n_components_ : int
        The width used.
    context_ : {"prototypes", "energy"}
        The scoring actually used.
    prototypes_ : list of ndarray of shape (n_classes, k)
        Unit-norm class prototypes per modality (``context_ == "prototypes"``).

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import AttentionFusion
    >>> rng = np.random.RandomState(0)
    >>> blocks = [rng.rand(12, 5), rng.rand(12, 3)]
    >>> att = AttentionFusion(n_components=2).fit(blocks, y=np.arange(12) % 2)
    >>> a = att.modality_weights(blocks)
    >>> a.shape, bool(np.allclose(a.sum(axis=1), 1))
    ((12, 2), True)
    """

    _method_name = "attention"
    _parameter_constraints = {
        **_ProjectedFusion._parameter_constraints,
        "context": [StrOptions({"auto", "prototypes", "energy"})],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "output": [StrOptions({"concat", "sum"})],
        "include_weights": ["boolean"],
    }

    def __init__(
        self,
        *,
        n_components=32,
        context="auto",
        temperature=0.1,
        output="concat",
        include_weights=False,
        weights=None,
        random_state=None,
    ):
        self.n_components = n_components
        self.context = context
        self.temperature = temperature
        self.output = output
        self.include_weights = include_weights
        self.weights = weights
        self.random_state = random_state

    def fit(self, blocks, y=None):
        super().fit(blocks, y)
        use_y = y is not None and self.context in ("auto", "prototypes")
        if self.context == "prototypes" and y is None:
            raise ValueError(
                "attention fusion with context='prototypes' needs y at fit; "
                "use context='energy' for unsupervised fusion"
            )
        self.context_ = "prototypes" if use_y else "energy"
        if use_y:
            y = np.asarray(y)
            classes = np.unique(y)
            z = self._project(blocks)
            self.prototypes_ = [
                normalize(np.vstack([zi[y == c].mean(axis=0) for c in classes]))
                for zi in z
            ]
        return self

    def _scores(self, z):
        if self.context_ == "prototypes":
            return np.column_stack(
                [
                    (normalize(zi) @ proto.T).max(axis=1)
                    for zi, proto in zip(z, self.prototypes_)
                ]
            )
        k = np.sqrt(self.n_components_)
        return np.column_stack([np.linalg.norm(zi, axis=1) / k for zi in z])

    def _attend(self, blocks):
        z = self._project(blocks)
        e = self._scores(z) / self.temperature
        e = e - e.max(axis=1, keepdims=True)
        a = np.exp(e)
        a /= a.sum(axis=1, keepdims=True)
        return z, a

    def modality_weights(self, blocks):
        """Per-sample attention weights, shape (n_samples, n_modalities)."""
        return self._attend(blocks)[1]

    def transform(self, blocks):
        z, a = self._attend(blocks)
        attended = [a[:, [i]] * zi for i, zi in enumerate(z)]
        out = (
            np.hstack(attended) if self.output == "concat" else np.sum(attended, axis=0)
        )
        if self.include_weights:
            out = np.hstack([out, a])
        return out

    def get_feature_names_out(self, input_features):
        check_is_fitted(self, "projections_")
        names = self._names(len(input_features))
        k = self.n_components_
        if self.output == "concat":
            out = [f"{m}__att{j}" for m in names for j in range(k)]
        else:
            out = [f"attention__{j}" for j in range(k)]
        if self.include_weights:
            out += [f"attention_weight__{m}" for m in names]
        return np.array(out, dtype=object)


class TokenFusion(_ProjectedFusion):
    r"""Projected blocks side by side at one width: one token per modality.

    .. math::

        F(x) = [\, w_1 p_1(x),\; \dots,\; w_M p_M(x) \,], \qquad
        p_i(x) \in \mathbb{R}^k

    Every feature block becomes exactly :math:`k` columns (projected, or
    zero-padded when narrower) named ``<modality>__tok<j>``; sequence blocks
    (integer ids) are passed through unchanged as ``<modality>__seq<j>``.
    This is the input layout of ``MultimodalAttentionClassifier``, which reads
    it with :func:`get_block_layout`.

    Parameters
    ----------
    n_components : int, default=32
        Token width :math:`k` (capped by the number of samples).
    weights : list of float or dict, default=None
        Per-modality factors :math:`w_i` (feature blocks only).
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised projections.

    Attributes
    ----------
    n_components_ : int
        The token width used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion.methods import TokenFusion
    >>> rng = np.random.RandomState(0)
    >>> blocks = [rng.rand(10, 6), rng.rand(10, 2)]
    >>> TokenFusion(n_components=4).fit_transform(blocks).shape
    (10, 8)
    """

    accepts_sequence = True
    _pad = True
    _method_name = "tokens"

    def __init__(self, *, n_components=32, weights=None, random_state=None):
        self.n_components = n_components
        self.weights = weights
        self.random_state = random_state

    def fit(self, blocks, y=None):
        self._validate_params()
        kinds = self._kinds(len(blocks))
        feats = [b for b, k in zip(blocks, kinds) if k == "features"]
        if feats:
            self._fit_projections(feats)
        else:
            self.n_components_ = 0
            self.projections_, self.scalers_ = [], []
        self.weights_ = _weights_list(
            self.weights, self._names(len(blocks)), len(blocks), "tokens"
        ).tolist()
        return self

    def transform(self, blocks):
        check_is_fitted(self, "projections_")
        kinds = self._kinds(len(blocks))
        out, j = [], 0
        for i, (block, kind) in enumerate(zip(blocks, kinds)):
            if kind == "sequence":
                out.append(
                    block.toarray() if sparse.issparse(block) else np.asarray(block)
                )
                continue
            z = self.scalers_[j].transform(
                _apply_projection(self.projections_[j], block)
            )
            if z.shape[1] < self.n_components_:
                z = np.hstack(
                    [z, np.zeros((z.shape[0], self.n_components_ - z.shape[1]))]
                )
            out.append(z * self.weights_[i])
            j += 1
        return np.hstack([np.asarray(o, dtype=float) for o in out])

    def get_feature_names_out(self, input_features):
        check_is_fitted(self, "projections_")
        names = self._names(len(input_features))
        kinds = self._kinds(len(input_features))
        out = []
        for m, kind, feats in zip(names, kinds, input_features):
            if kind == "sequence":
                out.extend(f"{m}__seq{j}" for j in range(len(feats)))
            else:
                out.extend(f"{m}__tok{j}" for j in range(self.n_components_))
        return np.array(out, dtype=object)
