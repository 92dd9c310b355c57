"""One inference function of a Keras model for batches of any size, shared by
the backbone features, the text encoder and the attention classifier."""


def traced_inference(model, inputs=None, *, call=None):
    """``call(batch)`` (default: ``model(batch, training=False)``) as one
    function of a batch of any size.

    Under TensorFlow it is traced once, here, into a concrete function whose
    batch dimension is ``None``: every batch, the last shorter one and a
    one-row call included, runs the same graph. Calling the model eagerly
    costs about 20 ms a call; ``model.predict`` and ``predict_on_batch``
    trace their ``tf.function`` again for each new batch size and each new
    model, and TensorFlow warns about such retracing. Under another backend
    ``call`` runs as it is, and the default is ``model.predict_on_batch``.

    Parameters
    ----------
    model : keras.Model
        The model; its inputs give the default signature.
    inputs : list of (shape, dtype) or None, default=None
        The signature of ``call``'s argument, one ``(shape, dtype)`` per
        input, ``shape`` without the batch dimension and ``dtype`` a
        TensorFlow dtype name (``"float32"``, ``"string"``); None: each of
        ``model.inputs`` with its own shape and dtype. One pair is passed as
        a single tensor, several as a list.
    call : callable or None, default=None
        The function of one batch to trace.

    Returns
    -------
    function : callable
        ``function(batch)`` gives the outputs as backend tensors.
    """
    import keras

    if keras.backend.backend() != "tensorflow":  # pragma: no cover
        return call or model.predict_on_batch  # compiled by the backend
    if call is None:

        def call(batch):
            return model(batch, training=False)

    import tensorflow as tf

    if inputs is None:
        inputs = [(tuple(t.shape)[1:], t.dtype) for t in model.inputs]
    specs = [tf.TensorSpec((None, *shape), dtype) for shape, dtype in inputs]
    function = tf.function(call)
    return function.get_concrete_function(specs[0] if len(specs) == 1 else specs)
