"""make_multimodal_classification: synthetic images + texts, label from both."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    validate_params,
)

from skmultimodal.utils._validation import Count

SHAPES = ("circle", "square", "triangle", "diamond", "cross", "ring")
MAX_CLASSES = 2 * len(SHAPES) - 1

_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def _n_levels(n_classes):
    """Levels per factor, so that the sums 0 .. 2*(m-1) cover every class."""
    return math.ceil((n_classes + 1) / 2)


def _word(i):
    """The i-th pseudo-word: three consonant-vowel syllables, e.g. "bakodi"."""
    n = len(_CONSONANTS) * len(_VOWELS)
    # A fixed permutation of 0 .. n**3 - 1 (7919 is prime to n**3), so that
    # consecutive words do not share their first syllables.
    i = (i * 7919 + 12345) % n**3
    syllables = []
    for _ in range(3):
        i, r = divmod(i, n)
        c, v = divmod(r, len(_VOWELS))
        syllables.append(_CONSONANTS[c] + _VOWELS[v])
    return "".join(reversed(syllables))


def _draw_shape(shape, size, rng, noise):
    import cv2

    img = np.full((size, size, 3), 255, dtype=np.uint8)
    r = size * rng.uniform(0.22, 0.36)
    cx = size / 2 + rng.uniform(-0.12, 0.12) * size
    cy = size / 2 + rng.uniform(-0.12, 0.12) * size
    color = tuple(int(v) for v in rng.randint(0, 190, size=3))
    aa = cv2.LINE_AA
    c = (round(cx), round(cy))
    if shape == "circle":
        cv2.circle(img, c, round(r), color, -1, aa)
    elif shape == "square":
        h = r * 0.85
        pts = [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
        cv2.fillPoly(img, [np.round(pts).astype(np.int32)], color, aa)
    elif shape == "triangle":
        pts = [
            (cx, cy - r),
            (cx + 0.87 * r, cy + 0.5 * r),
            (cx - 0.87 * r, cy + 0.5 * r),
        ]
        cv2.fillPoly(img, [np.round(pts).astype(np.int32)], color, aa)
    elif shape == "diamond":
        pts = [(cx, cy - r), (cx + 0.7 * r, cy), (cx, cy + r), (cx - 0.7 * r, cy)]
        cv2.fillPoly(img, [np.round(pts).astype(np.int32)], color, aa)
    elif shape == "cross":
        w = 0.3 * r
        for pts in (
            [(cx - r, cy - w), (cx + r, cy - w), (cx + r, cy + w), (cx - r, cy + w)],
            [(cx - w, cy - r), (cx + w, cy - r), (cx + w, cy + r), (cx - w, cy + r)],
        ):
            cv2.fillPoly(img, [np.round(pts).astype(np.int32)], color, aa)
    else:  # ring
        thickness = max(1, round(0.3 * r))
        cv2.circle(img, c, max(1, round(r - thickness / 2)), color, thickness, aa)
    if noise > 0:
        noisy = img.astype(np.float64) + rng.normal(0.0, noise * 255.0, img.shape)
        img = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
    return img


@validate_params(
    {
        "n_samples": [Count(1, None, closed="left")],
        "n_classes": [Count(2, MAX_CLASSES, closed="both")],
        "image_size": [Count(8, None, closed="left")],
        "image_signal": [Interval(Real, 0, 1, closed="both")],
        "text_signal": [Interval(Real, 0, 1, closed="both")],
        "image_noise": [Interval(Real, 0, None, closed="left")],
        "text_noise": [Interval(Real, 0, 1, closed="both")],
        "vocabulary_size": [Count(2, None, closed="left")],
        "text_length": [Count(1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_multimodal_classification(
    n_samples=200,
    n_classes=3,
    *,
    image_size=32,
    image_signal=1.0,
    text_signal=1.0,
    image_noise=0.05,
    text_noise=0.5,
    vocabulary_size=60,
    text_length=8,
    shuffle=True,
    random_state=None,
):
    """Generate an image+text classification problem that needs both modalities.

    Each sample has an *image factor* ``a`` (which shape is drawn) and a
    *text factor* ``b`` (which topic the words come from), each in
    ``0 .. m-1`` with ``m = ceil((n_classes + 1) / 2)``. The label is

    ``y = min(a + b, n_classes - 1)``

    so the image alone only narrows the label down to ``m`` neighbouring
    classes, the text alone likewise, and both together determine it. The
    label is additive in the two factors, so a linear model on concatenated
    image and text features can learn it. Classes are balanced: ``y`` is
    drawn first, then ``(a, b)`` uniformly among the pairs that give ``y``.

    Images are RGB ``uint8`` arrays drawn with OpenCV: one filled shape
    (circle, square, triangle, diamond, cross, ring, in factor order) of a
    random dark colour, random size and a small random offset, on white.
    Texts are ``text_length`` pseudo-words (e.g. "bakodi"): the vocabulary of
    ``vocabulary_size`` words is split into ``m`` topic lists and a list of
    filler words; a text mixes words of its topic with filler words.

    Parameters
    ----------
    n_samples : int, default=200
        Number of samples.
    n_classes : int, default=3
        Number of classes, 2 to 11.
    image_size : int, default=32
        Height and width of the images (at least 8).
    image_signal : float in [0, 1], default=1.0
        Probability that the image shows the shape of its factor ``a``;
        otherwise a shape drawn uniformly at random is shown. 0 makes the
        image uninformative.
    text_signal : float in [0, 1], default=1.0
        Probability that the text's topic words come from topic ``b``;
        otherwise from a topic drawn uniformly at random.
    image_noise : float >= 0, default=0.05
        Standard deviation of the Gaussian pixel noise, as a fraction of 255.
    text_noise : float in [0, 1], default=0.5
        Fraction of each text's words that are filler words (rounded to a
        whole number of words). 1 makes the text uninformative.
    vocabulary_size : int, default=60
        Number of distinct words; ``vocabulary_size // (m + 1)`` per topic,
        the rest are filler words. Must give every topic at least one word.
    text_length : int, default=8
        Number of words per text.
    shuffle : bool, default=True
        Shuffle the samples; otherwise they are sorted by class.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, 2)
        Column ``image``: ``(image_size, image_size, 3)`` uint8 RGB arrays;
        column ``text``: str.
    y : ndarray of shape (n_samples,)
        Integer labels ``0 .. n_classes-1``.

    Raises
    ------
    ValueError
        For parameters out of range or of the wrong type (a bool where an
        int is expected included), or a vocabulary too small to give every
        topic a word.

    See Also
    --------
    load_emoji : a real image+text dataset.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.datasets import make_multimodal_classification
    >>> X, y = make_multimodal_classification(n_samples=6, random_state=0)
    >>> list(X.columns), X["image"][0].shape, X["image"][0].dtype
    (['image', 'text'], (32, 32, 3), dtype('uint8'))
    >>> np.bincount(y).tolist()
    [2, 2, 2]
    """
    import pandas as pd

    m = _n_levels(n_classes)
    per_topic = vocabulary_size // (m + 1)
    if per_topic < 1:
        raise ValueError(
            f"vocabulary_size={vocabulary_size} is too small for n_classes="
            f"{n_classes}: {m} topics and the filler words need at least "
            f"{m + 1} words."
        )
    words = [_word(i) for i in range(vocabulary_size)]
    topics = [words[j * per_topic : (j + 1) * per_topic] for j in range(m)]
    filler = words[m * per_topic :]
    n_filler = min(text_length, round(text_length * text_noise))
    n_topic = text_length - n_filler

    rng = check_random_state(random_state)
    # The (a, b) pairs of each class: y = min(a + b, n_classes - 1).
    cells = [[] for _ in range(n_classes)]
    for a in range(m):
        for b in range(m):
            cells[min(a + b, n_classes - 1)].append((a, b))

    y = np.sort(np.arange(n_samples) % n_classes)
    if shuffle:
        y = rng.permutation(y)
    images, texts = [], []
    for label in y:
        options = cells[label]
        a, b = options[rng.randint(len(options))]
        if rng.uniform() >= image_signal:
            a = rng.randint(m)
        if rng.uniform() >= text_signal:
            b = rng.randint(m)
        images.append(_draw_shape(SHAPES[a], image_size, rng, image_noise))
        chosen = [topics[b][k] for k in rng.randint(len(topics[b]), size=n_topic)]
        chosen += [filler[k] for k in rng.randint(len(filler), size=n_filler)]
        texts.append(" ".join(chosen[k] for k in rng.permutation(len(chosen))))

    image_col = np.empty(n_samples, dtype=object)
    image_col[:] = images
    X = pd.DataFrame({"image": image_col, "text": texts})
    return X, y.astype(np.int64)
