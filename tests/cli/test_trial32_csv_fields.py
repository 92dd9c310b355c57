"""Rows with more fields than the CSV's header. pandas takes the first
column for an index when every data row has one field too many, and shifts
every other column: a trailing comma (as spreadsheets export) made
``image`` hold the texts and failed deep in pandas (``operation 'add' not
supported for dtype 'str'``), and an extra leading field was read silently,
its values taken for line numbers. Now a trailing empty field is read as if
it were not there, and a value past the header's fields is an error naming
the file's line, read whole, in chunks, or by the command line."""

import numpy as np
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import iter_table, load_table


def _write(tmp_path, body):
    path = tmp_path / "table.csv"
    path.write_text("image,text,label\n" + body, encoding="utf-8")
    return path


def _read(path, chunksize):
    if chunksize is None:
        X, y, _ = load_table(
            path,
            image_column="image",
            text_column="text",
            target="label",
            allow_absent_images=True,
        )
        return X, y
    chunks = list(
        iter_table(
            path,
            image_column="image",
            text_column="text",
            chunksize=chunksize,
            allow_absent_images=True,
        )
    )
    return [c[0] for c in chunks]


@pytest.mark.parametrize("chunksize", [None, 2])
def test_a_trailing_comma_on_every_row_is_read_as_without(tmp_path, chunksize):
    path = _write(tmp_path, "a.png,red apple,r,\nb.png,green leaf,g,\nc.png,sky,b,\n")
    got = _read(path, chunksize)
    if chunksize is None:
        X, y = got
        assert [p.rsplit("/", 1)[-1] for p in X["image"]] == ["a.png", "b.png", "c.png"]
        assert X["text"].tolist() == ["red apple", "green leaf", "sky"]
        assert y.tolist() == ["r", "g", "b"]
        assert X.index.tolist() == [2, 3, 4]  # the file's lines
    else:
        assert [len(c) for c in got] == [2, 1]
        assert got[1]["text"].tolist() == ["sky"]
        assert [c.index.tolist() for c in got] == [[2, 3], [4]]


@pytest.mark.parametrize("chunksize", [None, 2])
def test_an_extra_leading_field_is_refused_naming_the_line(tmp_path, chunksize):
    path = _write(tmp_path, "100,a.png,red apple,r\n101,b.png,green leaf,g\n")
    with pytest.raises(ValueError) as info:
        _read(path, chunksize)
    message = str(info.value)
    assert message.startswith(f"cannot parse CSV {str(path)!r}: ")
    assert "Expected 3 fields in line 2, saw 4 (the file is read as comma" in message


def test_the_first_value_past_the_header_is_named_by_its_file_line(tmp_path):
    # the first rows end in an empty field; line 6 (after a quoted cell of
    # two lines) has a value there
    path = _write(
        tmp_path, 'a.png,"two\nlines",r,\nb.png,t,g,\nc.png,t,g,\nd.png,t,b,OOPS\n'
    )
    with pytest.raises(ValueError, match=r"Expected 3 fields in line 6, saw 4 \("):
        _read(path, None)


def test_the_command_line_trains_and_predicts_on_trailing_commas(tmp_path, capsys):
    import cv2

    rows = []
    for i in range(8):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((8, 8, 3), 30 * i, np.uint8))
        rows.append(f"{i}.png,word{i % 2} thing,{'ab'[i % 2]},")
    csv = _write(tmp_path, "\n".join(rows) + "\n")
    model = tmp_path / "model.skops"
    assert cli.main(["train", "--csv", csv, "--output", model]) == 0
    out = tmp_path / "predictions.csv"
    argv = ["predict", "--model", model, "--csv", csv, "--output", out]
    assert cli.main(argv) == 0, capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("prediction,") and len(lines) == 9
    leading = _write(
        tmp_path, "".join(f"{100 + i},{r[:-1]}\n" for i, r in enumerate(rows))
    )
    argv = ["predict", "--model", model, "--csv", leading, "--output", out]
    assert cli.main(argv) == 2
    assert "Expected 3 fields in line 2, saw 4" in capsys.readouterr().err
