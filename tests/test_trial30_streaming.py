"""Out of core: the rows an extractor could not read are named for the
first chunk that has any, and counted for the later ones in one warning."""

import warnings

from skmultimodal.image import ImageWarning
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline
from tests.test_out_of_core import _chunks, _table


def test_unreadable_images_are_named_for_the_first_chunk_then_counted(tmp_path):
    X, y = _table(n=48)
    X = X.copy()
    # rows 2 and 5 in the first chunk of 16, 20 in the second, 40 in the third
    for row in (2, 5, 20, 40):
        X.loc[X.index[row], "image"] = str(tmp_path / f"absent{row}.png")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_out_of_core(
            make_out_of_core_pipeline(epochs=1, missing="mean"), _chunks(X, y, 16)
        )
    named = [str(w.message) for w in caught if issubclass(w.category, ImageWarning)]
    assert len(named) == 1  # the first chunk's, naming its two rows
    assert "absent2.png" in named[0] and "absent5.png" in named[0]
    assert not any("absent20" in m or "absent40" in m for m in named)
    (total,) = [str(w.message) for w in caught if "fit_out_of_core" in str(w.message)]
    assert total == (
        "fit_out_of_core: modality 'image' could not be read in 4 row(s); treated "
        "as missing (the first chunk with any named its rows; 2 more in later "
        "chunks)"
    )
