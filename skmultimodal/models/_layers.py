"""Keras layers of :class:`MultimodalAttentionClassifier`.

Every layer is registered with :func:`keras.saving.register_keras_serializable`
under the package name ``"skmultimodal"`` so that a fitted model can be saved,
pickled and loaded without custom-object scopes. There are no ``Lambda``
layers. Masks are explicit float tensors (1 = real token, 0 = padding) passed
as the ``token_mask`` argument, never Keras' implicit mask propagation.

This module imports Keras; it is only imported when the classifier is used.
"""

import math

import keras
from keras import ops

_PACKAGE = "skmultimodal"
_NEG = -1e9


def _register(cls):
    return keras.saving.register_keras_serializable(package=_PACKAGE)(cls)


@_register
class BlockSlice(keras.layers.Layer):
    """Columns ``start:stop`` of a 2-D input."""

    def __init__(self, start, stop, **kwargs):
        super().__init__(**kwargs)
        self.start = int(start)
        self.stop = int(stop)

    def call(self, inputs):
        return inputs[:, self.start : self.stop]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.stop - self.start)

    def get_config(self):
        return {**super().get_config(), "start": self.start, "stop": self.stop}


def feature_token_count(n_features, n_tokens):
    """Number of tokens :class:`FeatureTokens` makes of ``n_features``
    columns when ``n_tokens`` are asked for: chunks of ``ceil(n_features /
    n_tokens)`` columns, as many as hold a column (at most ``n_tokens``), so
    that no token is padding only (10 columns in 9 asked tokens: 5 chunks of
    2)."""
    chunk = math.ceil(n_features / max(1, min(int(n_tokens), n_features)))
    return math.ceil(n_features / chunk)


@_register
class FeatureTokens(keras.layers.Layer):
    """Split a feature block into ``n_tokens`` contiguous chunks and project
    each chunk to ``width`` (one shared projection plus a learned position
    embedding per chunk, as patch embeddings do). The last chunk is zero
    padded when the block width is not a multiple of ``n_tokens``; take
    ``n_tokens`` from :func:`feature_token_count` so that every chunk holds
    at least one column.
    """

    def __init__(self, n_tokens, width, **kwargs):
        super().__init__(**kwargs)
        self.n_tokens = int(n_tokens)
        self.width = int(width)

    def build(self, input_shape):
        n_features = int(input_shape[-1])
        self.chunk = math.ceil(n_features / self.n_tokens)
        self.pad = self.chunk * self.n_tokens - n_features
        self.kernel = self.add_weight(
            name="kernel",
            shape=(self.chunk, self.width),
            initializer="glorot_uniform",
        )
        self.bias = self.add_weight(
            name="bias", shape=(self.width,), initializer="zeros"
        )
        self.position = self.add_weight(
            name="position",
            shape=(self.n_tokens, self.width),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
        )

    def call(self, inputs):
        if self.pad:
            inputs = ops.pad(inputs, [[0, 0], [0, self.pad]])
        chunks = ops.reshape(inputs, (-1, self.n_tokens, self.chunk))
        return ops.matmul(chunks, self.kernel) + self.bias + self.position

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n_tokens, self.width)

    def get_config(self):
        return {**super().get_config(), "n_tokens": self.n_tokens, "width": self.width}


