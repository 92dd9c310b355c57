"""Plots of what the multimodal models attend to.

matplotlib is imported inside the functions, so importing this module costs
nothing and matplotlib stays optional (the ``plot`` extra).
"""

import numbers

import numpy as np

__all__ = ["plot_attention_weights", "plot_image_attention"]


def _describe(value):
    """What the user passed, for a message: its type, and shape or length."""
    from skmultimodal.utils._validation import type_name

    kind = type_name(value)
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
        if "inhomogeneous" in str(exc):
            raise ValueError(
                f"{name} must be {expected}; its entries have different "
                f"lengths or shapes ({exc})"
            ) from None
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
        A 2-D array-like or a dict of columns is read as a DataFrame. The
        shares must be finite numbers, 0 or more.
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
        highest, dark). A sample needs a finite weight for each of its words;
        weights past its last word (padding) are ignored.
    sample_labels : list of str, default=None
        Bar labels; default the index of ``weights``.
    ax : matplotlib Axes, default=None
        Where to draw the modality bars (without words); its figure keeps its
        layout. A new figure is made when None.
    title : str or None, default="Attention per modality"
        Title of the modality panel.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    TypeError
        When an argument is of the wrong kind (e.g. an estimator or a string
        where the weights are expected, a cell that is not a number, a word
        that is not a string, an ``ax`` that is not an Axes).
    ValueError
        When ``weights`` is not 2-D or is empty, holds a NaN, infinite or
        negative share (the message names its row and column), a sample's
        word weights are missing or not finite, or the number of
        ``sample_labels``, ``words`` or ``word_weights`` is not the number
        of samples.

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
    _require_matplotlib()
    import matplotlib
    import matplotlib.axes
    import matplotlib.pyplot as plt

    weights, values = _check_weights(weights)
    n = len(weights)
    if sample_labels is None:
        labels = [str(v) for v in weights.index]
    else:
        _check_sequence(sample_labels, "sample_labels", "a list of str", n, "samples")
        labels = sample_labels
    with_words = words is not None or word_weights is not None
    if with_words and (words is None or word_weights is None):
        raise ValueError("words and word_weights go together; pass both or neither")
    if with_words:
        word_weights = _check_words(words, word_weights, n)
    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {_describe(ax)}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None; got {_describe(title)}")
    # Only a figure made here gets a layout: a user's figure keeps its own
    # (e.g. layout="constrained"), as in sklearn's plotting Displays.
    own_figure = ax is None
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
    # A property cycle without colours (e.g. only linestyles) falls back to
    # matplotlib's default colours.
    colors = (
        plt.rcParams["axes.prop_cycle"].by_key().get("color")
        or matplotlib.rcParamsDefault["axes.prop_cycle"].by_key()["color"]
    )
    for k, column in enumerate(weights.columns):
        share = values[:, k]
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
        _draw_words(wax, words, word_weights, n)
    if own_figure:
        fig.tight_layout()
    return fig


_WEIGHTS = "a DataFrame or 2-D array-like of shape (n_samples, n_modalities)"


