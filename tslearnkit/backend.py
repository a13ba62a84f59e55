"""Everything that depends on the Keras backend (TensorFlow, JAX or PyTorch), in one place.

The losses, metrics and models are written on `keras.ops` and run unchanged on every Keras 3
backend (`KERAS_BACKEND=tensorflow|jax|torch`). What `keras.ops` does not offer lives here:

* `is_concrete`: whether a tensor holds values (eager) or is being traced, so that input checks
  and warnings that need values run only when they can (`suspend_value_checks` turns them off
  in a training batch);
* `batched_searchsorted`: a row-wise `searchsorted` where the backend has one (`keras.ops` is
  1-D only), and whether XLA compiles the TensorFlow function being traced;
* `gather_from_replicas`: the all-gather of a `tf.distribute` replica context (JAX's
  `keras.distribution` and single-device torch see the global batch already);
* `synchronized_batch_norm`: whether BatchNorm must synchronise replicas (TensorFlow only);
* `distribution_scope`: the scope a model is built and compiled in: a `tf.distribute.Strategy`'s
  on TensorFlow; on JAX a `keras.distribution.Distribution` (e.g. `DataParallel`) is made
  Keras' distribution, which `fit`, `evaluate` and `predict` read when they run;
* `value_and_grad` and `compile_function`, for tests and benchmarks: a scalar function's value
  and its gradient, and the backend's compiler (`tf.function`, `jax.jit`; torch runs eagerly,
  as Keras does by default).

Nothing in this module imports a backend before it is needed.
"""

import contextlib

import keras
import numpy as np

LOW_PRECISION = ("float16", "bfloat16")


def name():
    """The Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"``."""
    return keras.backend.backend()


_value_checks = {"suspended": False}


def suspend_value_checks(suspended):
    """Turns the losses' checks of values (NaN inputs, batches without positives) off or on.

    `tslearnkit.callbacks.NonFiniteGuard` turns them off for each training batch: torch runs
    Keras' train step eagerly, where the losses could check values, but the guard reports a
    diverged model at the epoch's end with its own error, as on TensorFlow and JAX (whose steps
    are traced, so the checks never run in `fit`).
    """
    _value_checks["suspended"] = bool(suspended)


def is_concrete(x):
    """True when `x` holds concrete values: not inside a TF graph, nor a traced JAX function.

    Under `jax.grad` without `jit` the values are known and the checks run, as under TF's eager
    `GradientTape`. False while `suspend_value_checks(True)` holds.
    """
    if _value_checks["suspended"]:
        return False
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.executing_eagerly()
    if backend == "jax":
        import jax

        if not isinstance(x, jax.core.Tracer):
            return True
        try:
            from jax._src import core as jax_core

            return bool(jax_core.is_concrete(x))
        except (ImportError, AttributeError):  # private API moved: treat every tracer as abstract
            return False
    return True  # torch: eager (Keras does not compile torch steps unless asked)


def in_xla_context():
    """True while tracing a TensorFlow function that XLA compiles (`jit_compile=True`)."""
    if name() != "tensorflow":
        return False
    try:
        from tensorflow.python.framework import ops as tf_ops
        from tensorflow.python.ops import control_flow_util
    except ImportError:  # private modules moved: fall back to TensorFlow's own op
        return False
    return bool(control_flow_util.GraphOrParentsInXlaContext(tf_ops.get_default_graph()))


def batched_searchsorted(sorted_rows, values, side):
    """The backend's row-wise `searchsorted` as int32 `(b, q)`, or None where it has none cheap.

    TensorFlow and torch search every row of a `(b, m)` tensor natively. TensorFlow under XLA
    lowers its op to a `(b, q, m)` comparison (9 GiB at b = q = m = 1024), so None is returned
    there, and on JAX, whose `searchsorted` is 1-D: the caller runs its binary search instead.
    """
    backend = name()
    if backend == "tensorflow":
        if in_xla_context() and sorted_rows.shape[1] is not None:
            return None
        import tensorflow as tf

        return tf.searchsorted(sorted_rows, values, side=side, out_type=tf.int32)
    if backend == "torch":
        import torch

        return torch.searchsorted(sorted_rows.contiguous(), values.contiguous(), right=side == "right", out_int32=True)
    return None


