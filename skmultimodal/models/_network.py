"""The Keras network of :class:`MultimodalAttentionClassifier`.

:func:`build_network` is public inside the package so that the benchmark can
fit the very same Keras model directly, without the estimator around it.
This module imports Keras; it is only imported when the classifier is used.
"""

import re

import keras

from ._layers import (
    AttentionPooling,
    BlockSlice,
    ConstantMask,
    ConvStem,
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

# Characters a Keras layer name may hold in every backend and graph mode.
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")

_OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "sgd": "SGD",
}


def make_optimizer(name, learning_rate, weight_decay=0.0):
    """A fresh Keras optimizer from its lower-case name; ``weight_decay``
    (decoupled, applied to every weight) when it is positive. Both are
    passed as Python floats: Keras refuses an int or a NumPy scalar other
    than float64 as ``learning_rate``."""
    kwargs = {"learning_rate": float(learning_rate)}
    if weight_decay:
        kwargs["weight_decay"] = float(weight_decay)
    return getattr(keras.optimizers, _OPTIMIZERS[name])(**kwargs)


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
    linear_skip=False,
    weight_decay=0.0,
    input_dropout=0.0,
    label_smoothing=0.0,
    image_augmentation=True,
    image_patch_size=8,
    multilabel=False,
):
    """Build and compile the attention network.

    Parameters
    ----------
    token_spec : list of dict
        One dict per modality block with keys ``name``, ``start``, ``stop``,
        ``kind`` ("features", "sequence" or "image"), ``n_tokens``,
        ``vocabulary_size`` (sequence blocks) and ``shape`` (image blocks).
        A name may hold any character: the layer names use a form Keras
        takes (see :func:`_layer_prefixes`).
    n_features : int
        Number of input columns.
    n_classes : int
        2 gives one sigmoid output, more give a softmax. With
        ``multilabel=True``, the number of labels: one sigmoid output each.
    linear_skip : bool
        Add the logits of a linear layer over the feature blocks (the
        sequence blocks' ids excluded) to the attention path's logits.
    weight_decay : float
        Decoupled weight decay of the optimizer.
    input_dropout : float
        Dropout rate on the feature blocks before projection and skip path.
    label_smoothing : float
        Label smoothing of the cross-entropy loss.
    image_augmentation : bool
        Augment image blocks while training (see :func:`augmentation_layers`).
    image_patch_size : int
        Side of the image patch behind each token of an image block (a power
        of two: the number of stride-2 convolutions of :class:`ConvStem`).
    multilabel : bool
        A multi-label network: ``n_classes`` independent sigmoid outputs
        trained with binary cross-entropy (averaged over the labels), for a
        0/1 label indicator target of ``n_classes`` columns.

    Returns
    -------
    model : keras.Model
        Compiled; its layer named ``"attention_pooling"`` has the
        per-token attention weights as second output.
    """
    inputs = keras.Input((n_features,), dtype="float32", name="fused")
    tokens, masks, feature_blocks = [], [], []
    # the blocks' names as Keras takes them in layer names
    prefixes = _layer_prefixes([spec["name"] for spec in token_spec])
    for spec, prefix in zip(token_spec, prefixes):
        block = BlockSlice(spec["start"], spec["stop"], name=f"{prefix}_block")(inputs)
        if spec["kind"] == "features":
            if input_dropout:
                block = keras.layers.Dropout(
                    input_dropout, name=f"{prefix}_input_dropout"
                )(block)
            feature_blocks.append(block)
        if spec["kind"] == "sequence":
            ids = SequenceIds(spec["vocabulary_size"])(block)
            mask = PaddingMask()(ids)
            x = keras.layers.Embedding(
                spec["vocabulary_size"], width, name=f"{prefix}_embedding"
            )(ids)
            if sequence_encoder == "lstm":
                x = LSTMEncoder(width, name=f"{prefix}_lstm")(x, token_mask=mask)
            else:
                x = PositionEmbedding()(x)
                x = TransformerBlock(
                    width, n_heads, dropout, name=f"{prefix}_self_attention"
                )(x, token_mask=mask)
        elif spec["kind"] == "image":
            x = keras.layers.Reshape(tuple(spec["shape"]), name=f"{prefix}_image")(
                block
            )
            if image_augmentation:
                for layer in augmentation_layers(prefix, spec["shape"][-1]):
                    x = layer(x)
            x = ConvStem(width, image_patch_size, name=f"{prefix}_stem")(x)
            mask = ConstantMask(spec["n_tokens"])(block)
        else:
            x = FeatureTokens(spec["n_tokens"], width, name=f"{prefix}_tokens")(block)
            mask = ConstantMask(spec["n_tokens"])(block)
        tokens.append(x)
        masks.append(mask)

    # Sequence tokens (words) attend to the tokens of the other modalities.
    if len(token_spec) > 1:
        crossed = []
        for i, (spec, prefix) in enumerate(zip(token_spec, prefixes)):
            if spec["kind"] != "sequence":
                crossed.append(tokens[i])
                continue
            others = [t for j, t in enumerate(tokens) if j != i]
            other_masks = [m for j, m in enumerate(masks) if j != i]
            context = _concat(others, name=f"{prefix}_context")
            context_mask = _concat(other_masks, name=f"{prefix}_context_mask")
            crossed.append(
                CrossAttention(
                    width, n_heads, dropout, name=f"{prefix}_cross_attention"
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
    if multilabel:
        n_out = n_classes
    else:
        n_out = 1 if n_classes == 2 else n_classes
    logits = keras.layers.Dense(n_out, name="head")(pooled)
    if linear_skip and feature_blocks:
        # A linear model on the fused features, which the attention path
        # corrects: the network starts from (and is at least) that model.
        flat = (
            feature_blocks[0]
            if len(feature_blocks) == 1
            else keras.layers.Concatenate(name="skip_features")(feature_blocks)
        )
        skip = keras.layers.Dense(n_out, name="linear_skip")(flat)
        logits = keras.layers.Add(name="logits")([logits, skip])
    if multilabel or n_classes == 2:
        outputs = keras.layers.Activation("sigmoid", name="proba")(logits)
        loss = keras.losses.BinaryCrossentropy(label_smoothing=label_smoothing)
    elif label_smoothing:
        outputs = keras.layers.Activation("softmax", name="proba")(logits)
        loss = _SmoothedSparseCrossentropy(n_classes, label_smoothing)
    else:
        outputs = keras.layers.Activation("softmax", name="proba")(logits)
        loss = "sparse_categorical_crossentropy"
    model = keras.Model(inputs, outputs, name="multimodal_attention")
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate, weight_decay),
        loss=loss,
        jit_compile=False,
    )
    return model