def _check_weights(weights):
    """``(frame, values)``: ``weights`` as a DataFrame and its float values,
    refusing anything that cannot be drawn as shares of attention."""
    import pandas as pd

    if isinstance(weights, pd.DataFrame):
        frame = weights
    elif isinstance(weights, dict):
        try:
            frame = pd.DataFrame(weights)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"weights as a dict must map each modality to a column of "
                f"equal length; could not build a table from it ({exc})"
            ) from None
    else:
        array = _as_float_array(weights, "weights", _WEIGHTS)
        if array.ndim != 2:
            hint = (
                "; one row of numbers is ambiguous: pass a 2-D array or a "
                "DataFrame (.reshape(1, -1) for one sample, Series.to_frame() "
                "for one modality)"
                if array.ndim == 1
                else ""
            )
            raise ValueError(
                f"weights must be 2-D, of shape (n_samples, n_modalities); got "
                f"{_describe(weights)} ({array.ndim}-D){hint}"
            )
        frame = pd.DataFrame(array)
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(
            f"weights must have at least one sample (row) and one modality "
            f"(column); got shape {frame.shape}"
        )
    columns = []
    for k, column in enumerate(frame.columns):
        try:
            columns.append(frame.iloc[:, k].to_numpy(dtype=float, na_value=np.nan))
        except (TypeError, ValueError):
            raise TypeError(
                f"weights column {column!r} must hold numbers; got dtype "
                f"{frame.iloc[:, k].dtype} (first value {frame.iloc[0, k]!r})"
            ) from None
    values = np.column_stack(columns)
    for bad, what in (
        (~np.isfinite(values), "NaN or infinite values"),
        (values < 0, "negative values (shares of attention are 0 or more)"),
    ):
        if bad.any():
            count, (r, c) = _first_bad(bad)
            raise ValueError(
                f"weights has {count} {what}; the first at row {r} (index "
                f"{frame.index[r]!r}), column {frame.columns[c]!r}: "
                f"{values[r, c]}"
            )
    return frame, values


def _check_words(words, word_weights, n):
    """Each sample's word weights as a 1-D float array, as many as its
    words (at least), finite."""
    _check_sequence(words, "words", "a list of list of str", n, "samples")
    _check_sequence(
        word_weights,
        "word_weights",
        "an array-like or a list of 1-D arrays",
        n,
        "samples",
    )
    checked = []
    for r, (row_words, row_w) in enumerate(zip(words, word_weights)):
        if isinstance(row_words, (str, bytes)) or not hasattr(row_words, "__len__"):
            raise TypeError(
                f"words[{r}] must be a list of str (the words of sample {r}); "
                f"got {_describe(row_words)}"
            )
        for j, word in enumerate(row_words):
            if not isinstance(word, str):
                raise TypeError(f"words[{r}][{j}] must be a str; got {_describe(word)}")
        row_w = _as_float_array(
            row_w, f"word_weights[{r}]", "a 1-D array-like of numbers"
        )
        if row_w.ndim != 1:
            raise ValueError(
                f"word_weights[{r}] must be 1-D (one weight per word of sample "
                f"{r}); got shape {row_w.shape}"
            )
        if len(row_w) < len(row_words):
            raise ValueError(
                f"word_weights[{r}] has {len(row_w)} weights for the "
                f"{len(row_words)} words of words[{r}]; pass one weight per word"
            )
        used = row_w[: len(row_words)]
        if not np.isfinite(used).all():
            _, (j,) = _first_bad(~np.isfinite(used))
            raise ValueError(
                f"word_weights[{r}] has a NaN or infinite weight at position {j} "
                f"(word {row_words[j]!r}): {used[j]}"
            )
        checked.append(row_w)
    return checked


