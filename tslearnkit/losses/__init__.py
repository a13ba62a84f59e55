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

Where things live (one concept per module):

| module | contents |
|---|---|
| `_checks` | input checks and option names (`DISTANCE_METRICS`), dtype handling |
| `distances` | `pairwise_distances` (L2, squared L2, angular) and the label masks |
| `_search` | row-wise binary search in sorted rows (XLA-aware), used by the two below |
| `triplet` | semi-hard and batch-hard losses, TFA's masked min/max, the semi-hard search |
| `batch_all` | the batch-all triplet loss |
| `contrastive` | NT-Xent and SupCon |
| `keras_losses` | the Keras `Loss` classes on one base class, `MetricLoss` |
| `distributed` | gathering a batch from all replicas of a `tf.distribute` strategy |

The functions are written on `keras.ops` and take labels `y_true` of shape `(b,)` or `(b, 1)`
(any integer or float dtype) and embeddings `y_pred` of shape `(b, d)`. `float16`/`bfloat16`
embeddings are computed in `float32` and the loss is cast back, as TFA does.

Compatibility with TFA 0.23 (checked against goldens written by TFA itself, see
`tests/golden/make_tfa_goldens.py`): the same values and gradients up to float rounding,
including how `reduce_min`/`reduce_max` split the gradient between tied distances. Deliberate
differences:

* `triplet_semihard_loss` on a batch without any positive pair: TFA returns NaN (0 / 0); this
  package returns 0 with a zero gradient, and warns when run eagerly.
* Memory is O(b^2): TFA's semi-hard loss builds a (b^2, b) tensor; here each anchor's row of
  negative distances is sorted once and the semi-hard negative of every (anchor, positive) pair
  is found by binary search, O(b^2 log b) time. `triplet_batch_all_loss` counts its active
  triplets the same way.
* Invalid inputs raise `ValueError` naming the problem (TFA fails deep inside TensorFlow).
"""

from ._checks import BATCH_ALL_AVERAGES, DISTANCE_METRICS, POSITIVE_PAIRS
from ._search import _binary_search_rows, _in_xla_context, _rowwise_searchsorted
from .batch_all import _batch_all_from_distances, triplet_batch_all_loss
from .contrastive import nt_xent_loss, supcon_loss
from .distances import (
    _euclidean_distances,
    _label_masks,
    _pairwise_distances,
    pairwise_distances,
)
from .distributed import _gather_from_replicas
from .keras_losses import (
    MetricLoss,
    NTXentLoss,
    SupConLoss,
    TripletBatchAllLoss,
    TripletHardLoss,
    TripletSemiHardLoss,
)
from .triplet import (
    _masked_maximum,
    _masked_minimum,
    _semihard_negatives,
    triplet_hard_loss,
    triplet_semihard_loss,
)

__all__ = [
    "DISTANCE_METRICS",
    "MetricLoss",
    "NTXentLoss",
    "SupConLoss",
    "TripletBatchAllLoss",
    "TripletHardLoss",
    "TripletSemiHardLoss",
    "nt_xent_loss",
    "pairwise_distances",
    "supcon_loss",
    "triplet_batch_all_loss",
    "triplet_hard_loss",
    "triplet_semihard_loss",
]

_PRIVATE_REEXPORTS = (  # used by tests and benchmarks as `losses._name`
    BATCH_ALL_AVERAGES,
    POSITIVE_PAIRS,
    _batch_all_from_distances,
    _binary_search_rows,
    _euclidean_distances,
    _gather_from_replicas,
    _in_xla_context,
    _label_masks,
    _masked_maximum,
    _masked_minimum,
    _pairwise_distances,
    _rowwise_searchsorted,
    _semihard_negatives,
)
