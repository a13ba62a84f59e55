"""The two batch pipelines on TensorFlow: tf.data (what TensorFlow uses) against the PyDataset (issue 26).

On JAX and PyTorch, tslearnkit.sampling serves its batches as a ``keras.utils.PyDataset`` (NumPy
gathers, NumPy augmentation, no TensorFlow needed: Colab's TPU runtime has none); on TensorFlow it
keeps its ``tf.data`` pipeline. This measures, in one run and on the same machine, what TensorFlow
would gain or lose with the PyDataset instead, so the choice rests on a number:

* ``fit_embedding`` (batch-all triplets, the fcn encoder) without and with on-the-fly augmentation,
  seconds per epoch after the first (tracing) epoch, median over the timed epochs;
* the pipeline alone: every batch of an epoch drawn and converted to NumPy, no model.

Every configuration runs once per round, rounds interleaved, so that load from other jobs on a
shared machine affects both pipelines alike; the ratio PyDataset / tf.data is of the medians.

    .venv/bin/python bench/pipelines.py            # about 10 minutes on 2 busy cores (3 rounds)
    BENCH_ROUNDS=2 BENCH_EPOCHS=5 .venv/bin/python bench/pipelines.py

Prints the table and writes bench/pipelines.json (medians, ratios, versions) after every round.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import tslearnkit as tk  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
EPOCHS = int(os.environ.get("BENCH_EPOCHS", 6))
OUT = Path(__file__).with_name("pipelines.json")


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def use(pipeline: str) -> None:
    tk.sampling.batch_pipeline = lambda: pipeline  # what the backend would choose, overridden


def fit_seconds(data, pipeline: str, augment: bool) -> float:
    use(pipeline)
    timer = EpochTimer()
    tk.training.fit_embedding(
        data.x_train,
        data.y_train,
        loss="batch_all",
        encoder="fcn",
        classes_per_batch=4,
        samples_per_class=10,
        epochs=EPOCHS,
        augment=augment,
        stop_when_idle=None,
        callbacks=[timer],
        seed=0,
        verbose=0,
    )
    return statistics.median(timer.seconds[1:])  # the first epoch traces the train step


def pipeline_seconds(data, pipeline: str, augment: bool) -> float:
    use(pipeline)
    transform = None
    if augment:
        augmenter = tk.augment.make_tf_augmenter(list(tk.recipe.BATCH_AUGMENTATIONS), seed=0)
        transform = lambda x, y: (augmenter(x), y)  # noqa: E731
    batches = tk.sampling.balanced_batches(data.x_train, data.y_train, 4, 10, seed=0, epochs=2, transform=transform)
    start = time.perf_counter()
    for xb, yb in batches:
        np.asarray(xb), np.asarray(yb)
    return (time.perf_counter() - start) / 2


def main() -> None:
    datasets = {"JapaneseVowels": tk.data.load_dataset("JapaneseVowels")}
    rng = np.random.default_rng(0)  # longer series, more of them: where a pipeline's overhead would show
    x = rng.normal(size=(800, 256, 4)).astype(np.float32)
    datasets["random 800x256x4"] = tk.data.from_arrays(
        x, np.repeat(np.arange(4), 200), x_test=x[:8], y_test=np.arange(8) % 4, name="random"
    )
    configs = [
        (name, kind, augment) for name in datasets for kind in ("fit", "pipeline only") for augment in (False, True)
    ]
    times = {(c, p): [] for c in configs for p in tk.sampling.BATCH_PIPELINES}
    for round_ in range(ROUNDS):
        for config in configs:
            name, kind, augment = config
            for pipeline in tk.sampling.BATCH_PIPELINES:
                measure = fit_seconds if kind == "fit" else pipeline_seconds
                times[config, pipeline].append(measure(datasets[name], pipeline, augment))
        report(configs, times, round_ + 1)


def report(configs, times, rounds: int) -> None:
    rows = []
    print(f"after {rounds} of {ROUNDS} rounds (medians):")
    print("| data | what | augmented | tf.data s/epoch | PyDataset s/epoch | PyDataset / tf.data |")
    print("|---|---|---|---:|---:|---:|")
    for config in configs:
        name, kind, augment = config
        tf_data = statistics.median(times[config, "tf.data"])
        pydataset = statistics.median(times[config, "PyDataset"])
        rows.append(
            {"data": name, "what": kind, "augment": augment, "tf.data": tf_data, "PyDataset": pydataset,
             "ratio": pydataset / tf_data}
        )  # fmt: skip
        print(
            f"| {name} | {kind} | {'yes' if augment else 'no'} | {tf_data:.3f} | {pydataset:.3f} | "
            f"{pydataset / tf_data:.2f} |"
        )
    versions = tk.environment()
    versions["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    record = {"rounds": rounds, "epochs": EPOCHS, "rows": rows, "versions": versions}
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT}", flush=True)


if __name__ == "__main__":
    main()