def _draw_words(ax, words, word_weights, n):
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
        its image. The values must be finite numbers, 0 or more.
    titles : list of str, default=None
        One title per image.
    alpha : float, default=0.5
        Opacity of the map over the image, from 0 to 1.
    cmap : str or matplotlib Colormap, default="inferno"
        Colour map of the attention (a name in ``matplotlib.colormaps``).
    axes : sequence or array of matplotlib Axes, default=None
        One Axes per image; an array of any shape (e.g. the grid from
        ``Figure.subplots(2, 2)``) is read in row order. A new figure with one
        row of panels when None; a figure of yours keeps its layout.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    TypeError
        When an argument is of the wrong kind (e.g. a fitted model or a
        string where the maps are expected, axes that are not Axes).
    ValueError
        When ``attention`` is not of shape (n_images, rows, columns), its
        number of maps is not the number of images (both are named), a map
        holds a NaN, infinite or negative value (the message names the image
        and the patch), ``titles`` or ``axes`` do not have one entry per
        image, ``alpha`` is outside [0, 1] or ``cmap`` is not a colour map.
        An unreadable image raises
        :class:`~skmultimodal.image.ImageDecodeError` (a ValueError) naming
        its row.

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

    _require_matplotlib()
    import matplotlib
    import matplotlib.axes
    import matplotlib.colors
    import matplotlib.pyplot as plt

    from skmultimodal.image import ImageReader
    from skmultimodal.image._io import image_column
    from skmultimodal.utils._errors import RowError

    _check_not_scalar(images, "images", "a column of images (paths, bytes or arrays)")
    n = len(image_column(images, what="images")[0])
    attention = _check_attention(attention, n)
    if titles is not None:
        _check_sequence(titles, "titles", "a list of str", n, "images")
    if not isinstance(alpha, numbers.Real) or isinstance(alpha, bool):
        raise TypeError(f"alpha must be a number from 0 to 1; got {_describe(alpha)}")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be a number from 0 to 1; got {alpha!r}")
    if isinstance(cmap, str):
        if cmap not in matplotlib.colormaps:
            raise ValueError(
                f"cmap {cmap!r} is not a matplotlib colour map name (e.g. "
                f"'inferno', 'viridis', 'magma'; see matplotlib.colormaps)"
            )
    elif not isinstance(cmap, matplotlib.colors.Colormap):
        raise TypeError(
            f"cmap must be a colour map name or a matplotlib Colormap; got "
            f"{_describe(cmap)}"
        )
    if axes is not None:
        if isinstance(axes, matplotlib.axes.Axes):
            raise TypeError(
                "axes must be a sequence of matplotlib Axes, one per image; got "
                "a single Axes (pass [ax] for one image)"
            )
        if isinstance(axes, np.ndarray):
            axes = axes.ravel()
        _check_sequence(axes, "axes", "a sequence of matplotlib Axes", n, "images")
        for k, ax in enumerate(axes):
            if not isinstance(ax, matplotlib.axes.Axes):
                raise TypeError(
                    f"axes[{k}] must be a matplotlib Axes; got {_describe(ax)} "
                    "(for a grid pass the array from subplots, or np.ravel(axes))"
                )
    try:
        images = ImageReader().fit_transform(images)
    except RowError as exc:
        raise type(exc)(f"images: {exc}") from None
    own_figure = axes is None
    if own_figure:
        fig, axes = plt.subplots(1, n, figsize=(2.2 * n, 2.6), squeeze=False)
        axes = axes[0]
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
    if own_figure:
        fig.tight_layout()
    return fig


def _check_attention(attention, n):
    """The ``n`` patch maps as a new float array, or a clear error."""
    expected = (
        "an array-like of shape (n_images, rows, columns), one patch map per "
        "image (e.g. clf.attention_weights(Z, modality='image'))"
    )
    attention = _as_float_array(attention, "attention", expected)
    if attention.ndim != 3:
        raise ValueError(
            f"attention must be 3-D, {expected}; got shape {attention.shape}"
        )
    if attention.shape[0] != n:
        raise ValueError(
            f"images has {n} images but attention has {attention.shape[0]} maps "
            f"(shape {attention.shape}); pass one map per image"
        )
    if attention.shape[1] == 0 or attention.shape[2] == 0:
        raise ValueError(
            f"attention maps must have at least one row and one column of "
            f"patches; got shape {attention.shape}"
        )
    for bad, what in (
        (~np.isfinite(attention), "NaN or infinite values"),
        (attention < 0, "negative values (attention is 0 or more)"),
    ):
        if bad.any():
            count, (k, r, c) = _first_bad(bad)
            raise ValueError(
                f"attention has {count} {what}; the first in the map of image "
                f"{k} at patch (row {r}, column {c}): {attention[k, r, c]}"
            )
    return attention


def _require_matplotlib():
    """An ImportError naming the extra to install when matplotlib is not."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        from skmultimodal.utils._errors import MissingExtraError, install_hint

        raise MissingExtraError(
            f"skmultimodal.plotting needs matplotlib: {install_hint('plot')}"
        ) from None
