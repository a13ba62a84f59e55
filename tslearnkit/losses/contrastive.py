"""Contrastive losses on similarity logits: NT-Xent (SimCLR) and SupCon (Khosla et al.).

Both build `(b, b)` logits (cosine similarity, or negative squared distance, over a
temperature) and a masked, max-shifted log-sum-exp over each row.
"""

import keras
import numpy as np
from keras import ops

from .. import backend
from ._checks import (
    _check_temperature,
    _clip_below,
    _embeddings_to_float,
    _labels_to_vector,
    _mean,
    _output,
    _warn_if,
)
from .distances import _l2_normalize
from .mining import label_masks


def _similarity_logits(embeddings, temperature, normalize, name):
    """(b, b) logits: cosine similarity / temperature, or -squared distance / temperature.

    Without normalisation the embeddings are centred on their batch mean first: distances do
    not change, and |a|^2 + |b|^2 - 2ab then cancels far less when the latent drifts away from
    the origin. Squared distances past the float range cannot be held: with values known that
    raises a `ValueError` naming the spread (a compiled step gets a non-finite loss instead).
    """
    if normalize:
        normalized = _l2_normalize(embeddings)
        return ops.matmul(normalized, ops.transpose(normalized)) / temperature
    centred = embeddings - _mean(embeddings, axis=0, keepdims=True)
    squared_norms = ops.sum(ops.square(centred), axis=1, keepdims=True)
    squared_distances = (squared_norms + ops.transpose(squared_norms)) - 2.0 * ops.matmul(
        centred, ops.transpose(centred)
    )
    logits = -_clip_below(squared_distances) / temperature
    if backend.is_concrete(logits) and not bool(ops.all(ops.isfinite(logits))):
        raise ValueError(
            f"`{name}` spreads {float(ops.max(ops.abs(centred))):.3g} around its mean: with normalize=False "
            f"the logits are -squared distances / temperature ({temperature!r}), which overflow "
            f"{keras.backend.standardize_dtype(logits.dtype)}. Use normalize=True (cosine similarity, "
            "any scale), a larger temperature, or keep the latent at a bounded scale."
        )
    return logits


def _masked_logsumexp(logits, mask):
    """Row-wise log(sum(exp(logits))) over `mask`, with the row maximum subtracted first."""
    lowest = ops.cast(np.finfo(keras.backend.standardize_dtype(logits.dtype)).min, logits.dtype)
    masked = ops.where(mask, logits, lowest)
    row_max = ops.stop_gradient(ops.max(masked, axis=1, keepdims=True))
    exponentials = ops.where(mask, ops.exp(masked - row_max), 0.0)
    return ops.log(ops.sum(exponentials, axis=1, keepdims=True)) + row_max


