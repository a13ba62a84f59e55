"""Writes the tensorflow-addons triplet-loss goldens that tests/test_losses.py compares against.

Run it with the TFA environment's Python (TFA does not import with Keras 3), from the repo root:

    $(bash bench/envs/tfa.sh) tests/golden/make_tfa_goldens.py

Outputs (committed, about 120 kB together):
  tests/golden/tfa_triplet_goldens.npz   per case `<name>/embeddings`, `<name>/labels`,
                                         `<name>/value`, `<name>/grad` (float32 arrays; float16
                                         and bfloat16 inputs are stored as their exact float32
                                         values)
  tests/golden/tfa_triplet_goldens.json  versions, and per case the loss, its arguments, the
                                         input dtype and label shape, and tie statistics that
                                         show the cases exercise TFA's tie-splitting gradients.

Every case is seeded, so rerunning reproduces the files (up to TensorFlow's float rounding).
"""

import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")  # TFA's end-of-life and version banners

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_addons as tfa  # noqa: E402
from tensorflow_addons.losses import metric_learning  # noqa: E402

tf.get_logger().setLevel("ERROR")  # per-case retracing notices

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
STEM = "tfa_triplet_goldens"

# Callable distance metrics, rebuilt by name in the tests (a callable cannot be stored).
CALLABLES = {
    "callable:dot": lambda x: tf.linalg.matmul(x, x, transpose_b=True),
    "callable:manhattan": lambda x: tf.reduce_sum(tf.abs(x[:, None, :] - x[None, :, :]), axis=-1),
}


def gaussian(rng, batch_size, dim):
    return rng.normal(size=(batch_size, dim))


def grid(rng, batch_size, dim):
    """Small integer coordinates: many exactly equal distances."""
    return rng.integers(0, 3, size=(batch_size, dim)).astype(float)


def oversampled(rng, labels, dim):
    """Rows repeating two prototypes per class, as oversampling duplicates examples; two rows
    then copy a row of (possibly) another class, so equal embeddings also occur across labels."""
    prototypes = {label: rng.normal(size=(2, dim)) for label in np.unique(labels)}
    rows = np.stack([prototypes[label][rng.integers(2)] for label in labels])
    for target, source in rng.choice(len(labels), size=(2, 2), replace=False):
        rows[target] = rows[source]
    return rows


def balanced_labels(rng, batch_size, num_classes):
    return rng.permutation(np.arange(batch_size) % num_classes)


