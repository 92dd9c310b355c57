"""The interface every fusion method (built-in or plugin) implements."""

from __future__ import annotations

from sklearn.base import BaseEstimator


class FusionMethod(BaseEstimator):
    """Base class of fusion methods used by :class:`ModalityFusion`.

    A fusion method combines a list of per-modality blocks, each a 2-D array
    (or scipy sparse matrix when :attr:`accepts_sparse` is True) with the same
    number of rows, into one 2-D matrix. It is an ordinary scikit-learn
    estimator: ``__init__`` only stores keyword parameters (so ``get_params``,
    ``set_params``, ``clone`` and GridSearchCV work), fitted state ends in
    ``_``.

    Subclasses implement:

    ``fit(blocks, y=None)``
        Learn any state (projections, statistics, supervised gates) from the
        training blocks; ``y`` is the target when the pipeline has one
        (``ModalityFusion`` passes it in row order: a NumPy array, or the
        user's Series or DataFrame with a fresh ``0..n-1`` index, so that
        indexing it by position is safe).
        Return ``self``. A method that can weigh the samples also takes
        ``sample_weight=None`` in ``fit`` and ``fit_transform``:
        ``ModalityFusion.fit(X, y, sample_weight=w)`` passes it on, and
        refuses the weights for a method that does not take them.
    ``transform(blocks)``
        Return the fused 2-D matrix, one row per sample.
    ``get_feature_names_out(input_features)``
        ``input_features`` is a list with, for each block, the array of its
        (modality-prefixed) feature names, e.g. ``["image__hog__0", ...]``;
        return an array of output names, one per output column.

    Optional hooks:

    ``set_modalities(names, kinds)``
        Called by :class:`ModalityFusion` before ``fit`` with the modality
        (branch) names and block kinds (``"features"``, ``"sequence"`` or
        ``"image"``), in block order. The default stores them as ``modality_names_`` and
        ``block_kinds_``.
    ``set_target_type(target_type)``
        Called by :class:`ModalityFusion` before ``fit`` (when there is a
        target) with the kind of target, in scikit-learn's vocabulary
        (:func:`~sklearn.utils.multiclass.type_of_target`): ``"binary"``,
        ``"multiclass"``, ``"multilabel-indicator"`` or ``"continuous"``.
        The default stores it as ``target_type_``.
    ``modality_weights(blocks)``
        Per-sample weights of each modality, shape (n_samples, n_modalities),
        rows summing to 1; exposed as ``ModalityFusion.modality_weights``.
    A ``weights`` parameter
        When the method has one, ``ModalityFusion(weights=...)`` sets it
        (as a list in block order), replacing its default; given on both,
        with the method's not at its default, the weights are refused.
        ``ModalityFusion(weights="auto")`` is handed on only to a method
        whose ``_parameter_constraints["weights"]`` accepts ``"auto"`` (or,
        declaring none, whose default is ``"auto"``).

    Attributes
    ----------
    accepts_sparse : bool (class attribute), default=False
        Whether ``fit``/``transform`` take scipy sparse blocks. When False,
        :class:`ModalityFusion` refuses sparse blocks with a clear error.
    accepts_sequence : bool (class attribute), default=False
        Whether the method takes sequence blocks (integer token ids, from a
        branch whose last step has ``sequence_output = True``) and passes
        them through. When False, :class:`ModalityFusion` refuses them with a
        clear error.
    accepts_image : bool (class attribute), default=False
        Whether the method takes image blocks (decoded images, from a branch
        whose last step has ``image_output = True``) and passes them
        through unchanged; refused with a clear error when False.
    target_types : tuple of str or None (class attribute), default=None
        The target types the method can fit (values of ``type_of_target``);
        :class:`ModalityFusion` refuses any other with a clear error. None
        (the default) declares nothing: every target is passed on.
    """

    accepts_sparse = False
    target_types = None
    accepts_sequence = False
    accepts_image = False
    # Marks the interface itself so that the common-check discovery skips it.
    _abstract_interface = True

    def fit(self, blocks, y=None):
        """Learn the method's state from the training blocks.

        A placeholder: subclasses implement it (see above).

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows (sparse only when :attr:`accepts_sparse` is True).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            The target when the pipeline has one; a method that does not
            need it ignores it.

        Returns
        -------
        self : object
            Fitted fusion method.
        """
        raise NotImplementedError

    def transform(self, blocks):
        """Fuse the blocks into one matrix.

        A placeholder: subclasses implement it (see above).

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in the order and with the widths
            seen in ``fit``.

        Returns
        -------
        fused : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            The fused matrix, one row per sample.
        """
        raise NotImplementedError

    def fit_transform(self, blocks, y=None, **fit_params):
        """Fit on the blocks, then fuse the same blocks.

        ``self.fit(blocks, y, **fit_params).transform(blocks)``; a method
        whose training output differs from ``transform``'s (out-of-fold
        scores, say) overrides it.

        Parameters
        ----------
        blocks : list of {array-like, sparse matrix} of shape (n_samples, n_features_i)
            One 2-D block per modality, in block order, all with the same
            number of rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            The target when the pipeline has one, passed to ``fit``.
        **fit_params : dict
            Further parameters of ``fit`` (such as ``sample_weight`` or
            ``groups``, where the method's ``fit`` takes them), passed to it.

        Returns
        -------
        fused : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            The fused matrix, one row per sample.
        """
        fitted = self.fit(blocks, y, **fit_params)
        if fitted is None:  # a plugin's fit that forgot it
            raise TypeError(
                f"{type(self).__name__}.fit returned None; a fusion method's fit "
                "must return self (end it with `return self`)"
            )
        return fitted.transform(blocks)

    def get_feature_names_out(self, input_features):
        """Names of the fused matrix's columns.

        A placeholder: subclasses implement it (see above).

        Parameters
        ----------
        input_features : list of array-like of str
            For each block, in block order, the (modality-prefixed) names of
            its columns, e.g. ``["image__hog0", ...]``.

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_features_out,)
            One name per column of the fused matrix.
        """
        raise NotImplementedError

    def set_modalities(self, names, kinds=None):
        """Record the modality names and block kinds, in block order.

        Parameters
        ----------
        names : list of str
            Modality (branch) names.
        kinds : list of {"features", "sequence", "image"}, default=None
            Block kinds; None means all ``"features"``.

        Returns
        -------
        self
        """
        self.modality_names_ = list(names)
        self.block_kinds_ = list(kinds) if kinds is not None else None
        return self

    def set_target_type(self, target_type):
        """Record the kind of target the method is about to be fitted on.

        Parameters
        ----------
        target_type : str
            ``"binary"``, ``"multiclass"``, ``"multilabel-indicator"`` or
            ``"continuous"``.

        Returns
        -------
        self
        """
        self.target_type_ = target_type
        return self

    def set_params(self, **params):
        """Set parameters, as scikit-learn's ``set_params``.

        A nested ``<param>__<sub>`` on a parameter without ``set_params``
        (None, such as ``estimator=None``, a sub-estimator chosen at fit; or
        an int ``cv``) is refused with a ``ValueError`` saying to give the
        configured estimator itself: scikit-learn would call ``set_params``
        on that value, an ``AttributeError``.

        Parameters
        ----------
        **params : dict
            Parameters and their new values.

        Returns
        -------
        self
        """
        keys = [str(k) for k in params if "__" in str(k)]
        for head in sorted({k.split("__", 1)[0] for k in keys}):
            value = params.get(head, getattr(self, head, self))  # self: unknown
            if value is not self and not hasattr(value, "set_params"):
                nested = sorted(k for k in keys if k.split("__", 1)[0] == head)
                why, example = nested_on_none(type(self), head, nested, value)
                raise ValueError(
                    f"cannot set {', '.join(nested)}: {why}. Give the {head} "
                    f"itself, configured: {example}; in a grid, search "
                    f"{head!r} over configured instances"
                )
        return super().set_params(**params)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Concrete subclasses are real estimators unless they say otherwise.
        if "_abstract_interface" not in cls.__dict__:
            cls._abstract_interface = False


