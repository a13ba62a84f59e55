"""The augmentations in the batch pipeline: thin wrappers around the NumPy chains.

``tf_apply_augmentations`` runs :func:`~tslearnkit.augment.apply_augmentations` inside
``tf.numpy_function``, so every transform exists once (``transforms``) and the ``tf_*`` versions
draw from a NumPy generator seeded by a stateless shape-``(2,)`` seed: the same seed gives the
same result as the NumPy function given ``np.random.default_rng(seed)``. They work eagerly, in
``tf.function`` and in ``dataset.map``, not under XLA (``jit_compile``) or in a SavedModel graph.

:func:`make_tf_augmenter`, :func:`make_tf_two_views` and :func:`make_tf_stacked_views` return the
per-batch function that :mod:`tslearnkit.sampling`'s pipeline takes
(:func:`tslearnkit.sampling.batch_pipeline`), drawing fresh randomness for every batch: on the
TensorFlow backend a ``dataset.map`` function of tensors (the ``tf_*`` wrappers, seeded by a
``tf.random.Generator``); on JAX and PyTorch, where the batches are a ``keras.utils.PyDataset`` and
TensorFlow may be absent, the same NumPy chains called directly, seeded ``[seed, batch call]``. The
same seed gives the same augmentations on one backend; TensorFlow's and NumPy's seed streams differ,
so another backend draws other (equally distributed) augmentations.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable

import numpy as np

from ..checks import check_int
from .chain import CONTRASTIVE_AUGMENTATIONS, _parse_augmentations
from .transforms import _run_chain


def _stateless_seed(seed):
    """A shape-(2,) int64 seed for stateless random ops.

    ``None`` draws one from TensorFlow's global random state (reproducible after
    ``tf.random.set_seed`` / ``keras.utils.set_random_seed``, new at every call or batch); an
    int ``s`` becomes ``[s, 0]``; a tensor must already have shape ``(2,)``.
    """
    import tensorflow as tf

    if seed is None:
        return tf.random.uniform([2], minval=0, maxval=2**62, dtype=tf.int64)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return tf.constant([int(seed), 0], dtype=tf.int64)
    seed = tf.cast(tf.convert_to_tensor(seed), tf.int64)
    if seed.shape.rank != 1 or seed.shape[0] != 2:
        raise ValueError(f"a stateless seed must have shape (2,); got shape {seed.shape}")
    return seed


def _numpy_seed(seed) -> np.ndarray:
    """The NumPy seed of a stateless shape-(2,) int64 seed (bits kept, as two unsigned words)."""
    return np.asarray(seed).astype(np.int64).view(np.uint64)


def _numpy_pipeline() -> bool:
    """Whether the batch pipeline is the PyDataset one (NumPy arrays in, NumPy arrays out)."""
    from ..sampling import batch_pipeline

    return batch_pipeline() == "PyDataset"


def _numpy_batch_seeds(seed: int | None):
    """A function returning a fresh NumPy seed (1-D ``uint64`` words) at every call (batch).

    An int ``seed`` gives ``[seed, call]``: the same sequence for two augmenters of one seed fed in
    the same order. ``None`` draws a word from NumPy's global random state (reproducible after
    ``keras.utils.set_random_seed``, new at every call).
    """
    if seed is None:
        return lambda: np.array([np.random.randint(0, 2**62, dtype=np.int64)], np.uint64)
    check_int("seed", seed, low=0)
    calls = itertools.count()
    return lambda: np.array([seed, next(calls)], np.uint64)


def _numpy_augment(x, chain, seed) -> np.ndarray:
    """The chain on a NumPy batch ``(n, t, c)`` or one series ``(t, c)``, as ``tf_apply_augmentations`` does."""
    x = np.asarray(x)
    out = _run_chain(x if x.ndim == 3 else x[None], chain, seed)
    return out if x.ndim == 3 else out[0]


def tf_apply_augmentations(x, augmentations, *, seed=None):
    """TensorFlow version of :func:`apply_augmentations` (graph-safe, ``tf.data``-mappable).

    Args:
        x: float tensor ``(n, timesteps, channels)`` or one series ``(timesteps, channels)``;
            ``n`` and ``timesteps`` may be dynamic.
        augmentations: as in :func:`apply_augmentations`; checked when called (traced).
        seed: int, shape-``(2,)`` integer tensor (stateless seed), or ``None`` to draw one from
            TensorFlow's global seeded RNG. A fixed seed gives the same result at every call:
            inside ``dataset.map`` use ``None`` or :func:`make_tf_augmenter`.

    Returns:
        Tensor of the shape and dtype of ``x``, computed in float64 by NumPy.
    """
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"x must be a floating-point tensor; got dtype {x.dtype.name}")
    rank = x.shape.rank
    if rank not in (2, 3):
        raise ValueError(f"x must be (n, timesteps, channels) or (timesteps, channels); got shape {x.shape}")
    chain = _parse_augmentations(augmentations)
    _run_chain(np.zeros((1, 2, 1)), chain, seed=0)  # check the strengths now, not in the graph

    def augment(values, numpy_seed):
        batch = values if values.ndim == 3 else values[None]
        out = _run_chain(batch, chain, _numpy_seed(numpy_seed))
        return out if values.ndim == 3 else out[0]

    out = tf.numpy_function(augment, [x, _stateless_seed(seed)], x.dtype, stateful=False)
    out.set_shape(x.shape)
    return out


def _two_views(x, seed, augmentations):
    """Two independent augmentations of a batch under one stateless seed: ``(view_a, view_b)``."""
    import tensorflow as tf

    seeds = tf.random.experimental.stateless_split(_stateless_seed(seed), 2)
    return (
        tf_apply_augmentations(x, augmentations, seed=seeds[0]),
        tf_apply_augmentations(x, augmentations, seed=seeds[1]),
    )


def _batch_seed_source(seed: int | None):
    """A function returning a fresh shape-(2,) stateless seed at every call (batch)."""
    import tensorflow as tf

    if seed is None:
        return lambda: _stateless_seed(None)
    check_int("seed", seed, low=0)
    generator = tf.random.Generator.from_seed(seed)
    return lambda: generator.make_seeds(1)[:, 0]


def make_tf_augmenter(augmentations, seed: int | None = None) -> Callable:
    """The batch pipeline's augmenter: augments every batch (or series) with fresh randomness.

    Example::

        augment = make_tf_augmenter(["time_warp", ("jitter", {"sigma": 0.05})], seed=0)
        train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32).map(augment)

    The returned function takes ``x`` or ``(x, *rest)`` (e.g. ``(x, y)``), augments ``x`` and
    returns the same structure; it also fits ``sampling.balanced_batches(transform=...)``.

    On the TensorFlow backend it is a ``dataset.map`` function of tensors: an int ``seed`` drives a
    ``tf.random.Generator`` that hands each call its own stateless seed (the pattern of TensorFlow's
    data-augmentation tutorial): two augmenters built with the same seed produce the same sequence
    when batches arrive in the same order (use ``num_parallel_calls=None``), and every epoch gets new
    augmentations. Build it outside ``strategy.scope()``. ``seed=None`` uses TensorFlow's global
    seeded RNG. On JAX and PyTorch (the ``PyDataset`` pipeline, see
    :func:`tslearnkit.sampling.batch_pipeline`) it is a function of NumPy arrays seeded
    ``[seed, call]`` (``None``: NumPy's global random state), and needs no TensorFlow.

    Args:
        augmentations: chain as in :func:`apply_augmentations` (checked here, once).
        seed: non-negative int or ``None``.

    Returns:
        ``augment(x, *rest) -> x_aug`` or ``(x_aug, *rest)``.
    """
    chain = _parse_augmentations(augmentations)
    if _numpy_pipeline():
        _run_chain(np.zeros((1, 2, 1)), chain, seed=0)  # check the strengths now, not at the first batch
        next_numpy_seed = _numpy_batch_seeds(seed)

        def augment_numpy(x, *rest):
            out = _numpy_augment(x, chain, next_numpy_seed())
            return (out, *rest) if rest else out

        return augment_numpy
    next_seed = _batch_seed_source(seed)

    def augment(x, *rest):
        out = tf_apply_augmentations(x, augmentations, seed=next_seed())
        return (out, *rest) if rest else out

    return augment


def at_series_scale(transform: Callable) -> Callable:
    """``transform`` (a function of :func:`make_tf_augmenter` or :func:`make_tf_two_views`) applied to each
    series at its own scale: every (series, channel) is standardised by its own mean and standard deviation
    over time, transformed, and put back. A jitter of ``sigma`` then adds noise of ``sigma`` times the
    series' own spread, not of the dataset's, so it cannot drown a series that is nearly flat at the
    dataset's scale (the recipe's ``per_series_channels``). Tensors or NumPy arrays, as ``transform`` takes.
    """

    def wrapped(x, *rest):
        if len(x.shape) != 3:  # the statistics are over axis 1, time, of a batch
            raise ValueError(f"at_series_scale takes a batch (n, timesteps, channels); got shape {tuple(x.shape)}")
        if isinstance(x, np.ndarray):
            mean, spread = x.mean(axis=1, keepdims=True), x.std(axis=1, keepdims=True)
            spread = np.where(spread > 0, spread, 1).astype(x.dtype)
        else:
            import tensorflow as tf

            mean, spread = tf.reduce_mean(x, axis=1, keepdims=True), tf.math.reduce_std(x, axis=1, keepdims=True)
            spread = tf.where(spread > 0, spread, tf.ones_like(spread))
        out = transform((x - mean) / spread, *rest)
        head = out[0] if rest else out  # the augmented batch, or the two views

        def restore(v):
            return v * spread + mean

        head = tuple(restore(v) for v in head) if isinstance(head, (tuple, list)) else restore(head)
        return (head, *out[1:]) if rest else head

    return wrapped


def make_tf_two_views(seed: int | None = None, augmentations=CONTRASTIVE_AUGMENTATIONS) -> Callable:
    """The batch pipeline's two-views function: two augmented views per batch.

    ``x -> (view_a, view_b)`` and ``(x, *rest) -> ((view_a, view_b), *rest)``; tensors in ``tf.data``
    on TensorFlow, NumPy arrays on the other backends; seeding as in :func:`make_tf_augmenter`.
    Called with ``x`` alone it is a drop-in ``views`` function for
    :func:`tslearnkit.training.fit_contrastive`.
    """
    chain = _parse_augmentations(augmentations)
    if _numpy_pipeline():
        _run_chain(np.zeros((1, 2, 1)), chain, seed=0)  # check the strengths now, not at the first batch
        next_numpy_seed = _numpy_batch_seeds(seed)

        def views_numpy(x, *rest):
            words = next_numpy_seed()  # one seed a batch, split in two: one per view
            pair = tuple(_numpy_augment(x, chain, np.append(words, np.uint64(view))) for view in (0, 1))
            return (pair, *rest) if rest else pair

        return views_numpy
    next_seed = _batch_seed_source(seed)

    def views(x, *rest):
        pair = _two_views(x, next_seed(), augmentations)
        return (pair, *rest) if rest else pair

    return views


def make_tf_stacked_views(seed: int | None = None, augmentations=CONTRASTIVE_AUGMENTATIONS) -> Callable:
    """A ``transform`` for :func:`tslearnkit.sampling.balanced_batches` (or ``dataset.map``):
    ``(x, y) -> ([view_a; view_b], [y; y])``, the two views of a batch of ``n`` series stacked
    into one batch of ``2n`` — the layout ``tk.losses.SupConLoss`` and ``NTXentLoss`` take in a
    plain ``model.fit``. Tensors or NumPy arrays and seeding as in :func:`make_tf_two_views`."""
    two_views = make_tf_two_views(seed, augmentations)
    if _numpy_pipeline():

        def stacked_numpy(x, y):
            view_a, view_b = two_views(x)
            return np.concatenate([view_a, view_b]), np.concatenate([y, y])

        return stacked_numpy
    import tensorflow as tf

    def stacked(x, y):
        view_a, view_b = two_views(x)
        return tf.concat([view_a, view_b], axis=0), tf.concat([y, y], axis=0)

    return stacked
