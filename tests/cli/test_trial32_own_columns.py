"""A catalogue whose image column is called ``image`` (the default name, as
``write_example_catalogue`` writes it) with several text columns: the
columns are read under their own names, so ``image`` is one of them. It was
refused as "a table column named like a modality" in ``train`` and
``evaluate``, and ``predict`` took the model for one that reads the renamed
``image`` and ``text`` columns."""

import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets import write_example_catalogue


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own_columns")
    csv = write_example_catalogue(folder, n_per_class=8)
    table = pd.read_csv(csv)
    table["title2"] = table["title"].str.upper()
    table.to_csv(csv, index=False)
    renamed = folder / "renamed.csv"
    table.rename(columns={"image": "photo"}).to_csv(renamed, index=False)
    return csv, renamed


def test_train_and_predict_read_a_column_called_image_by_its_own_name(
    catalogues, tmp_path, capsys
):
    csv, renamed = catalogues
    texts = ["--text-column", "title", "title2", "--target", "category"]
    model, other = tmp_path / "model.skops", tmp_path / "photo.skops"
    assert cli.main(["train", "--csv", csv, *texts, "--output", model]) == 0
    argv = ["train", "--csv", renamed, "--image-column", "photo", *texts]
    assert cli.main([*argv, "--output", other]) == 0
    outputs = []
    for m, table, chunks in [
        (model, csv, []),
        (model, csv, ["--chunk-size", "5"]),
        (other, renamed, []),
    ]:
        out = tmp_path / f"predictions{len(outputs)}.csv"
        argv = ["predict", "--model", m, "--csv", table, "--output", out, *chunks]
        assert cli.main(argv) == 0, capsys.readouterr().err
        outputs.append(out.read_text())
    # the same columns under another name: the same predictions
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) == 33


def test_evaluate_reads_a_column_called_image_by_its_own_name(
    catalogues, tmp_path, capsys
):
    csv, _ = catalogues
    argv = ["evaluate", "--csv", csv, "--text-column", "title", "title2"]
    argv += ["--target", "category", "--cv", "2", "--models", "fusion"]
    status = cli.main([*argv, "--output", tmp_path / "report", "--no-progress"])
    assert status == 0, capsys.readouterr().err
    assert (tmp_path / "report" / "metrics.json").exists()
