"""Input checks of skmultimodal.plotting: bad arguments are refused up front
with a message naming the argument, valid ones still draw."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import ImageDecodeError

matplotlib = pytest.importorskip(
    "matplotlib", reason="skmultimodal.plotting needs the plot extra (matplotlib)"
)

pytestmark = pytest.mark.usefixtures("agg_backend")  # tests/conftest.py


def _weights():
    return pd.DataFrame(
        {"image": [0.25, 0.8, 0.5], "text": [0.75, 0.2, 0.5]}, index=["a", "b", "c"]
    )


def _images():
    rng = np.random.RandomState(0)
    return [rng.rand(8, 12, 3).astype(np.float32), rng.rand(6, 6).astype(np.float32)]


def _maps(n=2):
    return np.random.RandomState(1).rand(n, 2, 3)


def _no_new_figure(plt, call, error, match):
    """``call`` raises ``error`` matching ``match`` before drawing anything."""
    before = plt.get_fignums()
    with pytest.raises(error, match=match):
        call()
    assert plt.get_fignums() == before


# ----------------------------------------------------- plot_attention_weights
def test_attention_weights_valid_input_draws_bars_and_words():
    from skmultimodal.plotting import plot_attention_weights

    w = _weights()
    words = [["red", "apple"], ["car"], ["a", "b"]]
    word_weights = [[0.4, 0.3], [0.2, 0.0], np.array([0.1, 0.2])]
    kept = (w.copy(), [list(r) for r in words], [np.array(r) for r in word_weights])

    fig = plot_attention_weights(w)
    assert len(fig.axes) == 1
    widths = sorted(bar.get_width() for bar in fig.axes[0].patches)
    np.testing.assert_allclose(widths, sorted(w.to_numpy().ravel()))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b", "c"]

    fig = plot_attention_weights(w, words=words, word_weights=word_weights)
    assert len(fig.axes) == 2
    drawn = [t.get_text() for t in fig.axes[1].texts]
    assert drawn == ["red", "apple", "car", "a", "b"]

    pd.testing.assert_frame_equal(w, kept[0])
    assert words == kept[1]
    for row, before in zip(word_weights, kept[2]):
        np.testing.assert_array_equal(row, before)


@pytest.mark.parametrize(
    "as_input",
    [
        lambda w: w.to_numpy(),
        lambda w: w.to_numpy().tolist(),
        lambda w: w.to_dict("list"),
    ],
    ids=["ndarray", "list", "dict"],
)
def test_attention_weights_accepts_arrays_lists_and_dicts(as_input):
    from skmultimodal.plotting import plot_attention_weights

    w = _weights()
    fig = plot_attention_weights(as_input(w))
    widths = sorted(bar.get_width() for bar in fig.axes[0].patches)
    np.testing.assert_allclose(widths, sorted(w.to_numpy().ravel()))


@pytest.mark.parametrize(
    "weights, shown",
    [
        (ModalityFusion([]), r"a skmultimodal\.ModalityFusion \(an estimator"),
        (
            Pipeline([("clf", LogisticRegression())]),
            r"a sklearn\.Pipeline \(an estimator",
        ),
        ("weights.csv", "str 'weights.csv'"),
        (None, "None"),
        (0.5, "float"),
    ],
    ids=["fusion", "pipeline", "str", "None", "scalar"],
)
def test_attention_weights_wrong_type(agg_backend, weights, shown):
    from skmultimodal.plotting import plot_attention_weights

    _no_new_figure(
        agg_backend,
        lambda: plot_attention_weights(weights),
        TypeError,
        f"weights must be a DataFrame or 2-D array-like.*got {shown}",
    )


@pytest.mark.parametrize(
    "weights, shape",
    [
        (np.array([0.3, 0.7]), r"\(2,\) \(1-D\)"),
        (pd.Series([0.3, 0.7]), r"\(2,\) \(1-D\)"),
        (np.full((2, 2, 2), 0.25), r"\(2, 2, 2\) \(3-D\)"),
    ],
    ids=["1-D array", "Series", "3-D"],
)
def test_attention_weights_wrong_number_of_dimensions(weights, shape):
    from skmultimodal.plotting import plot_attention_weights

    with pytest.raises(ValueError, match=f"weights must be 2-D.*{shape}"):
        plot_attention_weights(weights)


@pytest.mark.parametrize(
    "weights", [_weights().iloc[:0], _weights()[[]]], ids=["no rows", "no columns"]
)
def test_attention_weights_empty(weights):
    from skmultimodal.plotting import plot_attention_weights

    with pytest.raises(ValueError, match=r"weights must have at least one.*got shape"):
        plot_attention_weights(weights)


def test_attention_weights_ragged_rows():
    from skmultimodal.plotting import plot_attention_weights

    with pytest.raises(ValueError, match="weights must be .*different lengths"):
        plot_attention_weights([[0.5, 0.5], [1.0]])


def test_attention_weights_column_of_words_names_the_column():
    from skmultimodal.plotting import plot_attention_weights

    w = _weights().assign(text=["x", "y", "z"])
    with pytest.raises(TypeError, match="weights column 'text' must hold numbers"):
        plot_attention_weights(w)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, pd.NA])
def test_attention_weights_not_finite_names_row_and_column(bad):
    from skmultimodal.plotting import plot_attention_weights

    w = _weights().astype("Float64") if bad is pd.NA else _weights()
    w.iloc[1, 1] = bad
    with pytest.raises(
        ValueError,
        match=r"weights has 1 NaN or infinite values; the first at row 1 "
        r"\(index 'b'\), column 'text'",
    ):
        plot_attention_weights(w)


def test_attention_weights_all_nan_is_refused(agg_backend):
    from skmultimodal.plotting import plot_attention_weights

    _no_new_figure(
        agg_backend,
        lambda: plot_attention_weights(_weights() * np.nan),
        ValueError,
        r"weights has 6 NaN or infinite values; the first at row 0 \(index 'a'\), "
        "column 'image'",
    )


def test_attention_weights_negative_names_row_and_column():
    from skmultimodal.plotting import plot_attention_weights

    w = _weights()
    w.iloc[2, 0] = -0.5
    with pytest.raises(
        ValueError,
        match=r"weights has 1 negative values.*row 2 \(index 'c'\), column 'image'",
    ):
        plot_attention_weights(w)


@pytest.mark.parametrize(
    "labels, error, match",
    [
        ("abc", TypeError, "sample_labels must be a list of str; got str 'abc'"),
        (["x", "y"], ValueError, "sample_labels has 2 entries for 3 samples"),
    ],
)
def test_attention_weights_sample_labels(labels, error, match):
    from skmultimodal.plotting import plot_attention_weights

    with pytest.raises(error, match=match):
        plot_attention_weights(_weights(), sample_labels=labels)


_WORDS = [["red", "apple"], ["car"], ["a"]]
_WORD_WEIGHTS = [[0.4, 0.3], [0.2], [0.5]]


@pytest.mark.parametrize(
    "words, word_weights, error, match",
    [
        ("red apple", _WORD_WEIGHTS, TypeError, "words must be a list of list of str"),
        (_WORDS[:2], _WORD_WEIGHTS, ValueError, "words has 2 entries for 3 samples"),
        (["red", "car", "a"], _WORD_WEIGHTS, TypeError, r"words\[0\] must be a list"),
        ([["red", 3], ["car"], ["a"]], _WORD_WEIGHTS, TypeError, r"words\[0\]\[1\]"),
        (_WORDS, LogisticRegression(), TypeError, "word_weights must be .*Logistic"),
        (_WORDS, "0.5", TypeError, "word_weights must be .*got str"),
        (_WORDS, _WORD_WEIGHTS[:2], ValueError, "word_weights has 2 entries for 3"),
        (_WORDS, [0.4, 0.2, 0.5], TypeError, r"word_weights\[0\] must be a 1-D"),
        (_WORDS, [[[0.4, 0.3]], [0.2], [0.5]], ValueError, r"word_weights\[0\] must"),
        (_WORDS, [["x", "y"], [0.2], [0.5]], TypeError, r"word_weights\[0\] must"),
        (
            _WORDS,
            [[0.4], [0.2], [0.5]],
            ValueError,
            r"word_weights\[0\] has 1 weights for the 2 words of words\[0\]",
        ),
        (
            _WORDS,
            [[0.4, np.nan], [0.2], [0.5]],
            ValueError,
            r"word_weights\[0\] has a NaN or infinite weight at position 1 "
            r"\(word 'apple'\)",
        ),
    ],
    ids=[
        "words str",
        "words length",
        "row str",
        "word not str",
        "weights estimator",
        "weights str",
        "weights length",
        "row scalar",
        "row 2-D",
        "row words",
        "row short",
        "row NaN",
    ],
)
def test_attention_weights_words(agg_backend, words, word_weights, error, match):
    from skmultimodal.plotting import plot_attention_weights

    _no_new_figure(
        agg_backend,
        lambda: plot_attention_weights(
            _weights(), words=words, word_weights=word_weights
        ),
        error,
        match,
    )


def test_attention_weights_padding_past_the_words_is_ignored():
    from skmultimodal.plotting import plot_attention_weights

    padded = np.array([[0.4, 0.3, np.nan], [0.2, np.nan, np.nan], [0.5, 0.1, 0.0]])
    fig = plot_attention_weights(_weights(), words=_WORDS, word_weights=padded)
    assert [t.get_text() for t in fig.axes[1].texts] == ["red", "apple", "car", "a"]


def test_attention_weights_ax_and_title(agg_backend):
    from skmultimodal.plotting import plot_attention_weights

    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None; got"):
        plot_attention_weights(_weights(), ax=agg_backend.subplots(2)[1])
    with pytest.raises(TypeError, match="title must be a str or None; got list"):
        plot_attention_weights(_weights(), title=["a"])
    _, ax = agg_backend.subplots()
    assert plot_attention_weights(_weights(), ax=ax, title=None) is ax.figure
    assert len(ax.patches) == 6


# ------------------------------------------------------- plot_image_attention
def test_image_attention_valid_input_draws_each_map_over_its_image():
    from skmultimodal.plotting import plot_image_attention

    images, maps = _images(), _maps()
    kept = ([im.copy() for im in images], maps.copy())
    fig = plot_image_attention(images, maps, titles=["first", "second"])
    assert len(fig.axes) == 2
    for ax, image, title in zip(fig.axes, images, ["first", "second"]):
        assert len(ax.images) == 2  # the image, then its map
        assert ax.images[1].get_array().shape == image.shape[:2]
        assert ax.get_title() == title
    for im, before in zip(images, kept[0]):
        np.testing.assert_array_equal(im, before)
    np.testing.assert_array_equal(maps, kept[1])


def test_image_attention_accepts_a_series_a_stack_axes_and_a_colormap(agg_backend):
    from skmultimodal.plotting import plot_image_attention

    _, axes = agg_backend.subplots(1, 2)
    series = pd.Series(list(np.ones((2, 4, 4, 3))), index=["x", "y"])
    fig = plot_image_attention(
        series, _maps().tolist(), axes=list(axes), cmap=matplotlib.colormaps["viridis"]
    )
    assert fig is axes[0].figure
    assert [len(ax.images) for ax in axes] == [2, 2]
    fig = plot_image_attention(np.ones((2, 4, 4, 3)), _maps(), alpha=0)
    assert len(fig.axes) == 2


@pytest.mark.parametrize(
    "attention, shown",
    [
        (ModalityFusion([]), r"a skmultimodal\.ModalityFusion \(an estimator"),
        (
            Pipeline([("clf", LogisticRegression())]),
            r"a sklearn\.Pipeline \(an estimator",
        ),
        ("maps.npy", "str 'maps.npy'"),
        (None, "None"),
        ([{"a": 1}, {"b": 2}], "read list of length 2 as an array of numbers"),
    ],
    ids=["fusion", "pipeline", "str", "None", "not numbers"],
)
def test_image_attention_wrong_type_of_maps(agg_backend, attention, shown):
    from skmultimodal.plotting import plot_image_attention

    _no_new_figure(
        agg_backend,
        lambda: plot_image_attention(_images(), attention),
        TypeError,
        f"attention must be an array-like of shape .*{shown}",
    )


@pytest.mark.parametrize(
    "images, shown",
    [
        (ModalityFusion([]), r"a skmultimodal\.ModalityFusion \(an estimator"),
        ("photo.png", "str 'photo.png'"),
        (None, "None"),
    ],
    ids=["fusion", "str", "None"],
)
def test_image_attention_wrong_type_of_images(agg_backend, images, shown):
    from skmultimodal.plotting import plot_image_attention

    _no_new_figure(
        agg_backend,
        lambda: plot_image_attention(images, _maps()),
        TypeError,
        f"images must be a column of images .*got {shown}",
    )


@pytest.mark.parametrize(
    "images, match",
    [
        (np.ones((2, 4)), r"images as a numeric array .* shape \(2, 4\)"),
        ([], r"images holds no images \(0 rows\)"),
    ],
    ids=["2-D numbers", "empty"],
)
def test_image_attention_images_not_a_column(images, match):
    from skmultimodal.plotting import plot_image_attention

    with pytest.raises(ValueError, match=match):
        plot_image_attention(images, _maps())


@pytest.mark.parametrize(
    "attention, match",
    [
        (np.ones((2, 3)), r"attention must be 3-D.*got shape \(2, 3\)"),
        (np.ones((2, 2, 2, 2)), r"attention must be 3-D.*got shape \(2, 2, 2, 2\)"),
        (np.ones((2, 0, 3)), r"at least one row and one column.*\(2, 0, 3\)"),
        ([np.ones((2, 2)), np.ones((3, 3))], "different lengths or shapes"),
    ],
    ids=["2-D", "4-D", "empty maps", "ragged"],
)
def test_image_attention_wrong_shape_of_maps(attention, match):
    from skmultimodal.plotting import plot_image_attention

    with pytest.raises(ValueError, match=match):
        plot_image_attention(_images(), attention)


@pytest.mark.parametrize("n_maps", [1, 3])
def test_image_attention_length_mismatch_names_both_lengths(agg_backend, n_maps):
    from skmultimodal.plotting import plot_image_attention

    _no_new_figure(
        agg_backend,
        lambda: plot_image_attention(_images(), _maps(n_maps)),
        ValueError,
        f"images has 2 images but attention has {n_maps} maps",
    )


@pytest.mark.parametrize(
    "bad, what",
    [(np.nan, "NaN or infinite"), (np.inf, "NaN or infinite"), (-0.1, "negative")],
)
def test_image_attention_bad_values_name_image_and_patch(agg_backend, bad, what):
    from skmultimodal.plotting import plot_image_attention

    maps = _maps()
    maps[1, 0, 2] = bad
    _no_new_figure(
        agg_backend,
        lambda: plot_image_attention(_images(), maps),
        ValueError,
        rf"attention has 1 {what} values.*map of image 1 at patch "
        r"\(row 0, column 2\)",
    )


def test_image_attention_all_nan_is_refused():
    from skmultimodal.plotting import plot_image_attention

    with pytest.raises(ValueError, match="attention has 12 NaN or infinite values"):
        plot_image_attention(_images(), _maps() * np.nan)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"titles": "ab"}, TypeError, "titles must be a list of str; got str 'ab'"),
        ({"titles": ["a"]}, ValueError, "titles has 1 entries for 2 images"),
        ({"alpha": 1.5}, ValueError, "alpha must be a number from 0 to 1; got 1.5"),
        ({"alpha": np.nan}, ValueError, "alpha must be a number from 0 to 1"),
        ({"alpha": "0.5"}, TypeError, "alpha must be a number from 0 to 1; got str"),
        ({"alpha": True}, TypeError, "alpha must be a number from 0 to 1; got bool"),
        ({"cmap": "infernoo"}, ValueError, "cmap 'infernoo' is not a matplotlib"),
        ({"cmap": 3}, TypeError, "cmap must be a colour map name .* got int"),
    ],
)
def test_image_attention_options(agg_backend, kwargs, error, match):
    from skmultimodal.plotting import plot_image_attention

    _no_new_figure(
        agg_backend,
        lambda: plot_image_attention(_images(), _maps(), **kwargs),
        error,
        match,
    )


def test_image_attention_axes(agg_backend):
    from skmultimodal.plotting import plot_image_attention

    _, grid = agg_backend.subplots(2, 2)
    with pytest.raises(ValueError, match="axes has 4 entries for 2 images"):
        plot_image_attention(_images(), _maps(), axes=grid.ravel())
    with pytest.raises(ValueError, match="axes has 4 entries for 2 images"):
        plot_image_attention(_images(), _maps(), axes=grid)  # a grid is flattened
    with pytest.raises(TypeError, match="axes must be a sequence .* single Axes"):
        plot_image_attention(_images(), _maps(), axes=grid[0, 0])
    with pytest.raises(TypeError, match=r"axes\[1\] must be a matplotlib Axes"):
        plot_image_attention(_images(), _maps(), axes=[grid[0, 0], "right"])


def test_image_attention_unreadable_image_names_argument_and_row(agg_backend, tmp_path):
    from skmultimodal.plotting import plot_image_attention

    images = pd.Series([_images()[0], str(tmp_path / "missing.png")], index=["p", "q"])
    _no_new_figure(
        agg_backend,
        lambda: plot_image_attention(images, _maps()),
        ImageDecodeError,
        r"images: cannot read image at row 1 \(index 'q'\)",
    )
