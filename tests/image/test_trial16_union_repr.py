"""ImageFeatureUnion's HTML repr shows its extractors, as FeatureUnion's does;
ImageFeatures' deprecated positional ``method_params`` warns naming the
class and the keyword call, at the caller's line."""

import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion

from skmultimodal import make_multimodal_pipeline
from skmultimodal.image import (
    ImageFeatures,
    ImageFeatureUnion,
    PixelFeatures,
)


def _labels(html):
    return [
        re.sub("<[^>]+>", "", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


def _parts():
    return [
        ("pixels", PixelFeatures(size=(2, 2))),
        ("drop_me", "drop"),
        ("hist", ImageFeatures("color_histogram", method_params={"bins": 2})),
    ]


def _images(n=2):
    return [np.full((4, 5, 3), 40 * i, np.uint8) for i in range(n)]


# ------------------------------------------------ HTML repr shows the parts
def test_html_repr_shows_each_extractor_as_feature_union_does():
    union = _parts()
    ours = _labels(ImageFeatureUnion(union)._repr_html_())
    theirs = _labels(FeatureUnion(union)._repr_html_())
    # the parts (a "drop" one shown as such), in order, as in FeatureUnion
    assert ours[1:] == theirs[1:]
    assert ours[1:4] == ["pixels", "PixelFeatures", "drop_me"]
    assert ours[0].startswith("ImageFeatureUnion")


def test_fitted_html_repr_shows_each_fitted_extractor():
    union = ImageFeatureUnion(_parts()).fit(_images())
    html = union._repr_html_()
    labels = _labels(html)
    assert labels[1:3] == ["pixels", "PixelFeatures"]
    # each fitted part's own output features are listed (fitted clones shown)
    assert "pixel3" in html and "hist_r1" in html


def test_html_repr_of_a_malformed_union_is_one_box():
    for bad in ([], [("a", PixelFeatures(), "extra")], [3]):
        labels = _labels(ImageFeatureUnion(bad)._repr_html_())
        assert len(labels) == 1 and labels[0].startswith("ImageFeatureUnion")


def test_default_pipeline_shows_the_image_extractors():
    html = make_multimodal_pipeline(image="image", text="text")._repr_html_()
    labels = _labels(html)
    start = labels.index("features: ImageFeatureUnion")
    assert labels[start + 1 : start + 7] == [
        "hog",
        "HOGFeatures",
        "color_histogram",
        "ColorHistogram",
        "pixels",
        "PixelFeatures",
    ]


# ------------------------------- positional method_params: the warning
def test_positional_method_params_warning_names_class_and_replacement():
    with pytest.warns(FutureWarning) as record:
        old = ImageFeatures("pixels", {"size": (2, 3)})  # the line warned at
    (warning,) = record
    assert str(warning.message) == (
        "Passing method_params to ImageFeatures by position is deprecated and "
        "will be an error in 0.3: write "
        "ImageFeatures('pixels', method_params={'size': (2, 3)})."
    )
    assert warning.filename == __file__
    with open(__file__) as source:
        assert "# the line warned at" in source.readlines()[warning.lineno - 1]
    new = ImageFeatures("pixels", method_params={"size": (2, 3)})
    assert new.get_params() == old.get_params()
    np.testing.assert_array_equal(
        new.fit_transform(_images()), old.fit_transform(_images())
    )


def test_every_positional_keyword_only_parameter_is_named():
    with pytest.warns(FutureWarning) as record:
        est = ImageFeatures("pixels", {"size": (2, 2)}, 1, 0)
    assert "Passing method_params, n_jobs and verbose to ImageFeatures" in str(
        record[0].message
    )
    assert str(record[0].message).endswith(
        "write ImageFeatures('pixels', method_params={'size': (2, 2)}, n_jobs=1, "
        "verbose=0)."
    )
    assert est.get_params() == {
        "method": "pixels",
        "method_params": {"size": (2, 2)},
        "n_jobs": 1,
        "verbose": 0,
    }


def test_keyword_calls_and_clone_do_not_warn_and_errors_stay_python_s():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = ImageFeatures("pixels", method_params={"size": (2, 2)}, n_jobs=1)
        assert clone(est).get_params() == est.get_params()
        ImageFeatures()
    with pytest.raises(TypeError, match="multiple values for argument 'method_params'"):
        ImageFeatures("pixels", {}, method_params={})
    with pytest.raises(TypeError, match="positional arguments"):
        ImageFeatures("pixels", {}, 1, 0, "one too many")