@keras.saving.register_keras_serializable(package="skmultimodal")
class _SmoothedSparseCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy with label smoothing on integer labels."""

    def __init__(self, n_classes, label_smoothing, name="smoothed_crossentropy", **kw):
        super().__init__(name=name, **kw)
        self.n_classes = int(n_classes)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        codes = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32")
        onehot = keras.ops.one_hot(codes, self.n_classes)
        return keras.losses.categorical_crossentropy(
            onehot, y_pred, label_smoothing=self.label_smoothing
        )

    def get_config(self):
        return {
            **super().get_config(),
            "n_classes": self.n_classes,
            "label_smoothing": self.label_smoothing,
        }


def augmentation_layers(name, channels=3):
    """Keras preprocessing layers that augment an image block in training
    only (at inference each is the identity): a horizontal flip, a shift of
    up to 10 % and a zoom of up to 10 % (edges extended), a colour jitter
    (brightness and contrast, and saturation for 3 channels) and a Gaussian
    blur. Images are in [0, 1], of ``channels`` channels (1 for grey)."""
    unit = (0.0, 1.0)
    # saturation works in HSV, which needs RGB: left out of grey images
    saturation = (0.3, 0.7) if channels == 3 else None
    return [
        keras.layers.RandomFlip("horizontal", name=f"{name}_flip"),
        keras.layers.RandomTranslation(
            0.1, 0.1, fill_mode="nearest", name=f"{name}_translation"
        ),
        keras.layers.RandomZoom(0.1, fill_mode="nearest", name=f"{name}_zoom"),
        keras.layers.RandomColorJitter(
            value_range=unit,
            brightness_factor=0.1,
            contrast_factor=0.2,
            saturation_factor=saturation,
            name=f"{name}_color_jitter",
        ),
        keras.layers.RandomGaussianBlur(
            factor=0.5,
            kernel_size=3,
            sigma=(0.1, 1.0),
            value_range=unit,
            name=f"{name}_blur",
        ),
    ]


def _layer_prefixes(names):
    """The prefix of the Keras layer names of each block: its name where
    Keras takes it as it is, else the name with each other character (``/``,
    spaces, non-ASCII letters) replaced by ``_`` and the block's index
    appended, made unique. The blocks keep their own names everywhere
    else (attention weights, feature names)."""
    taken = set(names)
    prefixes = []
    for i, name in enumerate(names):
        safe = _UNSAFE.sub("_", name)
        if safe != name:
            safe = f"{safe}_{i}"
            while safe in taken:
                safe += "_"
            taken.add(safe)
        prefixes.append(safe)
    return prefixes


def _concat(tensors, name):
    if len(tensors) == 1:
        return tensors[0]
    return keras.layers.Concatenate(axis=1, name=name)(tensors)


def attention_model(model):
    """A model sharing ``model``'s layers that outputs the pooling weights."""
    return keras.Model(model.input, model.get_layer(POOLING_LAYER).output[1])
