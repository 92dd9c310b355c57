"""Trial 15: a Keras text encoder whose output width varies with the batch
is refused batch by batch, naming the model file and the rows; its
TextEmbeddingWarning points at the caller's line; ``run_on_dask`` checks
that the output's folder can be written before a cluster starts."""

import warnings

import pytest

from skmultimodal import distributed
from skmultimodal.text import TextEmbeddingWarning, TextFeatures

WORDS = ["cat", "dog", "red", "blue", "bird"]


def _keras():
    return pytest.importorskip("keras"), pytest.importorskip("tensorflow")


def _save(path, length=None):
    """Token ids of a TextVectorization: ``(batch, longest text in the
    batch)`` without ``length``, else mean-pooled embeddings."""
    keras, _ = _keras()
    keras.utils.set_random_seed(0)
    vectorize = keras.layers.TextVectorization(
        max_tokens=20, output_sequence_length=length
    )
    vectorize.adapt(WORDS)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    if length is not None:
        x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 3)(x))
    keras.Model(inputs, x).save(path)
    return str(path)


@pytest.fixture(scope="module")
def ids_path(tmp_path_factory):
    return _save(tmp_path_factory.mktemp("ids") / "ids.keras")


def _fitted(path):
    # the probe (one batch of 2) has 5 tokens in its longest text
    return TextFeatures(
        "keras_encoder", method_params={"path": path, "batch_size": 2}
    ).fit(["cat dog red blue bird", "dog"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "texts, rows",
    [
        (["cat", "dog"], "row 0 to row 1"),  # one batch, narrower than in fit
        # several batches: the second one is narrower (NumPy failed here)
        (["cat dog red blue bird", "dog", "cat", "red"], "row 2 to row 3"),
        # an empty text is not encoded: the batch is rows 0 and 2
        (["cat", "", "dog", "cat dog red blue bird"], "row 0 to row 2"),
    ],
)
def test_an_output_width_varying_with_the_batch_is_named(ids_path, texts, rows):
    tf = _fitted(ids_path)
    assert tf.extractor_.n_features_out_ == 5
    with (
        warnings.catch_warnings(),
        pytest.raises(ValueError) as info,
    ):
        warnings.simplefilter("ignore", TextEmbeddingWarning)
        tf.transform(texts)
    message = str(info.value)
    assert message.startswith("TextFeatures(method='keras_encoder'): ")
    assert repr(ids_path) in message
    assert f"returned 1 features for the batch of the texts at {rows}" in message
    assert "5 in fit" in message
    assert "varies with the batch" in message
    assert "TextVectorization layer without output_sequence_length" in message
    assert "fixed-width vector per text" in message


@pytest.mark.slow
def test_the_empty_text_warning_points_at_the_callers_line(tmp_path):
    from skmultimodal.text._keras_encoder import KerasTextEncoder

    path = _save(tmp_path / "good.keras", length=4)
    tf = TextFeatures("keras_encoder", method_params={"path": path})
    enc = KerasTextEncoder(path)
    calls = [
        lambda: tf.fit_transform(["cat", ""]),
        lambda: tf.transform(["cat", ""]),
        lambda: enc.fit_transform(["cat", ""]),
        lambda: enc.transform(["cat", ""]),
    ]
    for call in calls:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        found = [w for w in caught if w.category is TextEmbeddingWarning]
        assert len(found) == 1
        assert found[0].filename == __file__, found[0].filename


@pytest.mark.parametrize("run", ["run_on_dask", "predict_partitions"])
def test_an_unwritable_output_folder_is_refused_first(
    unwritable_folder, monkeypatch, run
):
    dask_distributed = pytest.importorskip("distributed")

    def no_cluster(*args, **kwargs):
        raise AssertionError("a cluster started before the output was checked")

    monkeypatch.setattr(dask_distributed, "LocalCluster", no_cluster)
    monkeypatch.setattr(dask_distributed, "Client", no_cluster)
    output = unwritable_folder / "out"
    with pytest.raises(ValueError) as info:
        getattr(distributed, run)("model.skops", "data.csv", output)
    message = str(info.value)
    assert message.startswith(f"output {str(output)!r}: ")
    assert f"cannot write in folder {str(unwritable_folder)!r}" in message
    assert "Permission denied" in message
    assert not output.exists()
