"""Helpers shared by the `tests/test_augment_*.py` modules."""

import numpy as np

from tslearnkit.data import TimeSeriesDataset

ZERO_STRENGTH = {
    "jitter": {"sigma": 0.0},
    "scaling": {"sigma": 0.0},
    "magnitude_warp": {"sigma": 0.0},
    "time_warp": {"sigma": 0.0},
    "window_slice": {"cut_fraction": 0.0},
    "window_warp": {"window_fraction": 0.0},
    "random_crop": {"max_cut": 0.0},
}


TRAIN_COUNTS = [12, 7, 4, 2]  # long-tailed, like the study's 1113 : 1029 : 666 : 189


def smooth_series(n, timesteps=96, channels=3, seed=0, offset=0.0):
    """Distinct smooth series: per series and channel, a sum of 3 slow random sinusoids."""
    rng = np.random.default_rng(seed)
    t = np.arange(timesteps)[None, :, None, None] / timesteps
    freq = rng.uniform(0.5, 2.0, (n, 1, channels, 3))
    phase = rng.uniform(0, 2 * np.pi, (n, 1, channels, 3))
    amp = rng.uniform(0.5, 1.5, (n, 1, channels, 3))
    return (offset + (amp * np.sin(2 * np.pi * freq * t + phase)).sum(-1)).astype(np.float32)


def training_set(seed=0):
    y = np.repeat(np.arange(len(TRAIN_COUNTS)), TRAIN_COUNTS).astype(np.int64)
    return smooth_series(len(y), seed=seed), y


def pairwise_distances(a, b):
    a, b = a.reshape(len(a), -1).astype(np.float64), b.reshape(len(b), -1).astype(np.float64)
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


SENTINEL = 1.0e6


def sentinel_dataset():
    """Balanced train split; test series far outside the training range, each unique."""
    y_train = np.repeat(np.arange(4), 10)
    y_test = np.repeat(np.arange(4), 5)
    x_test = SENTINEL + np.arange(20, dtype=np.float32)[:, None, None] + smooth_series(20, seed=9)
    return TimeSeriesDataset(
        name="sentinel",
        x_train=smooth_series(40, seed=1),
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=("a", "b", "c", "d"),
    )
