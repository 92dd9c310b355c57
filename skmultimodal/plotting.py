"""Plots of what the multimodal models attend to.

matplotlib is imported inside the functions, so importing this module costs
nothing and matplotlib stays optional (the ``plot`` extra).
"""

import numbers

import numpy as np

__all__ = ["plot_attention_weights", "plot_image_attention"]


def _describe(value):
    """What the user passed, for a message: its type, and shape or length."""
    kind = type(value).__name__
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        more = "..." if len(value) > 40 else ""
        return f"{kind} {value[:40]!r}{more}"
    if hasattr(value, "fit"):
        return f"a {kind} (an estimator, not its output)"
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{kind} of shape {tuple(shape)}"
    try:
        return f"{kind} of length {len(value)}"
    except TypeError:
        return kind


def _check_not_scalar(value, name, expected):
    """TypeError for None, a string, an estimator or a single number where
    an array-like is needed."""
    if (
        value is None
        or isinstance(value, (str, bytes))
        or hasattr(value, "fit")
        or np.isscalar(value)
    ):
        raise TypeError(f"{name} must be {expected}; got {_describe(value)}")


def _check_sequence(value, name, expected, n, of):
    """A list-like (not a string) of ``n`` entries, one per ``of``."""
    _check_not_scalar(value, name, expected)
    try:
        length = len(value)
    except TypeError:
        raise TypeError(f"{name} must be {expected}; got {_describe(value)}") from None
    if length != n:
        raise ValueError(
            f"{name} has {length} entries for {n} {of}; pass {expected} "
            f"with one entry per {of.rstrip('s')}"
        )


def _as_float_array(value, name, expected):
    """``value`` as a new float ndarray, or TypeError naming ``name``."""
    _check_not_scalar(value, name, expected)
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be {expected}; could not read {_describe(value)} "
            f"as an array of numbers ({exc})"
        ) from None


def _first_bad(mask):
    """Number of True entries of ``mask`` and the index of the first."""
    bad = np.argwhere(mask)
    return len(bad), tuple(int(i) for i in bad[0])


