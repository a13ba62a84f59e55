"""Cross-replica gathering for losses computed on the global batch of a `tf.distribute` run.

Keras 3 does not divide a *scalar* loss by the number of replicas (only per-sample losses are),
while the optimizer sums the replica gradients. The Keras classes (`keras_losses`) therefore
gather `y_true`/`y_pred` from all replicas, mine on the global batch and divide by the number of
replicas, so that N replicas give the same gradients as one device.
"""

from .. import backend


def _gather_from_replicas(*tensors):
    """All-gathers tensors along axis 0 inside a tf.distribute replica context with N > 1.

    Returns:
      `(tensors, num_replicas)`; unchanged tensors and 1 outside such a context (and on the
      JAX/torch backends, whose data parallelism already sees the global batch).
    """
    return backend.gather_from_replicas(*tensors)
