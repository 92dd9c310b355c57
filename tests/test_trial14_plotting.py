"""skmultimodal.plotting on the user's own figures and settings: a user's
figure keeps its layout engine, a grid of Axes is accepted as is, and a
property cycle without colours still draws."""

import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip(
    "matplotlib", reason="skmultimodal.plotting needs the plot extra (matplotlib)"
)

pytestmark = pytest.mark.usefixtures("agg_backend")  # tests/conftest.py


def _images(n):
    return [np.full((8, 8, 3), 0.5, dtype=np.float32)] * n


def _maps(n):
    return np.random.RandomState(0).rand(n, 2, 2)


def test_user_figure_keeps_constrained_layout():
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from skmultimodal.plotting import plot_attention_weights, plot_image_attention

    weights = np.array([[0.3, 0.7], [0.6, 0.4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "The figure layout has changed to tight"
        fig = Figure(layout="constrained")
        ax, _ = fig.subplots(1, 2)
        assert plot_attention_weights(weights, ax=ax) is fig
        assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)

        fig = Figure(layout="constrained")
        axes = fig.subplots(1, 2)
        assert plot_image_attention(_images(2), _maps(2), axes=list(axes)) is fig
        assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)


def test_own_figure_is_still_laid_out_tight():
    from skmultimodal.plotting import plot_attention_weights, plot_image_attention

    default_left = matplotlib.rcParams["figure.subplot.left"]
    fig = plot_attention_weights(np.array([[0.3, 0.7], [0.6, 0.4]]))
    assert fig.axes[0].get_position().x0 != pytest.approx(default_left)
    fig = plot_image_attention(_images(2), _maps(2))
    assert fig.axes[0].get_position().x0 != pytest.approx(default_left)


@pytest.mark.parametrize("shape", [(2, 2), (4, 1), (1, 4)])
def test_image_attention_accepts_a_grid_of_axes(shape):
    from matplotlib.figure import Figure

    from skmultimodal.plotting import plot_image_attention

    fig = Figure()
    grid = fig.subplots(*shape, squeeze=False)
    assert plot_image_attention(_images(4), _maps(4), axes=grid) is fig
    # each panel, in row order, got its image and its map
    assert [len(ax.images) for ax in grid.ravel()] == [2, 2, 2, 2]


def test_image_attention_grid_of_wrong_size_names_axes():
    from matplotlib.figure import Figure

    from skmultimodal.plotting import plot_image_attention

    grid = Figure().subplots(2, 2)
    with pytest.raises(ValueError, match="axes has 4 entries for 2 images"):
        plot_image_attention(_images(2), _maps(2), axes=grid)
    assert not any(ax.images for ax in grid.ravel())


def test_attention_weights_with_a_colourless_prop_cycle():
    from cycler import cycler

    from skmultimodal.plotting import plot_attention_weights

    with matplotlib.rc_context({"axes.prop_cycle": cycler(linestyle=["-", "--"])}):
        fig = plot_attention_weights(np.array([[0.3, 0.7], [0.6, 0.4]]))
    bars = fig.axes[0].patches
    colours = {matplotlib.colors.to_hex(bar.get_facecolor()) for bar in bars}
    default = matplotlib.rcParamsDefault["axes.prop_cycle"].by_key()["color"]
    assert colours == {matplotlib.colors.to_hex(c) for c in default[:2]}
