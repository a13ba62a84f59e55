"""Time-series augmentations, and oversampling of the *training split* for class imbalance.

The honest protocol
    The study's best row came from oversampling the minority classes of the *whole* dataset
    before splitting it, so synthetic copies of test series sat in the training set and the
    test score measured memory, not generalisation. Here every generator takes the training
    arrays only (:func:`oversample` never sees a test split; :func:`oversample_dataset` passes
    it ``dataset.x_train`` and leaves ``x_test`` untouched), and every synthetic row records the
    training row(s) it came from, so a lesson can show them and a test can trace them.

Augmentations
    Shape- and dtype-preserving on ``(n, timesteps, channels)`` float arrays; the strength
    parameter in brackets, 0 = identity.

    * ``jitter`` (``sigma``): adds Gaussian noise.
    * ``scaling`` (``sigma``): multiplies each (series, channel) by one N(1, sigma²) gain.
    * ``magnitude_warp`` (``sigma``): multiplies by a smooth random curve (cubic spline).
    * ``time_warp`` (``sigma``): smoothly speeds time up and slows it down (cubic spline).
    * ``window_slice`` (``cut_fraction``): crops a fixed-length window, stretches it to t.
    * ``window_warp`` (``window_fraction``): speeds up or slows down one window, resamples.
    * ``random_crop`` (``max_cut``): crops a window of random length, stretches it to t.

    Definitions follow Um et al. 2017 (jitter, scaling, magnitude/time warping), Le Guennec et
    al. 2016 (window slicing and warping) and the survey of Iwana & Uchida 2021. With zero
    strength every augmentation returns its input exactly (bit for bit), by construction of
    the formulas rather than by a special case.

One implementation, two entry points
    Each augmentation is written once, on NumPy (``transforms``): ``jitter(x, sigma, seed=...)``
    takes NumPy arrays (seed: an int, a ``np.random.Generator`` or ``None``).
    ``tf_apply_augmentations(x, ["jitter"], seed=...)`` (``pipeline``) runs the same NumPy code
    inside ``tf.numpy_function``, usable in ``tf.function`` and ``tf.data.Dataset.map`` (seed: an
    int, a shape-``(2,)`` stateless seed tensor, or ``None`` for TensorFlow's global seeded RNG).
    :func:`make_tf_augmenter` returns a ``dataset.map``-ready function that draws fresh
    randomness for every batch; :func:`make_tf_two_views` makes the two views of contrastive
    training.

Where things live
    ``transforms`` (the seven augmentations), ``chain`` (chains, defaults,
    :func:`apply_augmentations`, :func:`two_views`), ``pipeline`` (TensorFlow / tf.data
    wrappers), ``reference_walk`` (the study's generator), ``oversample`` (:func:`oversample`,
    :class:`OversampleResult` with provenance), ``tslearnkit.data.shaping`` (:func:`make_imbalanced`,
    :func:`long_tail_ratios`) and ``_checks`` (parameter checks).
"""

from __future__ import annotations

from ..data.shaping import STUDY_CLASS_COUNTS, long_tail_ratios, make_imbalanced
from .chain import (
    AUGMENTATIONS,
    CONTRASTIVE_AUGMENTATIONS,
    apply_augmentations,
    random_augment,
    two_views,
)
from .oversample import (
    OVERSAMPLE_AUGMENTATIONS,
    OVERSAMPLE_METHODS,
    OversampleResult,
    oversample,
    oversample_dataset,
)
from .pipeline import (
    at_series_scale,
    make_tf_augmenter,
    make_tf_stacked_views,
    make_tf_two_views,
    tf_apply_augmentations,
)
from .reference_walk import (
    reference_walk,
)
from .transforms import (
    jitter,
    magnitude_warp,
    random_crop,
    scaling,
    time_warp,
    window_slice,
    window_warp,
)

__all__ = [
    "AUGMENTATIONS",
    "CONTRASTIVE_AUGMENTATIONS",
    "OVERSAMPLE_AUGMENTATIONS",
    "OVERSAMPLE_METHODS",
    "STUDY_CLASS_COUNTS",
    "OversampleResult",
    "jitter",
    "scaling",
    "magnitude_warp",
    "time_warp",
    "window_slice",
    "window_warp",
    "random_crop",
    "apply_augmentations",
    "random_augment",
    "two_views",
    "tf_apply_augmentations",
    "at_series_scale",
    "make_tf_augmenter",
    "make_tf_two_views",
    "make_tf_stacked_views",
    "reference_walk",
    "oversample",
    "oversample_dataset",
    "make_imbalanced",
    "long_tail_ratios",
]
