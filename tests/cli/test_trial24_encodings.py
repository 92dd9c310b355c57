"""A CSV in UTF-16 or UTF-32 (a byte-order mark first): the conversion the
error suggests reads it as what it is, not as Latin-1 (which would give
text full of NUL characters)."""

import codecs
import shutil
import subprocess

import pandas as pd
import pytest

from skmultimodal import cli
from tests.cli.conftest import run_error

TABLE = "text,label\ncafé crème,a\n手机 包邮,b\n"


@pytest.mark.parametrize(
    "encoding, bom, name",
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"),
        ("utf-32-be", codecs.BOM_UTF32_BE, "utf-32"),
    ],
)
def test_a_unicode_csv_with_a_byte_order_mark_is_converted_as_such(
    tmp_path, capsys, encoding, bom, name
):
    path = tmp_path / "wide.csv"
    path.write_bytes(bom + TABLE.encode(encoding))
    argv = ["evaluate", "--csv", path, "--models", "text-only", "--no-progress"]
    status, line = run_error([*argv, "--output", tmp_path / "r"], capsys)
    assert status == cli.EXIT_USAGE
    assert "is not UTF-8" in line
    assert f"(it starts with the byte-order mark of {name.upper()})" in line
    assert f"iconv -f {name} -t utf-8 " in line and "latin1" not in line
    if shutil.which("iconv"):  # the command given reads the table back
        command = line.split("e.g. ", 1)[1]
        subprocess.run(command, shell=True, check=True, cwd=tmp_path)
        converted = pd.read_csv(tmp_path / "wide-utf8.csv")
        assert converted["text"].tolist() == ["café crème", "手机 包邮"]


def test_a_latin1_csv_is_still_converted_from_latin1(tmp_path, capsys):
    path = tmp_path / "latin.csv"
    path.write_bytes(TABLE.split("\n手机")[0].encode("latin-1") + b"\n")
    argv = ["evaluate", "--csv", path, "--models", "text-only", "--no-progress"]
    status, line = run_error([*argv, "--output", tmp_path / "r"], capsys)
    assert status == cli.EXIT_USAGE
    assert "iconv -f latin1 -t utf-8" in line and "byte-order mark" not in line
