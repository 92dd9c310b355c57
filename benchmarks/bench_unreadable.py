"""Unreadable images as missing modalities: what it costs and what it gains.

Cost: ``make_multimodal_pipeline(missing="mean")`` is fitted on the 1,884
emoji with one image path pointing at a file that does not exist, against
the same fit on the intact table. The unreadable row makes ModalityFusion
fit the image branch a second time without it (so the unreadable row
never shapes the branch), which reads the images again; the figure is
that fit's time over the intact fit's (no target: it is the price of an
exact refit, paid only when a training image is unreadable). Gain: 5-fold
StratifiedKFold(shuffle=True, random_state=0) accuracy of the same pipeline
when 10 % of the images are unreadable, with each missing policy, against
reading them as blank white images (what ``on_error="blank"`` gives
without a missing policy).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from _harness import Context, Section, compare, main_single


def _tables():
    from skmultimodal.datasets import load_emoji

    X, y = load_emoji(return_X_y=True)
    return X, np.asarray(y)


def _broken(X, rows):
    out = X.copy()
    out.iloc[rows, out.columns.get_loc("image")] = "/nonexistent/broken.png"
    return out


def _white(X, rows):
    out = X.copy().astype({"image": object})
    white = np.full((72, 72, 3), 255, np.uint8)
    chosen = set(int(r) for r in rows)
    out["image"] = [white if i in chosen else p for i, p in enumerate(X["image"])]
    return out


def run(ctx: Context) -> Section:
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from skmultimodal import make_multimodal_pipeline

    start = time.perf_counter()
    X, y = _tables()
    if ctx.quick:
        keep = np.sort(np.random.RandomState(0).choice(len(X), size=200, replace=False))
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    one_bad = _broken(X, [7])

    def fit(data):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_multimodal_pipeline(missing="mean").fit(data, y)

    rows = [
        compare(
            "fit with 1 unreadable image of the column",
            ('`make_multimodal_pipeline(missing="mean").fit`', lambda: fit(one_bad)),
            ("the same fit on the intact table", lambda: fit(X)),
            n=len(X),
            repeats=min(ctx.repeats, 3),
            note="the image branch is fitted twice",
        )
    ]

    rng = np.random.RandomState(0)
    bad = rng.choice(len(X), size=len(X) // 10, replace=False)
    cv = StratifiedKFold(ctx.pick(5, 2), shuffle=True, random_state=0)
    cases = [
        ("all images readable", X, "raise"),
        ("10 % read as white images (no missing policy)", _white(X, bad), "raise"),
        ('10 % unreadable, `missing="zero"`', _broken(X, bad), "zero"),
        ('10 % unreadable, `missing="mean"`', _broken(X, bad), "mean"),
        ('10 % unreadable, `missing="indicator"`', _broken(X, bad), "indicator"),
    ]
    lines = [
        "| table | missing | accuracy | macro-F1 |",
        "|---|---|---:|---:|",
    ]
    printed = {}  # the figures of each missing policy, as printed
    for label, data, missing in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = cross_validate(
                make_multimodal_pipeline(missing=missing),
                data,
                y,
                cv=cv,
                scoring=["accuracy", "f1_macro"],
            )
        acc, f1 = scores["test_accuracy"], scores["test_f1_macro"]
        printed[missing] = f"{acc.mean():.3f} ± {acc.std():.3f} | {f1.mean():.3f}"
        lines.append(f"| {label} | `{missing}` | {printed[missing]} |")
    notes = []
    if printed["zero"] == printed["mean"]:
        notes.append(
            '`"zero"` and `"mean"` coincide here: the image branch ends with '
            "a StandardScaler fitted on the readable rows, whose mean row is 0."
        )
    return Section(
        "Unreadable images as missing modalities",
        intro=__doc__.split("\n\n")[1].replace("\n", " "),
        rows=rows,
        markdown="\n".join(lines),
        notes=notes,
        seconds=time.perf_counter() - start,
    )


if __name__ == "__main__":
    main_single(run)