def case_list():
    """(name, loss, kwargs, embeddings, labels, dtype, label_shape, note) for every case."""
    cases = []

    def add(name, loss, embeddings, labels, dtype="float32", label_shape="(b,)", note="", **kw):
        cases.append((name, loss, kw, np.asarray(embeddings), np.asarray(labels), dtype, label_shape, note))

    for loss in ("semihard", "hard"):
        rng = np.random.default_rng(100 if loss == "semihard" else 200)
        extra = {"soft": False} if loss == "hard" else {}
        # Docstring example of TFA (2 points, one class).
        add(
            f"{loss}_tfa_docstring",
            loss,
            [[0.0, 1.0], [1.0, 0.0]],
            [0, 0],
            margin=1.0,
            distance_metric="L2",
            note="TFA docstring example",
            **extra,
        )
        for _seed, (metric, margin) in enumerate(
            [
                ("L2", 1.0),
                ("L2", 0.2),
                ("L2", 2.0),
                ("squared-L2", 1.0),
                ("squared-L2", 0.5),
                ("angular", 0.2),
                ("angular", 1.0),
            ]
        ):
            labels = balanced_labels(rng, 16, 4)
            add(
                f"{loss}_{metric}_m{margin}_gaussian",
                loss,
                gaussian(rng, 16, 8),
                labels,
                margin=margin,
                distance_metric=metric,
                **extra,
            )
        labels = rng.integers(0, 5, size=20)
        add(
            f"{loss}_L2_labels_b1",
            loss,
            gaussian(rng, 20, 6),
            labels,
            label_shape="(b,1)",
            margin=1.0,
            distance_metric="L2",
            note="labels of shape (b, 1)",
            **extra,
        )
        add(
            f"{loss}_L2_b64",
            loss,
            gaussian(rng, 64, 16),
            balanced_labels(rng, 64, 8),
            margin=1.0,
            distance_metric="L2",
            **extra,
        )
        add(
            f"{loss}_L2_single_class",
            loss,
            gaussian(rng, 10, 4),
            np.zeros(10, int),
            margin=1.0,
            distance_metric="L2",
            note="one class: no negatives",
            **extra,
        )
        add(
            f"{loss}_angular_single_class",
            loss,
            gaussian(rng, 8, 4),
            np.full(8, 3),
            margin=0.5,
            distance_metric="angular",
            note="one class: no negatives",
            **extra,
        )
        labels = np.array([0, 0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9])
        add(
            f"{loss}_L2_singletons",
            loss,
            gaussian(rng, 12, 4),
            labels,
            margin=1.0,
            distance_metric="L2",
            note="mostly singleton classes",
            **extra,
        )
        add(
            f"{loss}_L2_no_positive",
            loss,
            gaussian(rng, 6, 4),
            np.arange(6),
            margin=1.0,
            distance_metric="L2",
            note="every label once: no positive pair",
            **extra,
        )
        for metric in ("L2", "squared-L2"):
            labels = balanced_labels(rng, 18, 3)
            add(
                f"{loss}_{metric}_grid_ties",
                loss,
                grid(rng, 18, 3),
                labels,
                margin=1.0,
                distance_metric=metric,
                note="integer grid: many tied distances",
                **extra,
            )
        labels = balanced_labels(rng, 24, 4)
        add(
            f"{loss}_L2_oversampled_ties",
            loss,
            oversampled(rng, labels, 6),
            labels,
            margin=1.0,
            distance_metric="L2",
            note="duplicated rows, some across labels",
            **extra,
        )
        labels = balanced_labels(rng, 24, 4)
        add(
            f"{loss}_squared-L2_oversampled_ties",
            loss,
            oversampled(rng, labels, 6),
            labels,
            margin=0.5,
            distance_metric="squared-L2",
            note="duplicated rows",
            **extra,
        )
        add(
            f"{loss}_L2_all_coincident",
            loss,
            np.tile(rng.normal(size=(1, 5)), (8, 1)),
            balanced_labels(rng, 8, 2),
            margin=1.0,
            distance_metric="L2",
            note="all embeddings equal: zero distances",
            **extra,
        )
        embeddings = gaussian(rng, 12, 5)
        embeddings[[1, 4, 7]] = embeddings[0]
        add(
            f"{loss}_L2_some_coincident",
            loss,
            embeddings,
            balanced_labels(rng, 12, 3),
            margin=1.0,
            distance_metric="L2",
            note="some embeddings equal",
            **extra,
        )
        add(
            f"{loss}_L2_float16",
            loss,
            gaussian(rng, 16, 8),
            balanced_labels(rng, 16, 4),
            dtype="float16",
            margin=1.0,
            distance_metric="L2",
            **extra,
        )
        add(
            f"{loss}_angular_float16",
            loss,
            gaussian(rng, 16, 8),
            balanced_labels(rng, 16, 4),
            dtype="float16",
            margin=0.5,
            distance_metric="angular",
            **extra,
        )
        add(
            f"{loss}_L2_bfloat16",
            loss,
            gaussian(rng, 16, 8),
            balanced_labels(rng, 16, 4),
            dtype="bfloat16",
            margin=1.0,
            distance_metric="L2",
            **extra,
        )
        add(
            f"{loss}_callable_dot",
            loss,
            gaussian(rng, 12, 4),
            balanced_labels(rng, 12, 3),
            margin=1.0,
            distance_metric="callable:dot",
            note="TFA docstring callable",
            **extra,
        )
        add(
            f"{loss}_callable_manhattan",
            loss,
            grid(rng, 14, 3),
            balanced_labels(rng, 14, 3),
            margin=1.0,
            distance_metric="callable:manhattan",
            **extra,
        )
    rng = np.random.default_rng(300)
    for metric in ("L2", "squared-L2", "angular"):
        add(
            f"hard_soft_{metric}",
            "hard",
            gaussian(rng, 16, 8),
            balanced_labels(rng, 16, 4),
            margin=1.0,
            soft=True,
            distance_metric=metric,
            note="soft margin",
        )
    labels = balanced_labels(rng, 18, 3)
    add(
        "hard_soft_L2_grid_ties",
        "hard",
        grid(rng, 18, 3),
        labels,
        margin=1.0,
        soft=True,
        distance_metric="L2",
        note="soft margin, tied distances",
    )
    return cases


