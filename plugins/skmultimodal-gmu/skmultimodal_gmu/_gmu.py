"""Gated Multimodal Unit fusion, fitted with NumPy and SciPy's L-BFGS."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import expit, log_softmax, softmax
from sklearn.base import _fit_context
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from skmultimodal.fusion import FusionMethod

__all__ = ["GatedMultimodalUnit", "gmu_forward"]


def gmu_forward(blocks, weights, biases, gate_weight, gate_bias):
    r"""The GMU forward pass on already preprocessed dense blocks.

    Parameters
    ----------
    blocks : list of ndarray of shape (n_samples, d_i)
        The M modality inputs :math:`x_i`.
    weights, biases : list of ndarray
        :math:`W_i` of shape (d_i, H) and :math:`b_i` of shape (H,).
    gate_weight, gate_bias : ndarray
        :math:`W_z` of shape (sum d_i, H) and :math:`b_z` of shape (H,) when
        M = 2 (one sigmoid gate per hidden unit); of shape (sum d_i, M * H)
        and (M * H,) when M > 2 (a softmax over the modalities per hidden
        unit, column block i holding the logits of modality i).

    Returns
    -------
    h : ndarray of shape (n_samples, H)
        The fused representation :math:`\sum_i z_i \odot h_i`.
    gates : ndarray of shape (n_samples, M, H)
        The gates :math:`z_i`, summing to 1 over the modalities.
    hidden : list of ndarray of shape (n_samples, H)
        :math:`h_i = \tanh(x_i W_i + b_i)`.
    """
    hidden = [np.tanh(x @ w + b) for x, w, b in zip(blocks, weights, biases)]
    n_mod = len(blocks)
    n, n_hidden = hidden[0].shape
    if n_mod == 1:
        gates = np.ones((n, 1, n_hidden))
    else:
        logits = np.hstack(blocks) @ gate_weight + gate_bias
        if n_mod == 2:
            z = expit(logits)
            gates = np.stack([z, 1.0 - z], axis=1)
        else:
            gates = softmax(logits.reshape(n, n_mod, n_hidden), axis=1)
    h = np.einsum("nmh,mnh->nh", gates, np.asarray(hidden))
    return h, gates, hidden


class GatedMultimodalUnit(FusionMethod):
    r"""Gated Multimodal Unit (GMU) fusion, after Arevalo et al. (2017).

    Each modality block :math:`x_i` gets its own non-linear projection, and a
    gate computed from *all* modalities decides, per sample and per hidden
    unit, how much each modality contributes:

    .. math::

        h_i &= \tanh(W_i x_i + b_i) \\
        z   &= \sigma(W_z [x_1, \dots, x_M] + b_z)
               \quad (\text{softmax over the } M \text{ modalities for } M > 2) \\
        h   &= \sum_i z_i \odot h_i \qquad (M = 2:\ h = z \odot h_1 + (1 - z) \odot h_2)

    The weights are learnt with the target: a softmax classification head on
    :math:`h` is trained jointly by minimising the L2-regularised
    cross-entropy with SciPy's L-BFGS (analytic gradients, NumPy only; no
    TensorFlow). ``transform`` returns :math:`h` (and optionally the gates),
    to be fed to any scikit-learn classifier.

    Before the unit, each block wider than ``max_input_dim`` is reduced
    (PCA, or TruncatedSVD for sparse blocks) and every block is standardised,
    which keeps fitting fast on HOG or TF-IDF blocks.

    Parameters
    ----------
    n_components : int, default=16
        Width :math:`H` of the hidden representation.
    max_input_dim : int, default=64
        Blocks wider than this are projected to this many columns first.
    alpha : float, default=1e-3
        L2 penalty on all weights (biases excluded), scaled like
        ``alpha / 2 * ||W||^2`` next to the mean cross-entropy.
    max_iter : int, default=200
        Maximum number of L-BFGS iterations.
    tol : float, default=1e-5
        L-BFGS tolerance on the projected gradient and loss change.
    output : {"hidden", "hidden_and_gates"}, default="hidden"
        What ``transform`` returns: :math:`h`, or :math:`h` followed by the
        gates of every modality (M * H more columns).
    random_state : int, RandomState instance or None, default=None
        Seed of the weight initialisation and of randomised projections.

    Attributes
    ----------
    n_components_ : int
        Hidden width used.
    n_modalities_ : int
        Number of blocks M.
    classes_ : ndarray
        Class labels of the training target.
    preprocessors_ : list of tuple
        Per block ``(projection or None, StandardScaler)``.
    weights_ : list of ndarray
        :math:`W_i` of each block.
    biases_ : list of ndarray
        :math:`b_i` of each block.
    gate_weight_ : ndarray or None
        :math:`W_z` (None for a single block).
    gate_bias_ : ndarray or None
        :math:`b_z` (None for a single block).
    head_weight_ : ndarray
        Weights of the softmax head used for training.
    head_bias_ : ndarray
        Bias of the softmax head used for training.
    loss_ : float
        Final training loss.
    n_iter_ : int
        L-BFGS iterations run.
    mean_gates_ : ndarray of shape (n_modalities,)
        Mean gate of each modality on the training data: how much the unit
        relies on each modality overall.
    modality_names_ : list of str
        Modality (branch) names in block order, set by ``set_modalities``.
    block_kinds_ : list of str or None
        Kind of each block (``"features"``, ``"sequence"``, ``"image"``).
    target_type_ : str
        The target's type (``type_of_target``), set by ``set_target_type``.

    See Also
    --------
    skmultimodal.fusion.ModalityFusion : Uses this as ``method="gmu"``.

    Notes
    -----
    The unit needs ``y`` at fit time (it is supervised, as in the paper), a
    classification target (binary or multiclass: its ``target_types``, so
    that :class:`~skmultimodal.fusion.ModalityFusion` refuses a multi-label
    or continuous target before fitting it), and dense or sparse numeric
    blocks.

    References
    ----------
    .. [1] J. Arevalo, T. Solorio, M. Montes-y-Gómez, F. A. González.
       "Gated Multimodal Units for Information Fusion". ICLR Workshop, 2017.
       arXiv:1702.01992.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal_gmu import GatedMultimodalUnit
    >>> rng = np.random.RandomState(0)
    >>> y = rng.randint(0, 2, 40)
    >>> blocks = [rng.rand(40, 5) + y[:, None], rng.rand(40, 3)]
    >>> gmu = GatedMultimodalUnit(n_components=4, random_state=0)
    >>> gmu.fit_transform(blocks, y).shape
    (40, 4)
    >>> gmu.mean_gates_.round(1).sum()
    np.float64(1.0)
    """

    accepts_sparse = True
    #: The unit trains a softmax head on class labels: ModalityFusion refuses
    #: any other target (multi-label, continuous) before fitting it.
    target_types = ("binary", "multiclass")

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "max_input_dim": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "output": [StrOptions({"hidden", "hidden_and_gates"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        n_components=16,
        max_input_dim=64,
        alpha=1e-3,
        max_iter=200,
        tol=1e-5,
        output="hidden",
        random_state=None,
    ):
        self.n_components = n_components
        self.max_input_dim = max_input_dim
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol
        self.output = output
        self.random_state = random_state

    # -- preprocessing -------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # the gates are learnt from y
        return tags

    def _check_blocks(self, blocks, *, fitted):
        if not isinstance(blocks, (list, tuple)) or len(blocks) == 0:
            raise ValueError(
                "GatedMultimodalUnit expects a non-empty list of 2-D blocks, "
                f"got {type(blocks).__name__}"
            )
        n = blocks[0].shape[0]
        for i, b in enumerate(blocks):
            if getattr(b, "ndim", None) != 2 or b.shape[0] != n:
                raise ValueError(
                    f"GatedMultimodalUnit: block {i} must be 2-D with {n} rows, "
                    f"got shape {getattr(b, 'shape', None)}"
                )
        if fitted and len(blocks) != self.n_modalities_:
            raise ValueError(
                f"GatedMultimodalUnit was fitted on {self.n_modalities_} blocks, "
                f"got {len(blocks)}"
            )

    def _preprocess(self, blocks):
        out = []
        for (proj, scaler), b in zip(self.preprocessors_, blocks):
            if proj is not None:
                b = proj.transform(b)
            elif sparse.issparse(b):
                b = b.toarray()
            out.append(scaler.transform(np.asarray(b, dtype=float)))
        return out

    def _fit_preprocessors(self, blocks, rng):
        self.preprocessors_ = []
        for b in blocks:
            n, d = b.shape
            proj = None
            k = min(self.max_input_dim, n - 1)
            if d > self.max_input_dim and k >= 1:
                seed = rng.randint(np.iinfo(np.int32).max)
                if sparse.issparse(b):
                    proj = TruncatedSVD(n_components=k, random_state=seed).fit(b)
                else:
                    proj = PCA(n_components=k, random_state=seed).fit(
                        np.asarray(b, dtype=float)
                    )
                z = proj.transform(b)
            else:
                z = b.toarray() if sparse.issparse(b) else np.asarray(b, dtype=float)
            self.preprocessors_.append((proj, StandardScaler().fit(z)))

    # -- parameters as one flat vector ---------------------------------------
    def _shapes(self, dims, n_classes):
        H, M = self.n_components_, len(dims)
        shapes = [(d, H) for d in dims] + [(H,)] * M
        if M > 1:
            g = H if M == 2 else M * H
            shapes += [(sum(dims), g), (g,)]
        shapes += [(H, n_classes), (n_classes,)]
        return shapes

    @staticmethod
    def _unpack(theta, shapes):
        out, pos = [], 0
        for s in shapes:
            size = int(np.prod(s))
            out.append(theta[pos : pos + size].reshape(s))
            pos += size
        return out

    def _split(self, params, M):
        weights, biases = params[:M], params[M : 2 * M]
        rest = params[2 * M :]
        if M > 1:
            gate_w, gate_b, head_w, head_b = rest
        else:
            gate_w = gate_b = None
            head_w, head_b = rest
        return weights, biases, gate_w, gate_b, head_w, head_b

    def _loss_grad(self, theta, xs, x_all, Y, shapes):
        """Mean cross-entropy + L2 penalty and its gradient w.r.t. theta."""
        M, n = len(xs), xs[0].shape[0]
        params = self._unpack(theta, shapes)
        weights, biases, gate_w, gate_b, head_w, head_b = self._split(params, M)
        h, gates, hidden = gmu_forward(xs, weights, biases, gate_w, gate_b)
        logits = h @ head_w + head_b
        logp = log_softmax(logits, axis=1)
        penalised = [*weights, head_w] + ([gate_w] if M > 1 else [])
        loss = -np.sum(Y * logp) / n
        loss += 0.5 * self.alpha * sum(np.sum(w * w) for w in penalised)

        d_logits = (np.exp(logp) - Y) / n
        g_head_w = h.T @ d_logits + self.alpha * head_w
        g_head_b = d_logits.sum(axis=0)
        d_h = d_logits @ head_w.T
        g_w, g_b = [], []
        for i in range(M):
            d_a = d_h * gates[:, i, :] * (1.0 - hidden[i] ** 2)
            g_w.append(xs[i].T @ d_a + self.alpha * weights[i])
            g_b.append(d_a.sum(axis=0))
        grads = [*g_w, *g_b]
        if M == 2:
            z = gates[:, 0, :]
            d_logit_z = d_h * (hidden[0] - hidden[1]) * z * (1.0 - z)
            grads += [x_all.T @ d_logit_z + self.alpha * gate_w, d_logit_z.sum(0)]
        elif M > 2:
            d_z = d_h[:, None, :] * np.asarray(hidden).transpose(1, 0, 2)
            d_logit = gates * (d_z - np.sum(gates * d_z, axis=1, keepdims=True))
            d_logit = d_logit.reshape(n, -1)
            grads += [x_all.T @ d_logit + self.alpha * gate_w, d_logit.sum(0)]
        grads += [g_head_w, g_head_b]
        return loss, np.concatenate([g.ravel() for g in grads])

    # -- estimator API -------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, blocks, y=None):
        """Learn the unit (and its training head) from the blocks and ``y``.

        Parameters
        ----------
        blocks : list of {ndarray, sparse matrix} of shape (n_samples, d_i)
            One block per modality.
        y : array-like of shape (n_samples,)
            Class labels (required).

        Returns
        -------
        self : GatedMultimodalUnit
        """
        self._check_blocks(blocks, fitted=False)
        if y is None:
            raise ValueError(
                "GatedMultimodalUnit is supervised (its gates are learnt from "
                "the target; it requires y to be passed, but the target y is "
                "None): fit it with y, e.g. pipeline.fit(X, y)"
            )
        y = np.asarray(y)
        if y.shape[0] != blocks[0].shape[0]:
            raise ValueError(
                f"GatedMultimodalUnit: y has {y.shape[0]} rows, the blocks "
                f"{blocks[0].shape[0]}"
            )
        target = type_of_target(y, input_name="y", raise_unknown=True)
        if target not in self.target_types:
            raise ValueError(
                "GatedMultimodalUnit needs a binary or multiclass target, got "
                f"a {target!r} target"
            )
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        y_idx = encoder.transform(y)
        rng = check_random_state(self.random_state)

        self.n_modalities_ = M = len(blocks)
        self.n_components_ = int(self.n_components)
        self._fit_preprocessors(blocks, rng)
        xs = self._preprocess(blocks)
        x_all = np.hstack(xs)
        n_classes = len(self.classes_)
        Y = np.eye(n_classes)[y_idx]

        shapes = self._shapes([x.shape[1] for x in xs], n_classes)
        init = []
        for s in shapes:
            if len(s) == 2:  # Glorot uniform
                limit = np.sqrt(6.0 / (s[0] + s[1]))
                init.append(rng.uniform(-limit, limit, size=s))
            else:
                init.append(np.zeros(s))
        theta0 = np.concatenate([p.ravel() for p in init])
        # The matrices are small (n x <= max_input_dim): multi-threaded BLAS
        # only adds overhead there, and thrashes on a busy machine.
        with threadpool_limits(limits=1, user_api="blas"):
            result = minimize(
                self._loss_grad,
                theta0,
                args=(xs, x_all, Y, shapes),
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": self.max_iter, "gtol": self.tol, "ftol": self.tol},
            )
        params = self._unpack(result.x, shapes)
        (
            self.weights_,
            self.biases_,
            self.gate_weight_,
            self.gate_bias_,
            self.head_weight_,
            self.head_bias_,
        ) = self._split(params, M)
        self.loss_ = float(result.fun)
        self.n_iter_ = int(result.nit)
        _, gates, _ = gmu_forward(
            xs, self.weights_, self.biases_, self.gate_weight_, self.gate_bias_
        )
        self.mean_gates_ = gates.mean(axis=(0, 2))
        return self

    def _forward(self, blocks):
        check_is_fitted(self, "weights_")
        self._check_blocks(blocks, fitted=True)
        xs = self._preprocess(blocks)
        return gmu_forward(
            xs, self.weights_, self.biases_, self.gate_weight_, self.gate_bias_
        )

    def transform(self, blocks):
        """The fused representation h (and the gates when asked).

        Parameters
        ----------
        blocks : list of {ndarray, sparse matrix} of shape (n_samples, d_i)

        Returns
        -------
        ndarray of shape (n_samples, H) or (n_samples, H * (1 + M))
        """
        h, gates, _ = self._forward(blocks)
        if self.output == "hidden":
            return h
        return np.hstack([h, gates.reshape(gates.shape[0], -1)])

    def modality_weights(self, blocks):
        """Per-sample weight of each modality: its gate averaged over units.

        Returns
        -------
        ndarray of shape (n_samples, n_modalities)
            Rows sum to 1.
        """
        _, gates, _ = self._forward(blocks)
        return gates.mean(axis=2)

    def predict_proba(self, blocks):
        """Class probabilities of the training head (mostly for diagnostics)."""
        h, _, _ = self._forward(blocks)
        return softmax(h @ self.head_weight_ + self.head_bias_, axis=1)

    def get_feature_names_out(self, input_features=None):
        """``gmu__h0 .. gmu__h{H-1}``, then ``gmu__gate_<modality>_<j>``."""
        check_is_fitted(self, "weights_")
        names = [f"gmu__h{j}" for j in range(self.n_components_)]
        if self.output == "hidden_and_gates":
            modalities = getattr(self, "modality_names_", None)
            if modalities is None or len(modalities) != self.n_modalities_:
                modalities = [f"block{i}" for i in range(self.n_modalities_)]
            names += [
                f"gmu__gate_{m}_{j}"
                for m in modalities
                for j in range(self.n_components_)
            ]
        return np.asarray(names, dtype=object)
