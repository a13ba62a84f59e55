"""The user-facing search index: an embedding model plus a gallery of labelled embeddings.

``SearchIndex(model, series, labels)`` embeds the gallery series with ``model`` (a Keras model
``(n, timesteps, channels) -> (n, d)``), and ``query(series, k)`` embeds new series and returns
their ``k`` nearest gallery items. Distances are Euclidean distances between the model's
embeddings, as they come out of the model: the kit's ``embedding_model`` already puts them on
the unit sphere (``normalize=True``, distances in ``[0, 2]``), and nothing is normalised again
here, so the ranking is the one :func:`tslearnkit.metrics.retrieval_metrics` scores (squared
Euclidean in ``float32``, ties to the lower gallery index; see :mod:`tslearnkit.search.exact`).

``save(path)`` writes a folder: ``model.keras`` (the model), ``gallery.npz`` (embeddings and
labels), ``index.json`` (what the index is) and, for ``backend="hnsw"``, ``hnsw.faiss`` (the
graph). ``SearchIndex.load(path)`` in a fresh process gives the same neighbours for the same
series.
"""

from __future__ import annotations

import dataclasses
import json
import numbers
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..checks import check_embeddings, check_series, whole_numbers
from .approximate import HNSWSearch, check_hnsw_options
from .exact import ExactSearch

__all__ = ["BACKENDS", "Neighbours", "SearchIndex"]

BACKENDS = ("exact", "hnsw")
"""``"exact"``: brute force, NumPy only. ``"hnsw"``: approximate, needs ``tslearnkit[search]``."""

_FORMAT = 1  # version of the saved folder's layout
_META_KEYS = ("backend", "hnsw_options", "series_shape", "dim", "size", "batch_size")  # what load reads


@dataclasses.dataclass(frozen=True)
class Neighbours:
    """The ``k`` nearest gallery items of each of ``n`` queries, nearest first.

    Attributes:
        indices: ``int64 (n, k)``, gallery positions (the order in which series were added).
        distances: ``float32 (n, k)``, Euclidean distances in embedding units, non-decreasing
            along each row.
        labels: ``(n, k)``, the gallery labels at ``indices`` (their dtype as given).
    """

    indices: np.ndarray
    distances: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.indices)