def plot_attention_weights(
    weights,
    *,
    words=None,
    word_weights=None,
    sample_labels=None,
    ax=None,
    title="Attention per modality",
):
    """Draw per-sample modality attention, and optionally per-word attention.

    Parameters
    ----------
    weights : pandas.DataFrame of shape (n_samples, n_modalities)
        Output of ``MultimodalAttentionClassifier.attention_weights``: each
        row is drawn as one horizontal bar split into the modalities' shares.
    words : list of list of str, default=None
        For each sample, the words of its sequence block in position order
        (e.g. from ``TextSequencer``'s vocabulary). Needs ``word_weights``.
    word_weights : array-like of shape (n_samples, sequence_length) or list \
            of 1-D arrays, default=None
        The weights of each sample's words, in the order of ``words`` (e.g.
        the sequence block's entry of
        ``MultimodalAttentionClassifier.token_attention`` at the non-padding
        positions). Each sample's words are then drawn in a second panel,
        shaded by their weight (from the sample's lowest, light, to its
        highest, dark).
    sample_labels : list of str, default=None
        Bar labels; default the index of ``weights``.
    ax : matplotlib Axes, default=None
        Where to draw the modality bars (without words). A new figure is made
        when None.
    title : str, default="Attention per modality"
        Title of the modality panel.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from skmultimodal.plotting import plot_attention_weights
    >>> w = pd.DataFrame({"image": [0.3, 0.8], "text": [0.7, 0.2]})
    >>> fig = plot_attention_weights(w, words=[["red", "apple"], ["car"]],
    ...                              word_weights=[[0.4, 0.3], [0.2, 0.0]])
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    weights = pd.DataFrame(weights)
    n = len(weights)
    labels = [str(v) for v in weights.index] if sample_labels is None else sample_labels
    if len(labels) != n:
        raise ValueError(f"sample_labels has {len(labels)} entries for {n} samples")
    with_words = words is not None or word_weights is not None
    if with_words and (words is None or word_weights is None):
        raise ValueError("words and word_weights go together; pass both or neither")
    if with_words:
        if ax is not None:
            raise ValueError("ax cannot be used with words (two panels are drawn)")
        fig, (ax, wax) = plt.subplots(
            1,
            2,
            figsize=(11, 0.45 * n + 1.5),
            gridspec_kw={"width_ratios": [1, 1.6]},
        )
    elif ax is None:
        fig, ax = plt.subplots(figsize=(6, 0.45 * n + 1.5))
    else:
        fig = ax.figure

    rows = np.arange(n)
    left = np.zeros(n)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, column in enumerate(weights.columns):
        share = weights[column].to_numpy(dtype=float)
        ax.barh(
            rows, share, left=left, color=colors[k % len(colors)], label=str(column)
        )
        for r in rows:
            if share[r] >= 0.08:
                ax.text(
                    left[r] + share[r] / 2,
                    r,
                    f"{share[r]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
        left += share
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(left.max(initial=0))))
    ax.set_xlabel("share of attention")
    ax.set_title(title)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 * 8 / max(n, 4)),
        ncol=min(4, len(weights.columns)),
        fontsize=8,
        frameon=False,
    )

    if with_words:
        _draw_words(wax, words, [np.asarray(w, dtype=float) for w in word_weights], n)
    fig.tight_layout()
    return fig


def _draw_words(ax, words, word_weights, n):
    if len(words) != n or len(word_weights) != n:
        raise ValueError(
            f"words and word_weights need one row per sample ({n}); got "
            f"{len(words)} and {len(word_weights)}"
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(n - 0.5, -0.5)
    ax.axis("off")
    ax.set_title("Attention per word (darkest = most, within each sample)")
    for r, (row_words, row_w) in enumerate(zip(words, word_weights)):
        row_w = row_w[: len(row_words)]
        low, top = row_w.min(initial=0.0), row_w.max(initial=0.0)
        x = 0.0
        for word, w in zip(row_words, row_w):
            alpha = 0.0 if top <= low else float((w - low) / (top - low))
            ax.text(
                x,
                r,
                word,
                va="center",
                fontsize=9,
                bbox={
                    "boxstyle": "round,pad=0.2",
                    "facecolor": (0.85, 0.2, 0.1, 0.15 + 0.85 * alpha),
                    "edgecolor": "none",
                },
            )
            x += 0.018 * (len(word) + 2)


def plot_image_attention(
    images, attention, *, titles=None, alpha=0.5, cmap="inferno", axes=None
):
    """Draw per-patch attention maps over their images.

    Parameters
    ----------
    images : column of images
        Paths, encoded bytes or arrays, read as every image estimator reads
        them (:class:`~skmultimodal.image.ImageReader`), e.g. ``X["image"]``
        of the rows that were explained.
    attention : array-like of shape (n_images, rows, columns)
        One patch map per image, e.g.
        ``MultimodalAttentionClassifier.attention_weights(Z, modality="image")``.
        Each map is scaled to its own maximum and stretched (bilinear) over
        its image.
    titles : list of str, default=None
        One title per image.
    alpha : float, default=0.5
        Opacity of the map over the image.
    cmap : str, default="inferno"
        Colour map of the attention.
    axes : sequence of matplotlib Axes, default=None
        One Axes per image; a new figure with one row of panels when None.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skmultimodal.plotting import plot_image_attention
    >>> images = np.ones((2, 32, 32, 3))
    >>> maps = np.random.RandomState(0).rand(2, 4, 4)
    >>> fig = plot_image_attention(images, maps, titles=["a", "b"])
    >>> len(fig.axes)
    2
    """
    import cv2
    import matplotlib.pyplot as plt

    from skmultimodal.image import ImageReader

    images = ImageReader().fit_transform(images)
    attention = np.asarray(attention, dtype=float)
    n = len(images)
    if attention.ndim != 3 or attention.shape[0] != n:
        raise ValueError(
            f"attention must have shape (n_images, rows, columns) with "
            f"n_images={n}; got shape {attention.shape}"
        )
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries for {n} images")
    if axes is None:
        fig, axes = plt.subplots(1, n, figsize=(2.2 * n, 2.6), squeeze=False)
        axes = axes[0]
    elif len(axes) != n:
        raise ValueError(f"axes has {len(axes)} entries for {n} images")
    fig = axes[0].figure
    for k, (ax, image, amap) in enumerate(zip(axes, images, attention)):
        height, width = image.shape[:2]
        top = amap.max(initial=0.0)
        scaled = amap / top if top > 0 else amap
        stretched = cv2.resize(
            scaled.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR
        )
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.imshow(stretched, cmap=cmap, alpha=alpha, vmin=0.0, vmax=1.0)
        ax.axis("off")
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=8)
    fig.tight_layout()
    return fig