def nested_on_none(cls, head, nested, value=None):
    """Why the ``<head>__<sub>`` keys ``nested`` cannot be set on a ``cls``
    whose ``head`` is ``value`` (None, or another value without
    ``set_params``), and the instance to give instead, with ``head`` itself
    configured: ``StackFusion(estimator=LogisticRegression(C=...))``."""
    default = getattr(cls, "_none_means", {}).get(head) if value is None else None
    subs = ", ".join(f"{k.split('__', 1)[1]}=..." for k in nested)
    inner = f"{default.split('(', 1)[0]}({subs})" if default else "..."
    why = (
        f"{cls.__name__}'s {head} is {value!r}"
        + (f" (its default, {default})" if default else "")
        + ", which has no parameters to set"
    )
    return why, f"{cls.__name__}({head}={inner})"


def method_takes(method, name):
    """Whether the fusion method ``method`` takes the fit parameter ``name``
    (``"sample_weight"``, ``"groups"``): in its ``fit_transform``, or in its
    ``fit`` when its ``fit_transform`` passes its keywords on to ``fit`` (as
    :meth:`FusionMethod.fit_transform` does)."""
    from inspect import Parameter, signature

    params = signature(method.fit_transform).parameters
    if name in params:
        return True
    forwards = any(p.kind is Parameter.VAR_KEYWORD for p in params.values())
    return forwards and name in signature(method.fit).parameters
