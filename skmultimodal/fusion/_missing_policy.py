"""The missing-modality policies by name, and switching the policy of a
fitted pipeline (``skmultimodal predict --missing``)."""

#: Missing-modality policies of :class:`ModalityFusion`; ``"error"`` is
#: another spelling of ``"raise"``.
MISSING_POLICIES = ("raise", "zero", "mean", "indicator")
MISSING_ALIASES = {"error": "raise"}


def canonical_missing(policy):
    """``policy`` with ``"error"`` spelled ``"raise"``."""
    return MISSING_ALIASES.get(policy, policy)


def trained_missing(estimator, default="raise"):
    """The (canonical) policy of a fitted pipeline's ``fusion`` step, or
    ``default`` for a model without one."""
    steps = getattr(estimator, "named_steps", None)
    if steps and "fusion" in steps:
        return canonical_missing(steps["fusion"].missing)
    return canonical_missing(default)


#: The policies that fill a missing modality with values fitted in
#: training: a model trained with one keeps its own fill at prediction.
FILLING_POLICIES = ("zero", "mean")


def prediction_policy(trained, requested):
    """The policy a model trained with ``trained`` predicts with when
    ``requested`` (None: the trained one) is asked for: a model trained
    with a filling policy keeps it under the other (``mean`` asked of a
    model trained with ``zero`` still fills zeros: what was fitted stays)."""
    policy = canonical_missing(requested or trained)
    if policy in FILLING_POLICIES and trained in FILLING_POLICIES:
        return trained
    return policy


def set_missing_policy(estimator, policy):
    """Give a fitted pipeline's fusion step another missing-modality
    policy. The fill values stay those fitted in training, and
    ``"indicator"`` (extra presence columns the classifier is fitted on)
    cannot be switched on or off: a ValueError says so, as it does for a
    model that is not a pipeline with a ``fusion`` step."""
    trained, policy = trained_missing(estimator, None), canonical_missing(policy)
    if trained is None:
        raise ValueError(
            f"missing={policy!r} needs a pipeline with a 'fusion' step; this "
            f"model ({type(estimator).__name__}) keeps the policy it was "
            "trained with"
        )
    if "indicator" in (policy, trained) and policy != trained:
        raise ValueError(
            f"missing={policy!r}: the model was trained with missing={trained!r}, "
            "and 'indicator' adds presence columns the classifier is fitted on "
            "(or without); train the model with the policy you need"
        )
    estimator.set_params(fusion__missing=policy)
