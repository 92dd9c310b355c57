"""A number written with a decimal comma (European exports: ``"33,15"``) is
not a number to the table branch or to a regression target; the error now
says it is one, written with a comma, and how to write it."""

import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.utils._validation import decimal_comma_hint


@pytest.mark.parametrize(
    "cell, number",
    [
        ("33,15", "33.15"),
        ("1.234,5", "1234.5"),
        ("1 234,50", "1234.50"),
        ("-0,5", "-0.5"),
    ],
)
def test_a_decimal_comma_is_named_with_the_number(cell, number):
    assert decimal_comma_hint(cell) == (
        f" ({cell!r} is written with a decimal comma: write it {number!r}, "
        "with a point)"
    )


@pytest.mark.parametrize("cell", ["1,4 kg", "12", "a,b", "1,234,567", 3.5, None])
def test_other_cells_get_no_hint(cell):
    assert decimal_comma_hint(cell) == ""


def test_a_numeric_table_column(tmp_path):
    X = pd.DataFrame({"text": ["a b", "c d"] * 5, "price": ["33,15", "2"] * 5})
    model = make_multimodal_pipeline(image=None, tabular={"numeric": ["price"]})
    with pytest.raises(
        ValueError, match=r"'33,15' \('33,15' is written with a decimal"
    ):
        model.fit(X, [0, 1] * 5)


def test_a_regression_target_on_the_command_line(tmp_path, capsys):
    from skmultimodal import cli

    csv = tmp_path / "prices.csv"
    rows = "".join(f'item {i},"{i},5"\n' for i in range(6))  # quoted: a comma
    csv.write_text("text,price\n" + rows)
    argv = ["train", "--csv", csv, "--task", "regression"]  # no image column
    status = cli.main([*argv, "--target", "price", "--output", tmp_path / "m.skops"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "a regression target must be a number in every row ('0,5' is written" in err
