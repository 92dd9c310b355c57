"""A malformed CSV is named by the line of the file, also after a quoted
cell that holds line breaks.

pandas' parser numbers records, not lines: "Expected 3 fields in line 7"
is the 7th record, "EOF inside string starting at row 4" the record after
the 4th, and a record whose quoted cell spans three lines counts once. The
messages give the file's own line, as the command line's other messages
do, read whole or in chunks (out of core).
"""

import pytest

from skmultimodal.datasets._table import iter_table, load_table

EXTRA_FIELD = (
    "image,text,label\n"
    "a.png,hello,x\n"
    "\n"
    'b.png,"three\nline\ncell",y\n'  # lines 4-6
    "\n"
    "\n"
    "c.png,there,x,EXTRA\n"  # line 9, pandas' record 7
    "d.png,ok,y\n"
)
UNCLOSED = (
    "image,text,label\n"
    'a.png,"two\nlines",x\n'  # lines 2-3
    "\n"
    'c.png,"unclosed,x\n'  # line 5, pandas' row 3
    "d.png,ok,y\n"
)


def read(path, chunksize):
    if chunksize is None:
        return load_table(
            path, image_column="image", text_column="text", target="label"
        )
    return list(
        iter_table(
            path,
            image_column="image",
            text_column="text",
            chunksize=chunksize,
            allow_absent_images=True,
        )
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("chunksize", [None, 2])
def test_a_row_with_an_extra_field_is_named_by_its_file_line(
    tmp_path, chunksize, newline
):
    path = tmp_path / "table.csv"
    path.write_bytes(EXTRA_FIELD.replace("\n", newline).encode())
    with pytest.raises(ValueError, match=r"Expected 3 fields in line 9, saw 4 \("):
        read(path, chunksize)


@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("chunksize", [None, 2])
def test_an_unclosed_quote_is_named_by_its_file_line(tmp_path, chunksize, bom):
    path = tmp_path / "table.csv"
    path.write_text(bom + UNCLOSED, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        read(path, chunksize)
    assert str(info.value).endswith("EOF inside string starting at line 5")


def test_without_quoted_line_breaks_the_line_is_pandas_own(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(
        "image,text,label\n" + "a.png,t,x\n" * 10 + "c.png,t,x,EXTRA\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"Expected 3 fields in line 12, saw 4"):
        read(path, 4)