def gather_from_replicas(*tensors):
    """All-gathers tensors along axis 0 inside a tf.distribute replica context with N > 1.

    Returns:
      `(tensors, num_replicas)`; unchanged tensors and 1 outside such a context, and on JAX
      (a `keras.distribution` step is one program over the global batch) and torch.
    """
    if name() != "tensorflow":
        return tensors, 1
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return tensors, 1
    gathered = tuple(context.all_gather(tensor, axis=0) for tensor in tensors)
    return gathered, context.num_replicas_in_sync


def synchronized_batch_norm():
    """Whether `BatchNormalization` needs `synchronized=True` to use the global batch's statistics.

    Only TensorFlow: each `tf.distribute` replica sees its own shard, while a JAX
    `keras.distribution` step is one program over the global batch (and Keras accepts the flag
    on TensorFlow only).
    """
    return name() == "tensorflow"


def distribution_scope(strategy=None):
    """The context a model is built and compiled in.

    Args:
      strategy: `None` (one device; TensorFlow's default strategy), a `tf.distribute.Strategy`
        (TensorFlow) or a `keras.distribution.Distribution` such as
        `keras.distribution.DataParallel()` (JAX). Keras' JAX trainer shards each batch by the
        distribution in force when `fit` runs, after this scope has closed, so a
        `Distribution` is set for the process (`keras.distribution.set_distribution`; pass
        `None` to it to go back to one device).

    Raises:
      ValueError: for a strategy the backend cannot use.
    """
    if strategy is None:
        if name() == "tensorflow":
            import tensorflow as tf

            return tf.distribute.get_strategy().scope()
        return contextlib.nullcontext()
    if isinstance(strategy, (keras.distribution.DataParallel, keras.distribution.ModelParallel)):
        if name() != "jax":
            raise ValueError(f"a keras.distribution.{type(strategy).__name__} needs KERAS_BACKEND=jax; got {name()}")
        keras.distribution.set_distribution(strategy)
        return contextlib.nullcontext()
    if name() != "tensorflow":
        raise ValueError(
            f"strategy={type(strategy).__name__} is a tf.distribute strategy, which needs KERAS_BACKEND=tensorflow; "
            f"on {name()} pass a keras.distribution.DataParallel (JAX) or None"
        )
    return strategy.scope()


def to_numpy(x):
    """A tensor of any backend as a NumPy array (float16/bfloat16 as float32)."""
    if keras.backend.standardize_dtype(x.dtype) in LOW_PRECISION:
        x = keras.ops.cast(x, "float32")
    if name() == "torch":
        x = x.detach()
    return np.asarray(keras.ops.convert_to_numpy(x))


def value_and_grad(function, x):
    """`(function(x), d function / d x)` for a scalar `function` of one tensor.

    Returns:
      `(value, gradient)`, both tensors of the backend (the value detached from the graph).
    """
    backend = name()
    x = keras.ops.convert_to_tensor(x)
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            value = function(x)
        gradient = tape.gradient(value, x)
        if isinstance(gradient, tf.IndexedSlices):  # tf.gather's sparse gradient
            gradient = tf.convert_to_tensor(gradient)
        return value, gradient
    if backend == "jax":
        import jax

        return jax.value_and_grad(function)(x)
    import torch

    x = x.detach().clone().requires_grad_(True)
    value = function(x)
    (gradient,) = torch.autograd.grad(value, x, allow_unused=True)
    if gradient is None:
        gradient = torch.zeros_like(x)
    return value.detach(), gradient


def compile_function(function):
    """`function` compiled as the backend's Keras train step is: `tf.function`, `jax.jit`, or
    as is on torch (Keras runs torch steps eagerly unless `jit_compile=True`)."""
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function)
    if backend == "jax":
        import jax

        return jax.jit(function)
    return function
