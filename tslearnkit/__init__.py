"""tslearnkit: deep metric learning on time series, a notebook-first course kit.

One import serves the lessons: ``import tslearnkit as tk`` then ``tk.data.load_dataset()``,
``tk.losses.TripletSemiHardLoss()``, ``tk.training.fit_embedding(...)`` and so on. Submodules
load on first use, so ``import tslearnkit`` alone does not start TensorFlow, and under
``KERAS_BACKEND=jax`` (or ``torch``) nothing does: TensorFlow is an extra, ``tslearnkit[tensorflow]``.
The course tooling (lesson records, exercise checks, benchmarks, workshop, the ``tslearnkit``
command) lives apart in :mod:`tslearnkit.course`, which this teaching API never imports.
"""

from __future__ import annotations

import importlib
import os
import sys

__version__ = "0.1.0"

_SUBMODULES = (
    "data",
    "sampling",
    "augment",
    "models",
    "losses",
    "metrics",
    "recipe",
    "callbacks",
    "progress",
    "training",
    "plots",
    "baselines",
    "selection",
    "search",
    "checks",
)

__all__ = [*_SUBMODULES, "__version__", "environment", "threads"]


_WITHOUT_TENSORFLOW = ("data", "recipe", "checks")


def __getattr__(name: str):
    if name in _SUBMODULES:
        from ._quiet import MISSING_TENSORFLOW, import_tensorflow_quietly

        if name not in _WITHOUT_TENSORFLOW:
            import_tensorflow_quietly()  # on the TensorFlow backend only
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as err:
            if err.name == "tensorflow":  # Keras on its default backend, without TensorFlow
                raise ModuleNotFoundError(MISSING_TENSORFLOW, name="tensorflow") from err
            raise
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tslearnkit' has no attribute {name!r}")


def environment() -> dict[str, str]:
    """Versions of Python and the libraries a lesson's numbers depend on."""
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version(), "tslearnkit": __version__}
    # A module not imported yet is read from the installed metadata: importing it to ask would
    # start TensorFlow under JAX too.
    for package, distribution in (
        ("numpy", "numpy"),
        ("tensorflow", "tensorflow"),
        ("keras", "keras"),
        ("aeon", "aeon"),
        ("sklearn", "scikit-learn"),
    ):
        try:
            module = sys.modules.get(package)
            versions[package] = module.__version__ if module else metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    if versions["keras"] != "not installed":  # which backend ran the numbers (tensorflow, jax, torch)
        from ._quiet import import_tensorflow_quietly

        import_tensorflow_quietly()  # importing Keras starts TensorFlow, whose start-up lines would reach the notebook
        versions["keras_backend"] = importlib.import_module("keras").backend.backend()
    return versions


THREAD_SETTINGS = (
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "XLA_FLAGS",
)


def threads() -> dict[str, int | str | None]:
    """The CPU threads a run could use: the machine's CPU count, the environment variables that cap
    the libraries' thread pools (None: unset, the library's default) and, for a framework already
    imported, its own setting (TensorFlow's reads 0 unless set in code: its default, which the
    environment variable above decides). The order in which threads add decides a float's last
    bits, and over a fit those bits can grow: two thread counts can give two different models."""
    settings = {"cpus": os.cpu_count(), **{name: os.environ.get(name) for name in THREAD_SETTINGS}}
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "config"):
        settings["tensorflow_intra_op"] = tf.config.threading.get_intra_op_parallelism_threads()
        settings["tensorflow_inter_op"] = tf.config.threading.get_inter_op_parallelism_threads()
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "get_num_threads"):
        settings["torch_threads"] = torch.get_num_threads()
    return settings
