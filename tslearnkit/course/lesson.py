"""The few lines every lesson notebook starts and ends with, in one place.

lesson = course.lesson.start("03_triplet_all", seed=seed, quick=quick,
                         results_dir=results_dir, figures_dir=figures_dir)
...
lesson.figure(fig, "embeddings")          # save into figures_dir (Jupyter shows it)
lesson.record("batch-all", dataset, metrics, epochs=..., wall_time_s=...)
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

__all__ = ["Lesson", "start"]


@dataclasses.dataclass
class Lesson:
    """Where a lesson writes its outputs, and how it names them."""

    name: str
    seed: int
    quick: bool
    results_dir: Path
    figures_dir: Path
    started: float = dataclasses.field(default_factory=time.perf_counter)
    records: list = dataclasses.field(default_factory=list)

    def epochs(self, full: int, quick: int = 2) -> int:
        """``full`` epochs normally, ``quick`` in quick mode (CI smoke runs)."""
        return quick if self.quick else full

    def figure(self, fig, name: str) -> None:
        """Save ``fig`` as ``<figures_dir>/<lesson>__<name>.png``.

        Returns nothing on purpose: Jupyter's inline backend already shows every figure a cell
        made, and a returned figure would be shown a second time as the cell's value.
        """
        from ..plots import save_figure

        save_figure(fig, self.figures_dir, f"{self.name}__{name}")

    def record(self, method: str, dataset: str, metrics: dict, *, epochs: int, wall_time_s: float, **extra) -> Path:
        """Write one result record (see :mod:`tslearnkit.course.results`) and remember its path."""
        from .results import save_result

        path = save_result(
            self.results_dir,
            lesson=self.name,
            method=method,
            dataset=dataset,
            seed=self.seed,
            metrics=metrics,
            epochs=epochs,
            wall_time_s=wall_time_s,
            quick=self.quick,
            **extra,
        )
        self.records.append(path)
        return path

    def seed_spread(self, dataset: str, metric: str = "precision_at_1") -> dict:
        """Mean ± std of ``metric`` per method over every seed this lesson has records of in
        ``results_dir`` for ``dataset`` (quick and full runs are never mixed).

        A conclusion cell prints the spread when a multi-seed run (``tslearnkit run --seeds 0 1
        2``) left several seeds' records beside this one; with one seed there is no spread to give.

        Returns:
            ``{method: (mean, std, n_seeds)}`` for methods with records of at least two seeds.
        """
        import numpy as np

        from .results import load_results

        values = {}
        for record in load_results(self.results_dir, on_error="raise"):
            if (
                record["lesson"] == self.name
                and record["dataset"] == dataset
                and bool(record.get("quick")) == self.quick
                and metric in record["metrics"]
            ):
                values.setdefault(record["method"], {})[record["seed"]] = record["metrics"][metric]
        return {
            method: (float(np.mean(list(v.values()))), float(np.std(list(v.values()), ddof=1)), len(v))
            for method, v in values.items()
            if len(v) >= 2
        }

    def finish(self) -> None:
        """Print what was written and how long the lesson took."""
        print(
            f"{self.name}: {len(self.records)} record(s) in {self.results_dir}, "
            f"figures in {self.figures_dir}, {time.perf_counter() - self.started:.0f} s"
        )


def start(
    name: str,
    *,
    seed: int = 0,
    quick: bool = False,
    results_dir="results",
    figures_dir="figures",
    show_environment: bool = True,
) -> Lesson:
    """Seed everything, create the output folders, set plot defaults, print versions."""
    from .. import environment

    versions = environment()  # first: it starts TensorFlow quietly, where `import keras` would not
    import keras
    import matplotlib.pyplot as plt

    keras.utils.set_random_seed(int(seed))
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        # A lesson embeds with several models, one after another: TensorFlow's "retracing" notice
        # is meant for code that rebuilds tf.functions by mistake, and is noise here.
        tf.get_logger().setLevel("ERROR")
    plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})
    lesson = Lesson(name, int(seed), bool(quick), Path(results_dir), Path(figures_dir))
    lesson.results_dir.mkdir(parents=True, exist_ok=True)
    lesson.figures_dir.mkdir(parents=True, exist_ok=True)
    if show_environment:
        listed = ", ".join(f"{k} {v}" for k, v in versions.items())
        print(f"{name} | seed {seed} | {'QUICK run' if quick else 'full run'} | {listed}")
    return lesson