def patch_grid(shape, patch_size):
    """``(rows, columns)`` of the patch tokens :class:`ConvStem` makes from an
    image of ``shape`` (each stride-2 "same" convolution halves, rounding
    up)."""
    rows, cols = int(shape[0]), int(shape[1])
    for _ in range(int(math.log2(patch_size))):
        rows, cols = -(-rows // 2), -(-cols // 2)
    return rows, cols


@_register
class ConvStem(keras.layers.Layer):
    """A small convolutional stem: images -> spatial patch tokens.

    ``log2(patch_size)`` convolutions of kernel 3 and stride 2 (channels
    doubling up to ``width``), each with batch normalisation and ReLU, map
    an ``(H, W, C)`` image to a ``(H / p, W / p)`` grid of ``width``
    features; the grid is flattened row by row into tokens, and a learned
    position embedding per patch is added.
    """

    def __init__(self, width, patch_size=8, **kwargs):
        super().__init__(**kwargs)
        self.width = int(width)
        self.patch_size = int(patch_size)
        n = int(math.log2(self.patch_size))
        channels = [max(8, self.width // 2 ** (n - 1 - k)) for k in range(n)]
        channels[-1] = self.width
        self.convs = [
            keras.layers.Conv2D(c, 3, strides=2, padding="same", use_bias=False)
            for c in channels
        ]
        self.norms = [keras.layers.BatchNormalization() for _ in self.convs]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for conv, norm in zip(self.convs, self.norms):
            conv.build(shape)
            shape = conv.compute_output_shape(shape)
            norm.build(shape)
        self.grid = patch_grid(input_shape[1:3], self.patch_size)
        self.position = self.add_weight(
            name="position",
            shape=(self.grid[0] * self.grid[1], self.width),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
        )

    def call(self, images, training=None):
        x = images
        for conv, norm in zip(self.convs, self.norms):
            x = ops.relu(norm(conv(x), training=training))
        tokens = ops.reshape(x, (-1, self.grid[0] * self.grid[1], self.width))
        return tokens + self.position

    def compute_output_shape(self, input_shape):
        rows, cols = patch_grid(input_shape[1:3], self.patch_size)
        return (input_shape[0], rows * cols, self.width)

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "patch_size": self.patch_size,
        }


@_register
class SequenceIds(keras.layers.Layer):
    """Token ids as int32; ids outside ``[0, vocabulary_size)`` become the
    out-of-vocabulary id 1 (so unseen ids never index past the embedding)."""

    def __init__(self, vocabulary_size, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = int(vocabulary_size)

    def call(self, inputs):
        ids = ops.cast(ops.round(inputs), "int32")
        bad = ops.logical_or(ids < 0, ids >= self.vocabulary_size)
        return ops.where(bad, ops.ones_like(ids), ids)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs):
        return keras.KerasTensor(inputs.shape, dtype="int32")

    def get_config(self):
        return {**super().get_config(), "vocabulary_size": self.vocabulary_size}


@_register
class PaddingMask(keras.layers.Layer):
    """Float mask of a sequence of ids: 1 for a token, 0 for padding (id 0)."""

    def call(self, ids):
        return ops.cast(ops.not_equal(ids, 0), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


@_register
class ConstantMask(keras.layers.Layer):
    """A mask of ones of shape ``(batch, n_tokens)`` (feature tokens are
    never padding)."""

    def __init__(self, n_tokens, **kwargs):
        super().__init__(**kwargs)
        self.n_tokens = int(n_tokens)

    def call(self, inputs):
        return ops.ones((ops.shape(inputs)[0], self.n_tokens), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n_tokens)

    def get_config(self):
        return {**super().get_config(), "n_tokens": self.n_tokens}


@_register
class PositionEmbedding(keras.layers.Layer):
    """Add a learned embedding of each position to a sequence of tokens."""

    def build(self, input_shape):
        self.position = self.add_weight(
            name="position",
            shape=(int(input_shape[1]), int(input_shape[2])),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
        )

    def call(self, inputs):
        return inputs + self.position

    def compute_output_shape(self, input_shape):
        return input_shape


@_register
class ModalityEmbedding(keras.layers.Layer):
    """Add a learned embedding of the modality each token comes from."""

    def __init__(self, token_counts, **kwargs):
        super().__init__(**kwargs)
        self.token_counts = [int(n) for n in token_counts]

    def build(self, input_shape):
        self.embedding = self.add_weight(
            name="embedding",
            shape=(len(self.token_counts), int(input_shape[-1])),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
        )

    def call(self, inputs):
        index = [i for i, n in enumerate(self.token_counts) for _ in range(n)]
        return inputs + ops.take(self.embedding, ops.array(index, "int32"), axis=0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "token_counts": self.token_counts}


def _attention_mask(query_mask, key_mask):
    """Boolean ``(batch, n_query, n_key)`` mask for MultiHeadAttention."""
    del query_mask  # padded queries are ignored downstream (masked pooling)
    return ops.cast(ops.expand_dims(key_mask, 1), "bool")


def _keys(tokens, token_mask):
    """The key tokens of an attention and their mask; a single key token
    gets a masked copy of itself after it. Attention over one key is all on
    it, and Keras warns about such a softmax over one value; the masked copy
    takes no attention (or, the token itself masked, half of it, on the same
    value), so the outputs are the same."""
    if tokens.shape[1] != 1:
        return tokens, token_mask
    return (
        ops.concatenate([tokens, tokens], axis=1),
        ops.concatenate([token_mask, ops.zeros_like(token_mask)], axis=1),
    )


@_register
class TransformerBlock(keras.layers.Layer):
    """Post-norm transformer encoder block: masked multi-head self-attention
    and a feed-forward layer, each with dropout, a residual and LayerNorm."""

    def __init__(self, width, n_heads, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.width = int(width)
        self.n_heads = int(n_heads)
        self.dropout = float(dropout)
        key_dim = max(1, self.width // self.n_heads)
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.n_heads, key_dim=key_dim, dropout=self.dropout
        )
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ffn1 = keras.layers.Dense(2 * self.width, activation="relu")
        self.ffn2 = keras.layers.Dense(self.width)
        self.drop = keras.layers.Dropout(self.dropout)

    def build(self, input_shape):
        self.attention.build(input_shape, input_shape)
        self.norm1.build(input_shape)
        self.norm2.build(input_shape)
        self.ffn1.build(input_shape)
        self.ffn2.build((*input_shape[:-1], 2 * self.width))

    def call(self, inputs, token_mask, training=None):
        keys, key_mask = _keys(inputs, token_mask)
        mask = _attention_mask(token_mask, key_mask)
        attended = self.attention(inputs, keys, attention_mask=mask, training=training)
        x = self.norm1(inputs + self.drop(attended, training=training))
        ff = self.ffn2(self.ffn1(x))
        return self.norm2(x + self.drop(ff, training=training))

    def compute_output_shape(self, inputs_shape, token_mask_shape=None):
        return inputs_shape

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "n_heads": self.n_heads,
            "dropout": self.dropout,
        }


@_register
class CrossAttention(keras.layers.Layer):
    """Tokens of one modality (queries) attend to the tokens of the other
    modalities (keys and values); residual and LayerNorm."""

    def __init__(self, width, n_heads, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.width = int(width)
        self.n_heads = int(n_heads)
        self.dropout = float(dropout)
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.n_heads,
            key_dim=max(1, self.width // self.n_heads),
            dropout=self.dropout,
        )
        self.norm = keras.layers.LayerNormalization(epsilon=1e-6)
        self.drop = keras.layers.Dropout(self.dropout)

    def build(self, query_shape):
        # Key and value tokens have the same width as the queries.
        self.attention.build(query_shape, query_shape)
        self.norm.build(query_shape)

    def call(self, query, context, context_mask, training=None):
        context, context_mask = _keys(context, context_mask)
        mask = _attention_mask(None, context_mask)
        attended = self.attention(
            query, context, attention_mask=mask, training=training
        )
        return self.norm(query + self.drop(attended, training=training))

    def compute_output_shape(self, query_shape, context_shape, context_mask_shape=None):
        return query_shape

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "n_heads": self.n_heads,
            "dropout": self.dropout,
        }


@_register
class LSTMEncoder(keras.layers.Layer):
    """An LSTM over embedded tokens that skips padding; returns one output
    per position (zeros at padded positions)."""

    def __init__(self, width, **kwargs):
        super().__init__(**kwargs)
        self.width = int(width)
        self.lstm = keras.layers.LSTM(self.width, return_sequences=True)

    def build(self, input_shape):
        self.lstm.build(input_shape)

    def call(self, inputs, token_mask):
        mask = ops.cast(token_mask, "bool")
        out = self.lstm(inputs, mask=mask)
        return out * ops.expand_dims(ops.cast(token_mask, out.dtype), -1)

    def compute_output_shape(self, inputs_shape, token_mask_shape=None):
        return (*inputs_shape[:-1], self.width)

    def get_config(self):
        return {**super().get_config(), "width": self.width}


@_register
class AttentionPooling(keras.layers.Layer):
    """Pool tokens with a learned query, keeping the modalities apart.

    ``weights`` (batch, n_tokens) is a softmax over all non-padding tokens
    (each row sums to 1; a row whose every token is padding, e.g. an empty
    text in a model of sequence blocks only, has weight 0 everywhere and a
    pooled output of 0): these are the weights that
    :meth:`MultimodalAttentionClassifier.attention_weights` reports. The
    pooled output concatenates, for each modality, the weighted sum of its
    own tokens (``token_counts`` gives the tokens of each modality in
    order), so the head still sees which modality said what while the
    attention decides how much each one counts. Returns ``[pooled, weights]``.
    """

    def __init__(self, token_counts, **kwargs):
        super().__init__(**kwargs)
        self.token_counts = [int(n) for n in token_counts]

    def build(self, input_shape):
        width = int(input_shape[-1])
        self.key = keras.layers.Dense(width, use_bias=False)
        self.key.build(input_shape)
        self.query = self.add_weight(
            name="query", shape=(width,), initializer="glorot_uniform"
        )
        self.scale = 1.0 / math.sqrt(width)

    def call(self, inputs, token_mask):
        scores = ops.matmul(self.key(inputs), self.query) * self.scale
        scores = ops.where(token_mask > 0, scores, ops.full_like(scores, _NEG))
        if scores.shape[-1] == 1:
            # one token takes all the weight (Keras warns about a softmax
            # over one value); exp(0) keeps a NaN score and its 0 gradient
            weights = ops.exp(scores - scores)
        else:
            weights = ops.softmax(scores, axis=-1)
        # padding takes no weight, also in a row of padding only (whose
        # softmax over the fill value is uniform)
        weights = weights * ops.cast(token_mask > 0, weights.dtype)
        weighted = inputs * ops.expand_dims(weights, -1)
        parts, start = [], 0
        for n in self.token_counts:
            parts.append(ops.sum(weighted[:, start : start + n], axis=1))
            start += n
        pooled = parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)
        return [pooled, weights]

    def compute_output_shape(self, inputs_shape, token_mask_shape=None):
        width = inputs_shape[-1]
        return [
            (inputs_shape[0], width * len(self.token_counts)),
            (inputs_shape[0], inputs_shape[1]),
        ]

    def get_config(self):
        return {**super().get_config(), "token_counts": self.token_counts}