def nt_xent_loss(z_a, z_b, temperature=0.5, normalize=True):
    """NT-Xent, the normalized temperature-scaled cross entropy of SimCLR (Chen et al. 2020).

    `z = [z_a; z_b]` holds 2N views; view i's positive is the other view of the same example.
    `loss_i = -log(exp(s(i, pos(i)) / t) / sum_{k != i} exp(s(i, k) / t))`, averaged over the 2N
    anchors. Log-sum-exp is computed with the row maximum subtracted, so no exponential
    overflows.

    Args:
      z_a: first views, float tensor of shape `(N, d)`.
      z_b: second views, shape `(N, d)`; row i is the same example as `z_a[i]`.
      temperature: positive float `t`.
      normalize: `True`: s is the cosine similarity (embeddings L2-normalised), as in SimCLR.
        `False` (the talk's variant, e.g. a 2-D latent used directly): s is the *negative
        squared Euclidean distance*. It is bounded above by 0, so logits cannot blow up by
        scaling the embeddings (a raw dot product could, and rewards large norms instead of
        closeness); on unit vectors it equals 2 * cosine - 2, i.e. SimCLR at temperature t / 2
        up to a constant that softmax ignores; and it measures what a 2-D plot shows. The
        squared distances must fit the float range (float32: embeddings spread less than
        ~1e19); beyond it the logits cannot be held.

    Returns:
      Scalar loss with the dtype of `z_a`.

    Raises:
      ValueError: if the views are not 2-D, are empty or differ in shape, `temperature` is not
        positive, or (when values are known) they contain NaN or inf or, with
        `normalize=False`, overflow the logits.
    """
    _check_temperature(temperature)
    z_a, input_dtype = _embeddings_to_float(z_a, name="z_a")
    z_b, _ = _embeddings_to_float(z_b, name="z_b")
    if tuple(z_a.shape) != tuple(z_b.shape):
        raise ValueError(f"`z_a` and `z_b` must have the same shape; got {tuple(z_a.shape)} and {tuple(z_b.shape)}.")
    if z_a.dtype != z_b.dtype:
        z_b = ops.cast(z_b, z_a.dtype)
    embeddings = ops.concatenate([z_a, z_b], axis=0)
    num_views = ops.shape(embeddings)[0]
    logits = _similarity_logits(embeddings, temperature, normalize, "z_a`/`z_b")
    not_self = ops.logical_not(ops.eye(num_views, dtype="bool"))
    partner = (ops.arange(num_views) + num_views // 2) % num_views
    positive_logits = ops.take_along_axis(logits, ops.expand_dims(partner, 1), axis=1)
    loss = _mean(_masked_logsumexp(logits, not_self) - positive_logits)
    return _output(loss, None, input_dtype)


def supcon_loss(y_true, z, temperature=0.1, normalize=True):
    """Supervised contrastive loss, L_out of Khosla et al. 2020 (eq. 2).

    For anchor i with positives P(i) (same label, not i) and A(i) = every other sample:
    `loss_i = -1/|P(i)| sum_{p in P(i)} log(exp(s(i, p) / t) / sum_{a in A(i)} exp(s(i, a) / t))`
    (the mean over positives sits outside the log), averaged over the anchors that have at
    least one positive; anchors without positive are excluded. For several views per example,
    concatenate them along axis 0 and repeat the labels. No `t / base_temperature` factor is
    applied (the paper's equation, not its reference code).

    Args:
      y_true: integer labels, shape `(b,)` or `(b, 1)`.
      z: embeddings, float tensor of shape `(b, d)`.
      temperature: positive float `t`.
      normalize: `True`: s is the cosine similarity; `False`: s is the negative squared
        Euclidean distance of the raw embeddings (see `nt_xent_loss` for why).

    Returns:
      Scalar loss with the dtype of `z`; 0 (and a warning when eager) if no anchor has a
      positive.

    Raises:
      ValueError: as `nt_xent_loss`, and for labels that do not match the batch.
    """
    _check_temperature(temperature)
    embeddings, input_dtype = _embeddings_to_float(z, name="z")
    labels = _labels_to_vector(y_true, embeddings)
    dtype = embeddings.dtype
    positives, _ = label_masks(labels)
    logits = _similarity_logits(embeddings, temperature, normalize, "z")
    not_self = ops.logical_not(ops.eye(ops.shape(labels)[0], dtype="bool"))
    log_probabilities = logits - _masked_logsumexp(logits, not_self)
    num_positives = ops.sum(ops.cast(positives, dtype), axis=1)
    mean_log_probability = ops.sum(ops.where(positives, log_probabilities, 0.0), axis=1)
    mean_log_probability = mean_log_probability / ops.maximum(num_positives, 1.0)
    has_positive = num_positives > 0
    num_anchors = ops.sum(ops.cast(has_positive, dtype))
    _warn_if(
        num_anchors == 0,
        "supcon_loss: no anchor has a positive (every label occurs once); the loss is 0.",
        embeddings,
    )
    loss = -ops.sum(ops.where(has_positive, mean_log_probability, 0.0))
    loss = loss / ops.maximum(num_anchors, 1.0)
    return _output(loss, labels, input_dtype)
