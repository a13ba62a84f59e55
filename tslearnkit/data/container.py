"""The dataset container every loader returns."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..checks import check_labels, check_series

__all__ = ["TimeSeriesDataset"]


# --------------------------------------------------------------------------- container
@dataclasses.dataclass(frozen=True)
class TimeSeriesDataset:
    """A train/test split of labelled multivariate series.

    Attributes:
        name: dataset name, e.g. ``"JapaneseVowels"``.
        x_train: ``float32`` array ``(n_train, timesteps, channels)``.
        y_train: ``int64`` array ``(n_train,)`` with values in ``0 .. n_classes - 1``.
        x_test: ``float32`` array ``(n_test, timesteps, channels)``.
        y_test: ``int64`` array ``(n_test,)``.
        class_names: original label of each class index.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]

    def __post_init__(self):
        for split in ("train", "test"):
            x = check_series(getattr(self, f"x_{split}"), name=f"x_{split}")
            y = check_labels(getattr(self, f"y_{split}"), len(x), name=f"y_{split}")
            if y.size and (y.min() < 0 or y.max() >= len(self.class_names)):
                raise ValueError(
                    f"y_{split} has labels outside 0..{len(self.class_names) - 1} "
                    f"(there are {len(self.class_names)} class_names)"
                )
            object.__setattr__(self, f"x_{split}", x)
            object.__setattr__(self, f"y_{split}", y)
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise ValueError(
                f"train and test series differ in shape: {self.x_train.shape[1:]} vs "
                f"{self.x_test.shape[1:]} (timesteps, channels)"
            )
        if self.x_train.shape[1] < 2:  # the encoders, augmentations and DTW all work along time
            raise ValueError(
                f"x_train has shape {self.x_train.shape}: series of {self.x_train.shape[1]} time step; a time series "
                "needs at least 2 steps (a row of values per item is one series: give its values as the time steps "
                "of one channel)"
            )
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def timesteps(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def channels(self) -> int:
        return int(self.x_train.shape[2])

    def replace(self, **changes) -> TimeSeriesDataset:
        """Return a copy with some fields replaced (the arrays are re-checked)."""
        return dataclasses.replace(self, **changes)

    def summary(self) -> str:
        """A few human-readable lines: shapes, classes and their counts per split."""
        train_counts = np.bincount(self.y_train, minlength=self.n_classes)
        test_counts = np.bincount(self.y_test, minlength=self.n_classes)
        width = max([10, *(len(name) for name in self.class_names)])  # long class names keep the columns aligned
        lines = [
            f"{self.name}: {self.n_classes} classes, {self.channels} channel{'s' if self.channels != 1 else ''}, "
            f"{self.timesteps} timesteps",
            f"  train {self.x_train.shape} {self.x_train.dtype}, test {self.x_test.shape}",
            f"  {'class':<{width}} {'train':>6} {'test':>5}",
        ]
        for name, n_tr, n_te in zip(self.class_names, train_counts, test_counts):
            lines.append(f"  {name:<{width}} {n_tr:>6} {n_te:>5}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, train={self.x_train.shape}, "
            f"test={self.x_test.shape}, n_classes={self.n_classes})"
        )
