"""Metric-learning losses: TFA-compatible triplet losses, batch-all triplet, NT-Xent, SupCon.

`tensorflow-addons` is end of life and does not import with Keras 3. This package is the drop-in
replacement for its triplet losses and adds the losses it never had:

| function | Keras class | what it averages |
|---|---|---|
| `triplet_semihard_loss` | `TripletSemiHardLoss` | every ordered positive pair (as TFA 0.23) |
| `triplet_hard_loss` | `TripletHardLoss` | every anchor (as TFA 0.23) |
| `triplet_batch_all_loss` | `TripletBatchAllLoss` | every valid triplet, or the non-zero ones |
| `nt_xent_loss` | `NTXentLoss` | the 2N views (SimCLR) |
| `supcon_loss` | `SupConLoss` | anchors with at least one positive (Khosla et al., L_out) |

Modules: `distances` (`pairwise_distances`: L2, squared L2, angular), `mining` (the parts a
triplet loss is composed of: label masks, positive and negative mining strategies, hinge,
reduction), `triplet` (the three triplet losses, a few lines each over those parts),
`contrastive` (NT-Xent, SupCon), `keras_losses` (the Keras `Loss` classes on one base,
`MetricLoss`), `_checks` (input checks, option names).

The functions are written on `keras.ops` and take labels `y_true` of shape `(b,)` or `(b, 1)`
(any integer or float dtype) and embeddings `y_pred` of shape `(b, d)`, `b >= 1`.
`float16`/`bfloat16` embeddings are computed in `float32` and the loss is cast back, as TFA does.

Compatibility with TFA 0.23 (checked against goldens written by TFA itself, see
`tests/golden/make_tfa_goldens.py`): the same values and gradients up to float rounding,
including how `reduce_min`/`reduce_max` split the gradient between tied distances. Deliberate
differences:

* `triplet_semihard_loss` on a batch without any positive pair: TFA returns NaN (0 / 0); this
  package returns 0 with a zero gradient, and warns when run eagerly.
* Memory is O(b^2): TFA's semi-hard loss builds a (b^2, b) tensor; here each anchor's row of
  negative distances is sorted once and searched (`mining.semihard_negatives`).
* Invalid inputs raise `ValueError` naming the problem (TFA fails deep inside TensorFlow):
  an empty batch, NaN labels, NaN or inf embeddings (values are checked where they are known;
  inside a compiled step a NaN label makes the loss NaN).
"""

from . import mining
from ._checks import DISTANCE_METRICS
from .contrastive import nt_xent_loss, supcon_loss
from .distances import pairwise_distances
from .keras_losses import (
    MetricLoss,
    NTXentLoss,
    SupConLoss,
    TripletBatchAllLoss,
    TripletHardLoss,
    TripletSemiHardLoss,
)
from .triplet import triplet_batch_all_loss, triplet_hard_loss, triplet_semihard_loss

__all__ = [
    "DISTANCE_METRICS",
    "MetricLoss",
    "NTXentLoss",
    "SupConLoss",
    "TripletBatchAllLoss",
    "TripletHardLoss",
    "TripletSemiHardLoss",
    "mining",
    "nt_xent_loss",
    "pairwise_distances",
    "supcon_loss",
    "triplet_batch_all_loss",
    "triplet_hard_loss",
    "triplet_semihard_loss",
]
