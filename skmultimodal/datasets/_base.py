"""What the bundled image+text loaders share."""

from __future__ import annotations


def image_text_bunch(images, texts, target, groups, descr, return_X_y):
    """The loaders' result: ``(data, target)`` or a Bunch with ``data``
    (DataFrame with columns ``image`` and ``text``), ``target``, ``groups``,
    ``target_names``, ``feature_names`` and ``DESCR``.

    ``target`` and ``groups`` are named Series.
    """
    import pandas as pd
    from sklearn.utils import Bunch

    data = pd.DataFrame({"image": images, "text": texts})
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        groups=groups,
        target_names=sorted(target.unique()),
        feature_names=["image", "text"],
        DESCR=descr,
    )
