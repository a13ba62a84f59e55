"""tslearnkit: deep metric learning on time series, a notebook-first course kit.

One import serves the lessons: ``import tslearnkit as tk`` then ``tk.data.load_dataset()``,
``tk.losses.TripletSemiHardLoss()``, ``tk.training.fit_embedding(...)`` and so on. Submodules
load on first use, so ``import tslearnkit`` alone does not start TensorFlow. The course tooling
(lesson records, exercise checks, benchmarks, workshop, the ``tslearnkit`` command) lives apart in
:mod:`tslearnkit.course`, which this teaching API never imports.
"""

from __future__ import annotations

import importlib

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

__all__ = [*_SUBMODULES, "__version__", "environment"]


_WITHOUT_TENSORFLOW = ("data", "recipe", "checks")


def __getattr__(name: str):
    if name in _SUBMODULES:
        if name not in _WITHOUT_TENSORFLOW:
            from ._quiet import import_tensorflow_quietly

            import_tensorflow_quietly()
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tslearnkit' has no attribute {name!r}")


def environment() -> dict[str, str]:
    """Versions of Python and the libraries a lesson's numbers depend on."""
    import platform

    versions = {"python": platform.python_version(), "tslearnkit": __version__}
    for package in ("numpy", "tensorflow", "keras", "aeon", "sklearn"):
        try:
            versions[package] = importlib.import_module(package).__version__
        except ImportError:
            versions[package] = "not installed"
    if versions["keras"] != "not installed":  # which backend ran the numbers (tensorflow, jax, torch)
        versions["keras_backend"] = importlib.import_module("keras").backend.backend()
    return versions
