"""A dask DataFrame predicted with ``missing="raise"`` by a model trained
with another policy: an image path that is not a file is refused naming
its row and path, as a CSV's line is, and the policy to predict with."""

import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import load_table
from tests.cli.conftest import CSV_ARGS, write_dataset


@pytest.mark.slow
def test_an_absent_image_under_a_stricter_policy_is_named_with_its_path(
    client, tmp_path
):
    import dask.dataframe as dd

    from skmultimodal.distributed import PartitionError, predict_partitions

    csv = write_dataset(tmp_path)
    model = tmp_path / "model.skops"
    args = [*CSV_ARGS, "--method", "concat", "--missing", "mean"]
    assert cli.main(["train", "--csv", str(csv), *args, "--output", str(model)]) == 0
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    X = X.reset_index(drop=True)
    X.loc[5, "image"] = str(tmp_path / "images" / "absent.png")
    frame = dd.from_pandas(X, npartitions=3)
    with pytest.raises(PartitionError) as info:
        predict_partitions(
            model, frame, tmp_path / "out", client=client, missing="raise"
        )
    message = str(info.value)
    assert (
        "ValueError: image file not found on index label 5 of column 'image': "
        f"{str(tmp_path / 'images' / 'absent.png')!r}"
    ) in message, message
    assert message.endswith(
        "missing='raise' refuses them: predict with missing='mean', the model's "
        "own policy, to take them as missing images"
    ), message
    # the model's own policy predicts every row
    predict_partitions(model, frame, tmp_path / "ok", client=client, missing="mean")
    assert len(pd.read_parquet(tmp_path / "ok")) == len(X)
