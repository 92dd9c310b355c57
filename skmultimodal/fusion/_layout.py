"""The block layout of a fused matrix: which columns belong to which modality.

:class:`ModalityFusion` returns its dense output as a :class:`FusedArray`, a
thin :class:`numpy.ndarray` subclass that carries a :class:`BlockLayout`, so
the next step of a :class:`~sklearn.pipeline.Pipeline` (for example
``MultimodalAttentionClassifier``) can find the modality blocks by itself with
:func:`get_block_layout`. ``numpy.asarray`` turns a :class:`FusedArray` into
a plain ndarray, so every other estimator sees ordinary data.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from numbers import Integral
from typing import NamedTuple

import numpy as np

__all__ = ["Block", "BlockLayout", "FusedArray", "get_block_layout"]

_SEQ_RE = re.compile(r"^seq\d+$")

#: The kinds of block a layout holds.
KINDS = ("features", "sequence", "image")


class Block(NamedTuple):
    """One modality block: columns ``start:stop`` of the fused matrix.

    Parameters
    ----------
    name : str
        The modality (branch) name, e.g. ``"image"``.
    start, stop : int
        The block is ``X[:, start:stop]``.
    kind : {"features", "sequence", "image"}
        ``"features"``: real-valued features. ``"sequence"``: integer token
        ids (0 = padding) from a branch whose last step has
        ``sequence_output = True`` (e.g. ``TextSequencer``). ``"image"``:
        the decoded images themselves, each row a flattened ``shape`` array,
        from a branch whose last step has ``image_output = True`` (e.g.
        :class:`~skmultimodal.image.ImageArray`).
    vocabulary_size : int or None
        For sequence blocks, the number of distinct ids (``max id + 1``) when
        known.
    shape : tuple of (int, int, int) or None
        For image blocks, ``(height, width, channels)``; their product is
        the block's width.
    """

    name: str
    start: int
    stop: int
    kind: str = "features"
    vocabulary_size: int | None = None
    shape: tuple | None = None

    @property
    def width(self) -> int:
        """Number of columns."""
        return self.stop - self.start

    @property
    def slice(self) -> slice:
        """``slice(start, stop)``."""
        return slice(self.start, self.stop)


class BlockLayout(tuple):
    """The ordered, contiguous modality blocks of a fused matrix.

    A tuple of :class:`Block`. Build it from blocks, or from feature names
    with :meth:`from_feature_names`.

    Examples
    --------
    >>> from skmultimodal.fusion import BlockLayout
    >>> layout = BlockLayout.from_feature_names(
    ...     ["image__hog0", "image__hog1", "text__seq0", "text__seq1", "text__seq2"])
    >>> [(b.name, b.start, b.stop, b.kind) for b in layout]
    [('image', 0, 2, 'features'), ('text', 2, 5, 'sequence')]
    >>> layout.n_features
    5
    """

    def __new__(cls, blocks=()):
        blocks = tuple(b if isinstance(b, Block) else Block(*b) for b in blocks)
        pos = 0
        for b in blocks:
            if b.kind not in KINDS:
                raise ValueError(
                    f"block {b.name!r} has kind {b.kind!r}; expected one of "
                    f"{list(KINDS)}"
                )
            if b.kind == "image" and (
                b.shape is None
                or len(b.shape) != 3
                or int(np.prod(b.shape)) != b.stop - b.start
            ):
                raise ValueError(
                    f"image block {b.name!r} spans {b.stop - b.start} columns, "
                    f"which its shape {b.shape!r} must cover as (height, width, "
                    "channels)"
                )
            if b.start != pos or b.stop < b.start:
                raise ValueError(
                    f"blocks must be contiguous and in order; block {b.name!r} "
                    f"spans {b.start}:{b.stop} but the previous block ended at {pos}"
                )
            pos = b.stop
        return super().__new__(cls, blocks)

    def __repr__(self):
        def extra(b):
            if b.kind == "sequence":
                return f" sequence(vocab={b.vocabulary_size})"
            if b.kind == "image":
                return " image({}x{}x{})".format(*b.shape)
            return ""

        inner = ", ".join(f"{b.name}[{b.start}:{b.stop}]{extra(b)}" for b in self)
        return f"BlockLayout({inner})"

    def __reduce__(self):
        return (type(self), (tuple(self),))

    @property
    def names(self) -> list[str]:
        """Block names in order."""
        return [b.name for b in self]

    @property
    def n_features(self) -> int:
        """Total number of columns covered."""
        return self[-1].stop if len(self) else 0

    def get(self, name: str) -> Block:
        """The block called ``name`` (KeyError listing the names otherwise)."""
        for b in self:
            if b.name == name:
                return b
        raise KeyError(f"no block {name!r}; blocks: {self.names}")

    @classmethod
    def from_feature_names(
        cls,
        names,
        *,
        vocabulary_sizes=None,
        sequence_modalities=None,
        image_shapes=None,
    ) -> BlockLayout:
        """Group consecutive ``<modality>__<feature>`` names into blocks.

        Columns named ``<modality>__seq<k>`` form a sequence block. A name
        without ``__`` forms a block named after the whole name.

        Parameters
        ----------
        names : sequence of str
            Feature names, e.g. from ``get_feature_names_out()``.
        vocabulary_sizes : dict, default=None
            ``{modality: vocabulary size}`` for sequence blocks.
        sequence_modalities : collection of str, default=None
            The modalities known to output token ids: only their
            ``__seq<k>`` columns form sequence blocks (a text feature that
            happens to be called ``seq0`` stays a feature). None, when only
            the names are known: every ``__seq<k>`` column does.
        image_shapes : dict, default=None
            ``{modality: (height, width, channels)}`` of the modalities that
            output decoded images: their columns form image blocks.
        """
        vocabulary_sizes = vocabulary_sizes or {}
        image_shapes = image_shapes or {}
        blocks = []
        current = None
        for i, raw in enumerate(names):
            name = str(raw)
            prefix, sep, rest = name.partition("__")
            if not sep:
                prefix, rest = name, ""
            is_sequence = sequence_modalities is None or prefix in sequence_modalities
            if prefix in image_shapes:
                kind = "image"
            elif is_sequence and _SEQ_RE.match(rest):
                kind = "sequence"
            else:
                kind = "features"
            if current is not None and current[0] == prefix and current[2] == kind:
                current[1] = i + 1
                continue
            if current is not None:
                blocks.append(current)
            current = [prefix, i + 1, kind, i]
        if current is not None:
            blocks.append(current)
        return cls(
            Block(
                name,
                start,
                stop,
                kind,
                vocabulary_sizes.get(name) if kind == "sequence" else None,
                tuple(int(d) for d in image_shapes[name]) if kind == "image" else None,
            )
            for name, stop, kind, start in blocks
        )


def _without_layout(out, inputs=()):
    """``out`` (or each array of a tuple or list of them) with no layout.

    An array among ``inputs`` (the caller's, which an operation may return
    as it is, alone or in a list: ``np.atleast_1d(Z, v)``) is never changed:
    a view of it without layout takes its place (in a new tuple or list).
    """
    if isinstance(out, tuple | list):
        items = [_without_layout(item, inputs) for item in out]
        if any(new is not old for new, old in zip(items, out)):
            out = out._make(items) if hasattr(out, "_make") else type(out)(items)
    elif isinstance(out, FusedArray):
        if any(out is a for a in inputs):
            out = out.view(type(out))
        out.block_layout = None
    return out


def _inputs(func, args, kwargs):
    """The arrays given to ``func(*args, **kwargs)``, also inside (nested)
    lists and tuples, but those it writes to as its ``out``: the arrays an
    operation must leave as they are."""
    signature = _signature(func)
    try:
        bound = signature.bind(*args, **kwargs).arguments if signature else kwargs
    except TypeError:
        bound = kwargs
    outs = list(_arrays(bound.get("out")))
    given = _arrays((*args, *kwargs.values()))
    return [a for a in given if not any(a is o for o in outs)]


def _arrays(arg):
    """The arrays in ``arg``: an array, or (nested) lists and tuples of them."""
    if isinstance(arg, tuple | list):
        for item in arg:
            yield from _arrays(item)
    elif isinstance(arg, np.ndarray):
        yield arg


def _selects_rows(key, shape):
    """Whether ``Z[key]`` keeps every column of the 2-D ``Z`` in place: a
    row selection (``Z[rows]``, ``Z[mask]``, ``Z[rows, :]``, ``Z[rows,
    ...]``), whose column index, if any, is a full slice."""
    key = key if isinstance(key, tuple) else (key,)
    if len(shape) != 2 or any(k is None for k in key):  # np.newaxis
        return False
    for i, k in enumerate(key):
        if k is Ellipsis:  # the full slices it stands for
            key = key[:i] + (slice(None),) * (3 - len(key)) + key[i + 1 :]
            break
    if len(key) < 2:
        return True
    column = key[1]
    return (
        len(key) == 2
        and isinstance(column, slice)
        and column.indices(shape[1]) == (0, shape[1], 1)
    )


@cache
def _signature(func):
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):  # none to read: not known to keep columns
        return None


def _along_rows(func, args, kwargs):
    """Whether the NumPy function ``func(*args, **kwargs)`` works along the
    rows (``axis`` 0 or -2), leaving every column in place."""
    signature = _signature(func)
    if signature is None or "axis" not in signature.parameters:
        return False
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return False
    bound.apply_defaults()
    axis = bound.arguments["axis"]
    return isinstance(axis, Integral) and not isinstance(axis, bool) and axis in (0, -2)


def _shared_layout(args, kwargs):
    """The layout that every 2-D :class:`FusedArray` among the arguments
    (or in a list or tuple argument, as ``np.concatenate`` takes) carries,
    or None when one carries none or two differ."""
    layout = None
    for arg in (*args, *kwargs.values()):
        for a in arg if isinstance(arg, tuple | list) else (arg,):
            if isinstance(a, FusedArray) and a.ndim == 2:
                if a.block_layout is None or (
                    layout is not None and a.block_layout != layout
                ):
                    return None
                layout = a.block_layout
    return layout


def _with_layout(out, layout):
    """``out`` carrying ``layout`` when it is a 2-D array as wide as the
    layout: the result of an operation along the rows, whose layout a
    nested ufunc reduction or ``np.concatenate`` may have dropped."""
    if (
        layout is not None
        and isinstance(out, np.ndarray)
        and out.ndim == 2
        and out.shape[1] == layout.n_features
        and getattr(out, "block_layout", None) is None
    ):
        if not isinstance(out, FusedArray):
            out = out.view(FusedArray)
        out.block_layout = layout
    return out


def _along_rows_method(name):
    """The ndarray method ``name`` (whose NumPy function of the same name
    takes the array first, then the same arguments), dropping the layout
    of its result, or of the array itself when it works in place (``sort``,
    ``partition``), unless it works along the rows."""
    method, function = getattr(np.ndarray, name), getattr(np, name)

    def along_axis(self, *args, **kwargs):
        out = method(self, *args, **kwargs)
        if _along_rows(function, (self, *args), kwargs):
            return _with_layout(out, self.block_layout)
        if out is None:  # in place: the array's own columns moved
            self.block_layout = None
        return _without_layout(out)

    along_axis.__name__ = along_axis.__qualname__ = name
    along_axis.__doc__ = f"``ndarray.{name}``; the layout stays along the rows only."
    return along_axis


#: NumPy functions without an ``axis`` that keep every column in place
#: (elementwise, copies, row stacking and splitting).
_KEEPS_COLUMNS = frozenset(
    {
        np.around,
        np.atleast_2d,
        np.clip,
        np.copy,
        np.empty_like,
        np.flipud,
        np.full_like,
        np.imag,
        np.nan_to_num,
        np.ones_like,
        np.real,
        np.round,
        np.vsplit,
        np.vstack,
        np.where,
        np.zeros_like,
    }
)


class FusedArray(np.ndarray):
    """A 2-D float array carrying the :class:`BlockLayout` of its columns.

    Returned by :class:`ModalityFusion` for dense output. It behaves as a
    plain ndarray; ``np.asarray(Z)`` returns one. The layout is kept only
    where the columns are certainly unchanged: row selections (``Z[rows]``,
    ``Z[rows, :]``, ``Z[mask]``), elementwise arithmetic and ufuncs,
    copying, pickling, NumPy functions and methods along the rows
    (``axis=0``, e.g. ``np.sort(Z, axis=0)``, ``Z.cumsum(axis=0)``), and
    stacking the rows of arrays that carry no other layout (``np.vstack``,
    ``np.concatenate(..., axis=0)``). Anything else drops it (the result's
    ``block_layout`` is None, so :func:`get_block_layout` finds none): any
    column indexing but a full slice (``Z[:, ::-1]``, ``Z[:, perm]``),
    transposes (``Z.T``, ``np.transpose``), functions and methods along the
    columns or over the whole array (``axis=1``, ``-1`` or None, e.g.
    ``np.sort(Z)``, ``np.roll(Z, 1)``, ``Z.repeat(2, axis=1)``), ufunc
    methods that keep the shape, whatever their axis
    (``np.add.accumulate``, ``np.add.reduceat``), matrix products, and any
    change in the number of columns.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.fusion import BlockLayout, FusedArray, get_block_layout
    >>> layout = BlockLayout.from_feature_names(["a__x", "b__y", "b__z"])
    >>> Z = FusedArray(np.zeros((4, 3)), layout)
    >>> get_block_layout(Z[1:3]).names
    ['a', 'b']
    >>> get_block_layout(Z[:, :2]) is None
    True
    >>> get_block_layout(Z[:, ::-1]) is None  # the same width, reordered
    True
    >>> type(np.asarray(Z)).__name__
    'ndarray'
    """

    def __new__(cls, data, block_layout=None):
        obj = np.asarray(data).view(cls)
        if block_layout is not None and (
            obj.ndim != 2 or block_layout.n_features != obj.shape[1]
        ):
            raise ValueError(
                f"block layout covers {block_layout.n_features} columns but the "
                f"array has shape {obj.shape}"
            )
        obj.block_layout = block_layout
        return obj

    def __array_finalize__(self, obj):
        if obj is None:
            return
        layout = getattr(obj, "block_layout", None)
        keep = (
            layout is not None
            and self.ndim == 2
            and getattr(obj, "ndim", 0) == 2
            and self.shape[1] == obj.shape[1]
        )
        self.block_layout = layout if keep else None

    def __getitem__(self, key):
        out = super().__getitem__(key)
        if isinstance(out, FusedArray) and not _selects_rows(key, self.shape):
            out.block_layout = None
        return out

    def __array_function__(self, func, types, args, kwargs):
        out = super().__array_function__(func, types, args, kwargs)
        if func in _KEEPS_COLUMNS or _along_rows(func, args, kwargs):
            return _with_layout(out, _shared_layout(args, kwargs))
        if not isinstance(out, FusedArray | tuple | list) or not any(
            isinstance(a, FusedArray) for a in _arrays(out)
        ):
            return out  # a scalar, a shape, plain arrays: nothing to strip
        return _without_layout(out, _inputs(func, args, kwargs))

    def __array_wrap__(self, array, context=None, return_scalar=False):
        out = super().__array_wrap__(array, context, return_scalar)
        if return_scalar and isinstance(out, np.ndarray) and out.ndim == 0:
            return out[()]  # Z.sum(), np.max(Z): a NumPy scalar, as an ndarray's
        if context is None:
            # a ufunc method (reduce, accumulate, reduceat), whose axis is
            # not known here: a result as tall as the input may have mixed
            # the columns (along the rows, the row count changes, or the
            # caller knows the axis and puts the layout back)
            if getattr(out, "shape", None) == self.shape:
                return _without_layout(out)
        elif context[0].signature is not None:
            return _without_layout(out)  # a generalised ufunc: matmul
        return out

    @property
    def T(self):
        return self.transpose()

    @property
    def mT(self):
        return _without_layout(super().mT)

    def transpose(self, *axes):
        return _without_layout(super().transpose(*axes))

    def swapaxes(self, axis1, axis2):
        return _without_layout(super().swapaxes(axis1, axis2))

    def dot(self, b, out=None):
        # as np.dot and the @ operator: the product mixes the columns
        return _without_layout(super().dot(b) if out is None else super().dot(b, out))

    # methods along an axis: the layout stays only along the rows (axis=0)
    argpartition = _along_rows_method("argpartition")
    argsort = _along_rows_method("argsort")
    cumprod = _along_rows_method("cumprod")
    cumsum = _along_rows_method("cumsum")
    partition = _along_rows_method("partition")
    repeat = _along_rows_method("repeat")
    sort = _along_rows_method("sort")
    take = _along_rows_method("take")

    def __reduce__(self):
        constructor, args, state = super().__reduce__()
        return constructor, args, (state, self.block_layout)

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2 and isinstance(state[0], tuple):
            nd_state, layout = state
            super().__setstate__(nd_state)
            self.block_layout = layout
        else:  # pragma: no cover - plain ndarray state
            super().__setstate__(state)
            self.block_layout = None


#: The key of a pandas DataFrame's ``attrs`` under which ModalityFusion
#: keeps the block layout with the column names it belongs to: pandas
#: carries ``attrs`` through copies, row selections and concatenations,
#: where an attribute of the frame is lost.
LAYOUT_ATTR = "skmultimodal.block_layout"


def _attrs_layout(X, columns):
    """The layout kept in a DataFrame's ``attrs`` (:data:`LAYOUT_ATTR`),
    when its columns are still those it was made for (a column selection or
    a renaming that pandas carried the ``attrs`` through invalidates it)."""
    attrs = getattr(X, "attrs", None)
    kept = attrs.get(LAYOUT_ATTR) if isinstance(attrs, dict) else None
    if not (isinstance(kept, tuple) and len(kept) == 2) or columns is None:
        return None
    layout, names = kept
    if isinstance(layout, BlockLayout) and list(map(str, columns)) == list(names):
        return layout
    return None


def get_block_layout(X) -> BlockLayout | None:
    """The :class:`BlockLayout` of a fused matrix, or None when unknown.

    Looks, in order, at a layout attached to ``X`` (a :class:`FusedArray`
    or a sparse matrix returned by :class:`ModalityFusion`), then at the
    one a pandas DataFrame made by :class:`ModalityFusion` keeps in its
    ``attrs`` (through copies and row selections, while its columns are
    unchanged), then at the column names of a DataFrame
    (``<modality>__<feature>``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    layout : BlockLayout or None
    """
    layout = getattr(X, "block_layout", None)
    shape = getattr(X, "shape", None)
    if isinstance(layout, BlockLayout):
        if shape is not None and len(shape) == 2 and shape[1] == layout.n_features:
            return layout
        return None
    columns = getattr(X, "columns", None)
    kept = _attrs_layout(X, columns)
    if kept is not None:
        return kept
    if columns is not None and len(columns):
        names = [str(c) for c in columns]
        if all("__" in n for n in names):
            return BlockLayout.from_feature_names(names)
    return None