class SearchIndex:
    """Search a labelled gallery of series by the distance between their embeddings.

    Args:
        model: a Keras model mapping series ``(n, timesteps, channels)`` to embeddings ``(n, d)``,
            e.g. from :func:`tslearnkit.models.embedding_model`.
        series: optional gallery ``(n, timesteps, channels)``; more can be added with :meth:`add`.
        labels: ``(n,)`` labels of ``series`` (integers or strings), given exactly with ``series``.
        backend: ``"exact"`` (default) or ``"hnsw"`` (approximate, for galleries of about 10⁵
            items and more; needs ``pip install 'tslearnkit[search]'``).
        hnsw_options: ``{"m", "ef_construction", "ef_search"}`` for ``backend="hnsw"``
            (defaults :data:`~tslearnkit.search.approximate.HNSW_DEFAULTS`).
        batch_size: series per forward pass when embedding.

    Raises:
        TypeError: ``model`` is not a Keras model.
        ValueError: an unknown backend, options for the wrong backend, or bad ``series``/``labels``
            (see :meth:`add`).
    """

    def __init__(
        self,
        model,
        series=None,
        labels=None,
        *,
        backend: str = "exact",
        hnsw_options: Mapping[str, int] | None = None,
        batch_size: int = 256,
    ):
        import keras

        if not isinstance(model, keras.Model):
            raise TypeError(
                f"model must be a keras.Model mapping series (n, timesteps, channels) to embeddings (n, d); "
                f"got {type(model).__name__}"
            )
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {list(BACKENDS)}; got {backend!r}")
        if backend != "hnsw" and hnsw_options:
            raise ValueError(f"hnsw_options apply to backend='hnsw' only; got backend={backend!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}")
        if (series is None) != (labels is None):
            raise ValueError("give series and labels together (or neither, for an empty index)")
        self.model = model
        self.backend = backend
        self.batch_size = int(batch_size)
        self._hnsw_options = check_hnsw_options(hnsw_options) if backend == "hnsw" else None
        self._search = None  # built at the first add, when the embedding width is known
        self._labels = None
        self.series_shape: tuple[int, int] | None = None
        if series is not None:
            self.add(series, labels)

    # ----------------------------------------------------------------------- contents
    def __len__(self) -> int:
        return 0 if self._search is None else len(self._search)

    @property
    def size(self) -> int:
        """Number of gallery items."""
        return len(self)

    @property
    def labels(self) -> np.ndarray:
        """Gallery labels ``(size,)`` in insertion order."""
        return np.zeros(0, np.int64) if self._labels is None else self._labels

    @property
    def dim(self) -> int | None:
        """Embedding width ``d`` (None until the first series are added)."""
        return None if self._search is None else self._search.dim

    def __repr__(self) -> str:
        shape = "?" if self.series_shape is None else self.series_shape
        return f"SearchIndex(backend={self.backend!r}, size={len(self)}, series_shape={shape}, dim={self.dim})"

    # ----------------------------------------------------------------------- building
    def embed(self, series) -> np.ndarray:
        """Embeddings ``float32 (n, d)`` of ``series`` ``(n, timesteps, channels)``, checked."""
        series = self._check_series(series, "series")
        chunks = [
            np.asarray(self.model.predict_on_batch(series[i : i + self.batch_size]))
            for i in range(0, len(series), self.batch_size)
        ]
        embeddings = np.concatenate(chunks)
        if embeddings.ndim != 2:
            raise ValueError(
                "model must map series (n, timesteps, channels) to embeddings (n, d); "
                f"its output for {series.shape} has shape {embeddings.shape}"
            )
        return check_embeddings(embeddings, "the model's embeddings")

    def add(self, series, labels) -> np.ndarray:
        """Embed ``series`` and append them with their ``labels`` to the gallery.

        Args:
            series: ``(n, timesteps, channels)``, finite; the shape of the first series added
                fixes ``timesteps`` and ``channels`` for every later call.
            labels: ``(n,)`` or ``(n, 1)``, integers or strings (one kind for the whole gallery).

        Returns:
            ``int64 (n,)``: the gallery positions given to the new items.

        Raises:
            ValueError: series not 3-D, empty, with NaN/inf, or shaped unlike the gallery;
                labels of another length, not 1-D, or of another kind than the gallery's.
        """
        series = self._check_series(series, "series")
        labels = self._check_labels(labels, len(series))
        embeddings = self.embed(series)
        if self._search is None:
            dim = embeddings.shape[1]
            self._search = ExactSearch(dim) if self.backend == "exact" else HNSWSearch(dim, **self._hnsw_options)
            self.series_shape = tuple(int(s) for s in series.shape[1:])
            self._labels = labels[:0]
        elif embeddings.shape[1] != self.dim:
            raise ValueError(
                f"the model now gives {embeddings.shape[1]}-d embeddings but the gallery holds {self.dim}-d"
            )
        start = len(self)
        self._search.add(embeddings)
        self._labels = np.concatenate([self._labels, labels])
        return np.arange(start, start + len(series), dtype=np.int64)

    # ----------------------------------------------------------------------- searching
    def query(self, series, k: int = 10) -> Neighbours:
        """The ``k`` nearest gallery items of each series.

        Args:
            series: ``(n, timesteps, channels)`` with the gallery's timesteps and channels.
            k: neighbours per query, ``1 <= k <= size`` (a larger ``k`` is an error, not clipped,
                so that the result is always ``(n, k)``).

        Returns:
            :class:`Neighbours` with ``(n, k)`` arrays. With ``backend="exact"`` equal distances
            are ordered by gallery position; ``"hnsw"`` may miss some true neighbours.

        Raises:
            ValueError: an empty index, a bad ``k``, or bad ``series`` (see :meth:`add`).
        """
        self._check_k(k)
        return self.query_embeddings(self.embed(series), k)

    def query_embeddings(self, embeddings, k: int = 10) -> Neighbours:
        """As :meth:`query`, for embeddings ``(n, d)`` already computed with this index's model."""
        self._check_k(k)
        embeddings = check_embeddings(embeddings, "embeddings")
        if embeddings.shape[1] != self.dim:
            raise ValueError(f"embeddings have {embeddings.shape[1]} dimensions but the gallery holds {self.dim}-d")
        indices, squared = self._search.search(embeddings, int(k))
        return Neighbours(indices=indices, distances=np.sqrt(squared), labels=self._labels[indices])

    # ----------------------------------------------------------------------- saving
    def save(self, path) -> Path:
        """Write the index to the folder ``path`` (created if needed; its index files are replaced).

        Returns:
            The folder's path.
        """
        if self._search is None:
            raise ValueError("the index is empty; add series before saving it")
        folder = Path(path)
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"path={str(path)!r} is a file; the index is saved as a folder: give a folder's path")
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save(folder / "model.keras")
        np.savez(folder / "gallery.npz", embeddings=self._search.embeddings, labels=self._labels)
        if self.backend == "hnsw":
            self._search.save(folder / "hnsw.faiss")
        from .. import __version__

        meta = {
            "format": _FORMAT,
            "backend": self.backend,
            "hnsw_options": self._hnsw_options,
            "series_shape": list(self.series_shape),
            "dim": self.dim,
            "size": len(self),
            "batch_size": self.batch_size,
            "distance": "euclidean (ranked by squared L2 in float32; ties to the lower gallery index when exact)",
            "tslearnkit": __version__,
        }
        (folder / "index.json").write_text(json.dumps(meta, indent=2) + "\n")
        return folder

    @classmethod
    def load(cls, path) -> SearchIndex:
        """Read an index written by :meth:`save` (the model, its gallery and, for HNSW, its graph).

        Raises:
            FileNotFoundError: ``path`` lacks one of the index files.
            ValueError: files that disagree with each other or another format version.
        """
        import keras

        folder = Path(path)
        needed = ["index.json", "model.keras", "gallery.npz"]
        missing = [name for name in needed if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{folder} is not a saved SearchIndex: {missing} missing")
        try:
            meta = json.loads((folder / "index.json").read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ValueError(f"{folder / 'index.json'} is not valid JSON ({err}); save the index again") from err
        if not isinstance(meta, dict):
            raise ValueError(f"{folder / 'index.json'} holds {type(meta).__name__}, not an index description")
        if meta.get("format") != _FORMAT:
            raise ValueError(f"{folder} holds index format {meta.get('format')!r}; this tslearnkit reads {_FORMAT}")
        absent = [key for key in _META_KEYS if key not in meta]
        if absent:
            raise ValueError(f"{folder / 'index.json'} lacks {absent}; save the index again")
        model = keras.models.load_model(folder / "model.keras", compile=False)
        with np.load(folder / "gallery.npz", allow_pickle=False) as gallery:
            embeddings, labels = gallery["embeddings"], gallery["labels"]
        if embeddings.shape != (meta["size"], meta["dim"]) or len(labels) != meta["size"]:
            raise ValueError(
                f"{folder}: gallery.npz does not match index.json (size {meta['size']}, dim {meta['dim']})"
            )
        index = cls(model, backend=meta["backend"], hnsw_options=meta["hnsw_options"], batch_size=meta["batch_size"])
        if meta["backend"] == "hnsw":
            index._search = HNSWSearch.load(folder / "hnsw.faiss", meta["dim"], index._hnsw_options)
        else:
            index._search = ExactSearch(meta["dim"])
            index._search.add(embeddings)
        index._labels = labels
        index.series_shape = tuple(meta["series_shape"])
        return index

    # ----------------------------------------------------------------------- checks
    def _check_series(self, series, name: str) -> np.ndarray:
        series = check_series(series, name=name)
        expected = self.series_shape
        if expected is None:  # first add: the model's fixed input dimensions, where it has them
            model_shape = tuple(self.model.input_shape[1:]) if len(self.model.input_shape) == 3 else (None, None)
            if any(m is not None and m != s for m, s in zip(model_shape, series.shape[1:])):
                raise ValueError(
                    f"{name} have (timesteps, channels) = {series.shape[1:]} but the model takes {model_shape}"
                )
        elif series.shape[1:] != expected:
            raise ValueError(
                f"{name} have (timesteps, channels) = {series.shape[1:]} but the gallery holds series of {expected}; "
                "resample or pad them the same way (tk.data.resample_series, tk.data.pad_series)"
            )
        return series

    def _check_labels(self, labels, n: int) -> np.ndarray:
        labels = np.asarray(labels)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1:
            raise ValueError(f"labels must be 1-D (n,) or (n, 1); got shape {labels.shape}")
        if len(labels) != n:
            raise ValueError(f"labels has {len(labels)} labels but series has {n} series; lengths must match")
        if labels.dtype.kind == "O" and all(isinstance(v, str) for v in labels):
            labels = labels.astype(str)  # strings in a pandas Series or a list of str objects
        if labels.dtype.kind == "f":
            whole = whole_numbers(labels)
            if whole.all():
                labels = labels.astype(np.int64)  # whole numbers stored as floats (1.0, 2.0)
            else:
                bad = int(np.flatnonzero(~whole)[0])
                raise ValueError(
                    f"labels must be integers (whole-number floats too) or strings; labels[{bad}] is "
                    f"{float(labels[bad])!r}"
                )
        if labels.dtype.kind not in "iuU":
            bad = next((i for i, v in enumerate(labels) if not isinstance(v, str)), 0) if len(labels) else None
            example = "" if bad is None else f"; labels[{bad}] is {labels[bad]!r}"
            raise ValueError(
                f"labels must be integers (whole-number floats too) or strings; got dtype {labels.dtype}{example}"
            )
        if labels.dtype.kind in "iu":
            labels = labels.astype(np.int64)
        if self._labels is not None and (labels.dtype.kind == "U") != (self._labels.dtype.kind == "U"):
            raise ValueError(f"labels of dtype {labels.dtype} cannot join a gallery labelled with {self._labels.dtype}")
        return labels

    def _check_k(self, k) -> None:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"k must be an integer >= 1; got {k!r}")
        if len(self) == 0:
            raise ValueError("the index is empty; add series first with index.add(series, labels)")
        if k > len(self):
            raise ValueError(f"k={k} exceeds the {len(self)} items in the index; ask for at most {len(self)}")
