"""Image blocks: the decoded images as a modality block (``ImageArray``),
carried through ModalityFusion's layout to the attention classifier, and
the builder's ``image_tokens`` switch. No TensorFlow here."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import Block, BlockLayout, ModalityFusion, get_block_layout
from skmultimodal.image import ImageArray, PixelFeatures
from skmultimodal.text import TextSequencer


def _table(n=24, seed=0):
    rng = np.random.RandomState(seed)
    images = [rng.randint(0, 255, size=(20, 20, 3), dtype=np.uint8) for _ in range(n)]
    words = ["red apple", "blue car", "green tree", "red car"]
    return pd.DataFrame(
        {"image": images, "text": [words[i % 4] for i in range(n)]}
    ), np.arange(n) % 2


def test_image_array_matches_pixel_features_and_declares_its_shape():
    X, _ = _table()
    arr = ImageArray(size=(8, 6)).fit(X["image"])
    assert arr.image_shape_ == (8, 6, 3)
    assert type(arr).image_output is True
    pixels = PixelFeatures(size=(8, 6), color="rgb").fit_transform(X["image"])
    np.testing.assert_array_equal(arr.transform(X["image"]), pixels)
    assert ImageArray(size=(8, 6), color="gray").fit(X["image"]).image_shape_ == (
        8,
        6,
        1,
    )
    assert arr.get_feature_names_out()[0] == "px0"


def test_layout_checks_image_shape():
    layout = BlockLayout([Block("im", 0, 12, "image", None, (2, 2, 3))])
    assert "image(2x2x3)" in repr(layout)
    with pytest.raises(ValueError, match="shape .* must cover"):
        BlockLayout([Block("im", 0, 10, "image", None, (2, 2, 3))])
    with pytest.raises(ValueError, match="must cover"):
        BlockLayout([Block("im", 0, 12, "image")])
    with pytest.raises(ValueError, match="expected one of"):
        BlockLayout([Block("im", 0, 12, "pixels")])
    names = ["a__x", "im__px0", "im__px1", "im__px2", "im__px3"]
    layout = BlockLayout.from_feature_names(names, image_shapes={"im": (2, 2, 1)})
    assert [(b.name, b.kind, b.shape) for b in layout] == [
        ("a", "features", None),
        ("im", "image", (2, 2, 1)),
    ]


@pytest.mark.parametrize("method", ["concat", "tokens"])
def test_fusion_passes_images_through_unchanged(method):
    X, y = _table()
    fusion = ModalityFusion(
        [
            ("pixels", ImageArray(size=(4, 4)), "image"),
            ("words", TextSequencer(max_length=3), "text"),
            ("color", PixelFeatures(size=(2, 2)), "image"),
        ],
        method=method,
        random_state=0,
    )
    Z = fusion.fit_transform(X, y)
    layout = get_block_layout(Z)
    assert [(b.name, b.kind) for b in layout] == [
        ("pixels", "image"),
        ("words", "sequence"),
        ("color", "features"),
    ]
    assert layout.get("pixels").shape == (4, 4, 3)
    expected = ImageArray(size=(4, 4)).fit_transform(X["image"])
    np.testing.assert_allclose(np.asarray(Z)[:, layout.get("pixels").slice], expected)
    assert X["image"][0].shape == (20, 20, 3)  # the input is not touched


def test_a_method_without_image_support_refuses_the_block():
    X, y = _table()
    fusion = ModalityFusion(
        [("pixels", ImageArray(size=(4, 4)), "image"), ("t", TextSequencer(), "text")],
        method="stack",
    )
    with pytest.raises(ValueError, match="cannot take the image block of .*'pixels'"):
        fusion.fit(X, y)


def test_builder_image_tokens_branches():
    pipe = make_multimodal_pipeline(classifier="attention", image_tokens=True)
    fusion = pipe.named_steps["fusion"]
    assert fusion.method == "concat"
    branches = {name: (trans, col) for name, trans, col in fusion.transformers}
    assert list(branches) == ["image", "text", "words"]
    # "features" then a passthrough "scale" slot, so that memory= caches them
    assert isinstance(branches["image"][0]["features"], ImageArray)
    assert isinstance(branches["words"][0]["features"], TextSequencer)
    assert branches["image"][0][-1] == branches["words"][0][-1] == "passthrough"
    assert branches["words"][1] == "text"
    only = make_multimodal_pipeline(
        text=None, classifier="attention", image_tokens=True
    )
    assert [n for n, _, _ in only.named_steps["fusion"].transformers] == ["image"]
    small = make_multimodal_pipeline(
        classifier="attention",
        image_tokens=True,
        image_features=ImageArray(size=(32, 32)),
    )
    assert small.named_steps["fusion"].transformers[0][1]["features"].size == (32, 32)
    missing = make_multimodal_pipeline(
        classifier="attention", image_tokens=True, missing="zero"
    )
    branch = missing.named_steps["fusion"].transformers[0][1]
    assert branch["features"].on_error == "missing"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "needs classifier='attention'"),
        ({"classifier": "logistic"}, "needs classifier='attention'"),
        ({"classifier": "attention", "image": None}, "give image= a column"),
        (
            {"classifier": "attention", "image_features": "hog"},
            "image_features must be an ImageArray",
        ),
    ],
)
def test_builder_image_tokens_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_multimodal_pipeline(image_tokens=True, **kwargs)
