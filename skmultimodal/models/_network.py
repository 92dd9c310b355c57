"""The Keras network of :class:`MultimodalAttentionClassifier`.

:func:`build_network` is public inside the package so that the benchmark can
fit the very same Keras model directly, without the estimator around it.
This module imports Keras; it is only imported when the classifier is used.
"""

import keras

from ._layers import (
    AttentionPooling,
    BlockSlice,
    ConstantMask,
    CrossAttention,
    FeatureTokens,
    LSTMEncoder,
    ModalityEmbedding,
    PaddingMask,
    PositionEmbedding,
    SequenceIds,
    TransformerBlock,
)

POOLING_LAYER = "attention_pooling"

_OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "sgd": "SGD",
}


def make_optimizer(name, learning_rate):
    """A fresh Keras optimizer from its lower-case name."""
    return getattr(keras.optimizers, _OPTIMIZERS[name])(learning_rate=learning_rate)


def build_network(
    token_spec,
    n_features,
    n_classes,
    *,
    width,
    n_heads,
    n_attention_layers,
    dropout,
    sequence_encoder,
    learning_rate,
    optimizer,
):
    """Build and compile the attention network.

    Parameters
    ----------
    token_spec : list of dict
        One dict per modality block with keys ``name``, ``start``, ``stop``,
        ``kind`` ("features" or "sequence"), ``n_tokens`` and
        ``vocabulary_size`` (sequence blocks).
    n_features : int
        Number of input columns.
    n_classes : int
        2 gives one sigmoid output, more give a softmax.

    Returns
    -------
    model : keras.Model
        Compiled; its layer named ``"attention_pooling"`` has the
        per-token attention weights as second output.
    """
    inputs = keras.Input((n_features,), dtype="float32", name="fused")
    tokens, masks = [], []
    for spec in token_spec:
        block = BlockSlice(spec["start"], spec["stop"], name=f"{spec['name']}_block")(
            inputs
        )
        if spec["kind"] == "sequence":
            ids = SequenceIds(spec["vocabulary_size"])(block)
            mask = PaddingMask()(ids)
            x = keras.layers.Embedding(
                spec["vocabulary_size"], width, name=f"{spec['name']}_embedding"
            )(ids)
            if sequence_encoder == "lstm":
                x = LSTMEncoder(width, name=f"{spec['name']}_lstm")(x, token_mask=mask)
            else:
                x = PositionEmbedding()(x)
                x = TransformerBlock(
                    width, n_heads, dropout, name=f"{spec['name']}_self_attention"
                )(x, token_mask=mask)
        else:
            x = FeatureTokens(spec["n_tokens"], width, name=f"{spec['name']}_tokens")(
                block
            )
            mask = ConstantMask(spec["n_tokens"])(block)
        tokens.append(x)
        masks.append(mask)

    # Sequence tokens (words) attend to the tokens of the other modalities.
    if len(token_spec) > 1:
        crossed = []
        for i, spec in enumerate(token_spec):
            if spec["kind"] != "sequence":
                crossed.append(tokens[i])
                continue
            others = [t for j, t in enumerate(tokens) if j != i]
            other_masks = [m for j, m in enumerate(masks) if j != i]
            context = _concat(others, name=f"{spec['name']}_context")
            context_mask = _concat(other_masks, name=f"{spec['name']}_context_mask")
            crossed.append(
                CrossAttention(
                    width, n_heads, dropout, name=f"{spec['name']}_cross_attention"
                )(tokens[i], context, context_mask=context_mask)
            )
        tokens = crossed

    x = _concat(tokens, name="tokens")
    mask = _concat(masks, name="token_mask")
    token_counts = [s["n_tokens"] for s in token_spec]
    x = ModalityEmbedding(token_counts)(x)
    for k in range(n_attention_layers):
        x = TransformerBlock(width, n_heads, dropout, name=f"self_attention_{k}")(
            x, token_mask=mask
        )
    pooled, _ = AttentionPooling(token_counts, name=POOLING_LAYER)(x, token_mask=mask)
    pooled = keras.layers.Dropout(dropout)(pooled)
    if n_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="head")(pooled)
        loss = "binary_crossentropy"
    else:
        outputs = keras.layers.Dense(n_classes, activation="softmax", name="head")(
            pooled
        )
        loss = "sparse_categorical_crossentropy"
    model = keras.Model(inputs, outputs, name="multimodal_attention")
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss=loss,
        jit_compile=False,
    )
    return model


def _concat(tensors, name):
    if len(tensors) == 1:
        return tensors[0]
    return keras.layers.Concatenate(axis=1, name=name)(tensors)


def attention_model(model):
    """A model sharing ``model``'s layers that outputs the pooling weights."""
    return keras.Model(model.input, model.get_layer(POOLING_LAYER).output[1])
