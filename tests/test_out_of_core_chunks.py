"""An error raised while ``fit_out_of_core`` processes a chunk names the
chunk and the pass, as its label errors do ("chunk 1 of the statistics
pass: ..."), and keeps its type."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal.image import ImageDecodeError
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline
from tests.test_out_of_core import SMALL, TABULAR, _chunks, _table


def _pipe(**kwargs):
    return make_out_of_core_pipeline(epochs=2, random_state=0, **SMALL, **kwargs)


def _replace(chunks, k, X):
    """``chunks`` with the X of chunk ``k`` replaced (the list is copied)."""
    chunks = list(chunks)
    chunks[k] = (X, chunks[k][1])
    return chunks


def _raised(pipe, chunks):
    with pytest.raises(Exception) as info:
        fit_out_of_core(pipe, chunks)
    return info.value


def test_a_later_chunk_without_a_modality_column_is_named():
    X, y = _table(n=48)
    chunks = _chunks(X, y, 16)
    chunks = _replace(chunks, 2, chunks[2][0].drop(columns="text"))
    exc = _raised(_pipe(missing="mean"), chunks)
    assert type(exc) is ValueError
    assert str(exc).startswith(
        "chunk 2 of the statistics pass: column 'text' of modality 'text' is "
        "not in X; available columns: ['image', 'price', 'brand']"
    )


def test_a_later_chunk_without_a_table_column_is_named():
    X, y = _table(n=48)
    chunks = _chunks(X, y, 16)
    chunks = _replace(chunks, 1, chunks[1][0].drop(columns="brand"))
    exc = _raised(_pipe(missing="mean", tabular=TABULAR), chunks)
    assert type(exc) is ValueError
    assert str(exc).startswith(
        "chunk 1 of the statistics pass: column ['brand'] of modality 'tabular' "
        "is not in X"
    )


def test_a_column_gone_in_the_training_pass_is_named():
    """The file changes after the statistics pass: the training pass names
    the chunk."""
    X, y = _table(n=48)
    passes = []

    def chunks():
        passes.append(1)
        out = _chunks(X, y, 16)
        if len(passes) > 1:
            out = _replace(out, 1, out[1][0].drop(columns="text"))
        return iter(out)

    exc = _raised(_pipe(missing="mean"), chunks)
    assert type(exc) is ValueError
    assert str(exc).startswith(
        "chunk 1 of the training pass: column 'text' of modality 'text' is not in X"
    )
    assert len(passes) == 2


def test_a_bad_cell_of_a_later_chunk_is_named():
    X, y = _table(n=48)
    chunks = _chunks(X, y, 16)
    bad = chunks[1][0].copy()
    bad["text"] = bad["text"].astype(object)
    bad.loc[bad.index[3], "text"] = 12345  # a number in the text column
    exc = _raised(_pipe(missing="mean"), _replace(chunks, 1, bad))
    from skmultimodal.text._validation import NotATextError

    assert type(exc) is NotATextError and isinstance(exc, ValueError)
    assert str(exc).startswith(
        "chunk 1 of the statistics pass: TextFeatures: row 3 (index 19) of X "
        "holds a value of type int (12345), not a string"
    )


def test_non_numeric_values_of_a_numeric_column_are_named():
    X, y = _table(n=48)
    chunks = _chunks(X, y, 16)
    bad = chunks[2][0].assign(price="cheap")
    exc = _raised(_pipe(missing="mean", tabular=TABULAR), _replace(chunks, 2, bad))
    assert type(exc) is ValueError
    assert str(exc).startswith(
        "chunk 2 of the statistics pass: numeric table column 'price' holds "
        "16 cell(s) that are not numbers, the first on row 0 (index 32): 'cheap'"
    )


def test_an_unreadable_image_under_raise_keeps_its_type(tmp_path):
    X, y = _table(n=48)
    first = X["image"].iloc[0]
    images = [first if v is None else v for v in X["image"]]
    X = X.assign(
        image=pd.Series(images, index=X.index, dtype=object),
        text=X["text"].fillna("a caption"),
    )
    X.loc[X.index[20], "image"] = str(tmp_path / "absent.png")
    exc = _raised(_pipe(missing="raise"), _chunks(X, y, 16))
    assert type(exc) is ImageDecodeError
    assert str(exc).startswith(
        "chunk 1 of the statistics pass: cannot read image at row 4 (index 20), "
        f"path {str(tmp_path / 'absent.png')!r}: file not found"
    )


def test_an_error_that_is_no_input_check_is_raised_as_it_is():
    """A failure inside NumPy (here: a bug in a user's extractor) is not
    dressed up as a chunk's bad input."""
    from sklearn.preprocessing import FunctionTransformer

    def broken(texts):
        return np.zeros(3).reshape(2, 2)  # NumPy's own ValueError

    X, y = _table(n=48)
    pipe = _pipe(missing="mean")
    pipe.named_steps["fusion"].transformers[1][1].steps[0] = (
        "features",
        FunctionTransformer(broken),
    )
    exc = _raised(pipe, _chunks(X, y, 16))
    assert type(exc) is ValueError
    assert str(exc).startswith("cannot reshape array of size 3")


def test_an_error_type_needing_more_than_a_message_becomes_a_chained_value_error(
    monkeypatch,
):
    from skmultimodal.streaming import _in_chunk
    from skmultimodal.utils import _errors

    monkeypatch.setattr(_errors, "is_bad_input", lambda exc: True)
    with pytest.raises(ValueError) as info:
        with _in_chunk(3, "training pass"):
            b"\xff".decode("utf-8")
    exc = info.value
    assert type(exc) is ValueError
    assert str(exc).startswith("chunk 3 of the training pass: 'utf-8' codec")
    assert isinstance(exc.__cause__, UnicodeDecodeError)
