"""Datasets: load real multivariate time series into one small, checked container.

Every loader returns a :class:`TimeSeriesDataset` whose arrays follow the Keras convention:
series are ``float32`` arrays shaped ``(n, timesteps, channels)`` and labels are ``int64``
arrays with values ``0 .. n_classes - 1``; ``class_names[i]`` is the original name of class ``i``.

Where the data come from
    * Offline, with no network: the UCR/UEA classification datasets that ship inside the
      ``aeon`` package (``list_datasets()`` names them). The default, ``JapaneseVowels``, is a
      real multivariate dataset (12 channels, 9 speakers, 270 train / 370 test series).
    * Any other UCR/UEA archive name with ``download=True``: fetched once with aeon's archive
      loader and cached under ``data_dir`` (``~/.cache/tslearnkit`` by default); later loads
      read the cache with no network.
    * ``"project"``: the study's private CSV format (see :func:`load_project_csv`), read from
      ``dataset/`` as ``project_dataset.csv`` or ``project_dataset.tar.xz``.

Your own data (arrays, DataFrames, files, long recordings)
    :func:`from_arrays`, :func:`from_dataframe`, :func:`load_file` and :func:`sliding_windows`
    return an :class:`ImportedDataset` (a :class:`TimeSeriesDataset` with ``notes`` saying what was
    decided); :func:`register` (or ``dataset.save(name)``) stores it under ``$TSLEARNKIT_DATA/saved``
    so that ``load_dataset(name)`` and every lesson's ``dataset = "name"`` find it. A file path works
    as a name too: ``load_dataset("my/recordings.ts")``. The rules (labels, split, NaN, lengths) are
    those of :mod:`tslearnkit.data.imported`.

Variable-length series (JapaneseVowels has 7 to 29 steps) are resampled by linear interpolation
to the longest *training* series (``variable_length="pad"``: padded at the end by repeating their
last value, to the longest series of either split); series longer than :data:`MAX_LENGTH` steps
are reduced by :func:`downsample_series`. No value of the test split is used to fit anything.
Standardisation statistics are computed from the observed (unpadded) training values only.

Where things live
    ``checks`` (argument checks), ``container`` (:class:`TimeSeriesDataset`), ``preprocess``
    (standardisation, resampling, padding), ``splits`` (stratified splits), ``open_set`` (splits by
    class: seen classes to train on, unseen classes to search among), ``shaping``
    (long-tailed training splits), ``catalogue`` (:func:`list_datasets`, :func:`load_dataset`,
    ``.ts`` files, downloads), ``project_csv`` (the study's CSV), and for your own data ``imported``
    (the shared rules and :class:`ImportedDataset`), ``convert`` (arrays), ``frames`` (DataFrames),
    ``files`` (files at any path), ``windows`` (long recordings) and ``registry`` (saved datasets).
"""

from ..checks import check_labels, check_series
from . import catalogue
from .catalogue import (  # noqa: F401  (lessons)
    ARCHIVE_HOST,
    DEFAULT_DATASET,
    list_datasets,
    load_dataset,
)
from .container import TimeSeriesDataset
from .convert import CHANNELS, from_arrays
from .files import FILE_TYPES, load_file
from .frames import LAYOUTS, from_dataframe
from .imported import MISSING, ImportedDataset
from .open_set import MIN_OPEN_SET_CLASSES, OpenSetSplit, open_set_split
from .preprocess import (
    MAX_LENGTH,
    VARIABLE_LENGTH,
    ChannelStats,
    downsample_series,
    pad_series,
    resample_series,
    standardize,
)
from .project_csv import PROJECT_COLUMNS, PROJECT_DATASET, PROJECT_FILE_STEM, PROJECT_LABEL_COLUMNS, load_project_csv
from .registry import SAVED_FOLDER, register, saved_dir, saved_names, unregister
from .shaping import STUDY_CLASS_COUNTS, long_tail_ratios, make_imbalanced, shrink
from .splits import stratified_split, stratified_split_indices
from .windows import WINDOW_LABELS, sliding_windows

__all__ = [
    "MIN_OPEN_SET_CLASSES",
    "ARCHIVE_HOST",
    "DEFAULT_DATASET",
    "VARIABLE_LENGTH",
    "MAX_LENGTH",
    "downsample_series",
    "PROJECT_DATASET",
    "PROJECT_COLUMNS",
    "PROJECT_FILE_STEM",
    "PROJECT_LABEL_COLUMNS",
    "STUDY_CLASS_COUNTS",
    "catalogue",
    "TimeSeriesDataset",
    "ChannelStats",
    "list_datasets",
    "load_dataset",
    "load_project_csv",
    "standardize",
    "stratified_split",
    "stratified_split_indices",
    "pad_series",
    "resample_series",
    "check_series",
    "check_labels",
    "make_imbalanced",
    "long_tail_ratios",
    "shrink",
    "OpenSetSplit",
    "open_set_split",
    "ImportedDataset",
    "from_arrays",
    "from_dataframe",
    "load_file",
    "sliding_windows",
    "register",
    "unregister",
    "saved_names",
    "saved_dir",
    "CHANNELS",
    "LAYOUTS",
    "MISSING",
    "FILE_TYPES",
    "WINDOW_LABELS",
    "SAVED_FOLDER",
]