def tfa_loss(loss, labels, embeddings, kwargs):
    kwargs = dict(kwargs)
    metric = kwargs["distance_metric"]
    kwargs["distance_metric"] = CALLABLES.get(metric, metric)
    if loss == "semihard":
        return tfa.losses.triplet_semihard_loss(labels, embeddings, **kwargs)
    return tfa.losses.triplet_hard_loss(labels, embeddings, **kwargs)


def tie_statistics(labels, embeddings, kwargs):
    """Counts of the semi-hard situations whose gradient depends on TFA's tie splitting."""
    metric = kwargs["distance_metric"]
    x = tf.constant(embeddings, tf.float32)
    if metric in ("L2", "squared-L2"):
        distances = metric_learning.pairwise_distance(x, squared=metric == "squared-L2")
    elif metric == "angular":
        distances = metric_learning.angular_distance(x)
    else:
        distances = CALLABLES[metric](x)
    distances = distances.numpy()
    labels = labels.reshape(-1)
    tied, at_row_max = 0, 0
    for anchor in range(len(labels)):
        negative_distances = distances[anchor][labels != labels[anchor]]
        for positive in np.flatnonzero(labels == labels[anchor]):
            if positive == anchor:
                continue
            farther = negative_distances[negative_distances > distances[anchor, positive]]
            if farther.size:
                chosen = farther.min()
                tied += int(np.sum(farther == chosen) > 1)
                at_row_max += int(chosen == distances[anchor].max())
    return {"semihard_pairs_with_tied_negatives": tied, "semihard_pairs_choosing_row_maximum": at_row_max}


def main():
    arrays, records = {}, []
    for name, loss, kwargs, embeddings, labels, dtype, label_shape, note in case_list():
        stored = tf.cast(tf.constant(embeddings, tf.float32), dtype)  # the exact input values
        labels = labels.astype(np.int32).reshape((-1, 1) if label_shape == "(b,1)" else (-1,))
        with tf.GradientTape() as tape:
            tape.watch(stored)
            value = tfa_loss(loss, tf.constant(labels), stored, kwargs)
        gradient = tape.gradient(value, stored)
        arrays[f"{name}/embeddings"] = tf.cast(stored, tf.float32).numpy()
        arrays[f"{name}/labels"] = labels
        arrays[f"{name}/value"] = np.float32(tf.cast(value, tf.float32).numpy())
        arrays[f"{name}/grad"] = tf.cast(gradient, tf.float32).numpy()
        records.append(
            {
                "name": name,
                "loss": loss,
                "kwargs": kwargs,
                "dtype": dtype,
                "label_shape": label_shape,
                "batch_size": int(len(labels)),
                "note": note,
                "value_is_finite": bool(np.isfinite(arrays[f"{name}/value"])),
                **(tie_statistics(labels, arrays[f"{name}/embeddings"], kwargs) if loss == "semihard" else {}),
            }
        )
        print(f"{name:40s} {float(arrays[f'{name}/value']):.6f}", file=sys.stderr)
    meta = {
        "generated_by": "tests/golden/make_tfa_goldens.py",
        "versions": {
            "python": sys.version.split()[0],
            "tensorflow": tf.__version__,
            "tensorflow_addons": tfa.__version__,
            "numpy": np.__version__,
        },
        "functions": {"semihard": "tfa.losses.triplet_semihard_loss", "hard": "tfa.losses.triplet_hard_loss"},
        "cases": records,
    }
    np.savez_compressed(os.path.join(OUT_DIR, f"{STEM}.npz"), **arrays)
    with open(os.path.join(OUT_DIR, f"{STEM}.json"), "w") as handle:
        json.dump(meta, handle, indent=1)
        handle.write("\n")
    print(f"wrote {len(records)} cases to {OUT_DIR}/{STEM}.npz|json", file=sys.stderr)


if __name__ == "__main__":
    main()
