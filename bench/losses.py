"""Benchmark the losses: forward+backward time per call and peak memory, ours vs TFA vs the study.

Run from the repository root, in the project environment (one command, about 30 minutes on
2 CPU cores; `--rounds 1` takes a third of that):

    python bench/losses.py

Options: `--batch-sizes 40 128 512 1024`, `--dim 128`, `--memory-cap-gib 8`, `--json out.json`,
`--losses batch_all` (a subset).

Fast paths (`--definitions`): each loss with a fast path against the same loss built from the
same parts of `tslearnkit.losses.mining` without it, both inside `tf.function`: semi-hard and
batch-all with their mining written as its definition over a `(b, b, b)` tensor (the shipped
ones sort and search instead), hard with the row-minimum reduction of TFA's masked maximum that
L2 distances let it skip. What each fast path buys, in time and memory.

Per Keras backend (issue 17; needs the `jax`/`torch` extras): `--backends tensorflow jax torch`
times only our losses, forward+backward, each backend compiling as Keras compiles its train
step (`tf.function`, `jax.jit`; torch eagerly), one fresh subprocess per case with
`KERAS_BACKEND` set, `--rounds` times interleaved, best of the rounds.

What is measured, for b in {40, 128, 512, 1024} embeddings of dimension d = 128 (8 balanced
classes; NT-Xent gets b views, i.e. two halves of b/2):

* ours: every loss of `tslearnkit.losses`, timed three ways: inside `tf.function` (the number
  the ratios use), plain eager, and `tf.function(jit_compile=True)` (XLA; Keras' default
  `jit_compile="auto"` turns it on for TF models);
* TFA 0.23 `triplet_semihard_loss` / `triplet_hard_loss` (already `tf.function`s), run in their
  own environment: this script re-invokes itself as `--worker tfa` under `$TFA_PYTHON` or, if
  that is unset, the Python printed by `bench/envs/tfa.sh` (which creates the venv once);
* the study's all-triplet selector: `itertools.combinations` over same-class indices x every
  negative, built in Python on every call, then the loss in TensorFlow on gathered embeddings
  (squared L2, margin 1), compared with ours at `positive_pairs="combinations"`. The selector
  needs concrete labels, so this loss can only run eagerly (Keras 3: `run_eagerly=True`), as
  its PyTorch original did: that is the reference time. "ref ms compiled" also wraps its TF part
  in a `tf.function`, a favour the study never had, shown for transparency.

Speed-ups are given like for like (ours in `tf.function` vs the reference) and for our best
mode. Keras' default `jit_compile="auto"` runs the loss under XLA: faster for small batches,
but on CPU XLA's sort makes semi-hard and batch-all 1.2-3x slower from b = 512.

Every (implementation, loss, b) runs in a fresh subprocess, `--rounds` times (default 3),
interleaved: ours, the reference, ours, ... Time: the best of several calls (at least 3, up to
100 within ~2 s) after one warm-up call, then the best of the rounds; the best is the least
disturbed by other processes on a shared machine, and interleaving spreads a disturbed stretch
over both sides. The per-round ratios are printed too. Memory (the largest of the rounds):
peak RSS during the case minus the RSS after importing TensorFlow and warming up on a batch of
16 (peak reset through /proc/self/clear_refs).
A watchdog kills a worker whose RSS passes `--memory-cap-gib`; cases whose own tensors are
known to exceed the cap are skipped with the estimate (TFA's semi-hard tiles a (b^2, b) matrix:
about 24 b^3 bytes of live float/bool tensors in forward+backward; the study's selector holds
(T, d) float tensors for T triplets).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NUM_CLASSES = 8
MARGIN = 1.0
OURS_LOSSES = ("semihard", "hard", "batch_all", "nt_xent", "supcon")
TFA_LOSSES = ("semihard", "hard")
GIB = 1024**3


# ------------------------------------------------------------------------------------------
# Worker side (imports TensorFlow; one case per process)
# ------------------------------------------------------------------------------------------
def _rss_bytes(field="VmRSS"):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
    except OSError:
        pass


def _inputs(batch_size, dim, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(batch_size) % NUM_CLASSES).astype("int32")
    embeddings = rng.normal(size=(batch_size, dim)).astype("float32")
    return labels, embeddings


def _loss_function(implementation, loss):
    """Returns `f(labels, embeddings) -> scalar loss` for one implementation."""
    if implementation == "tfa":
        import tensorflow_addons as tfa

        return {"semihard": tfa.losses.triplet_semihard_loss, "hard": tfa.losses.triplet_hard_loss}[loss]
    if implementation == "study":
        return _study_loss(compiled=False)
    if implementation == "definition":
        return {
            "semihard": _semihard_by_definition,
            "hard": _hard_with_row_minimum,
            "batch_all": _batch_all_by_definition,
        }[loss]
    from tslearnkit import losses

    return {
        "semihard": losses.triplet_semihard_loss,
        "hard": losses.triplet_hard_loss,
        "batch_all": lambda y, x: losses.triplet_batch_all_loss(
            y, x, MARGIN, "squared-L2", positive_pairs="combinations"
        ),
        "nt_xent": lambda y, x: losses.nt_xent_loss(*_halves(x)),
        "supcon": losses.supcon_loss,
    }[loss]


def _semihard_by_definition(labels, embeddings):
    """`triplet_semihard_loss` with its negatives mined as defined, over a (b, b, b) tensor."""
    from keras import ops

    from tslearnkit.losses import mining, pairwise_distances

    distances = pairwise_distances(embeddings, "L2")
    positives, negatives = mining.label_masks(labels)
    d_ap, d_an = ops.expand_dims(distances, 2), ops.expand_dims(distances, 1)
    farther = ops.logical_and(ops.expand_dims(negatives, 1), d_an > d_ap)  # (a, p, n)
    row_max = ops.max(distances, axis=1, keepdims=True)
    shifted = (d_an - ops.expand_dims(row_max, 2)) * ops.cast(farther, distances.dtype)
    negative = ops.where(
        ops.any(farther, axis=2), ops.min(shifted, axis=2) + row_max, mining.masked_maximum(distances, negatives)
    )
    return mining.masked_mean(mining.hinge(distances - negative, MARGIN), positives)


def _hard_with_row_minimum(labels, embeddings):
    """`triplet_hard_loss` with TFA's masked maximum reducing the row minimum it knows is 0."""
    from keras import ops

    from tslearnkit.losses import mining, pairwise_distances

    distances = pairwise_distances(embeddings, "L2")
    positives, negatives = mining.label_masks(labels)
    positive = mining.masked_maximum(distances, positives)  # no row_min=0.0: computes the minimum
    negative = mining.masked_minimum(distances, negatives)
    return ops.mean(mining.hinge(positive - negative, MARGIN))


def _batch_all_by_definition(labels, embeddings):
    """`triplet_batch_all_loss` (squared L2, the study's pairs) summed over a (b, b, b) tensor."""
    from keras import ops

    from tslearnkit.losses import mining, pairwise_distances

    distances = pairwise_distances(embeddings, "squared-L2")
    positives, negatives = mining.label_masks(labels)
    index = ops.arange(ops.shape(labels)[0])
    positives = ops.logical_and(positives, ops.expand_dims(index, 1) < index)
    valid = ops.logical_and(ops.expand_dims(positives, 2), ops.expand_dims(negatives, 1))  # (a, p, n)
    terms = mining.hinge(ops.expand_dims(distances, 2) - ops.expand_dims(distances, 1), MARGIN)
    return mining.masked_mean(terms, valid)


def _halves(x):
    import tensorflow as tf

    return tf.split(x, 2, axis=0)


def _study_triplets(labels):
    """The study's AllTripletSelector: combinations(same-class indices, 2) x every negative."""
    from itertools import combinations

    import numpy as np

    triplets = []
    for label in set(labels.tolist()):
        label_mask = labels == label
        label_indices = np.where(label_mask)[0]
        if len(label_indices) < 2:
            continue
        negative_indices = np.where(np.logical_not(label_mask))[0]
        anchor_positives = list(combinations(label_indices, 2))
        triplets += [
            [anchor_positive[0], anchor_positive[1], negative]
            for anchor_positive in anchor_positives
            for negative in negative_indices
        ]
    return np.array(triplets).reshape(-1, 3)


def _study_gathered_loss(x, triplets):
    """The study's loss on explicit triplets: gather the rows, squared L2, hinge, mean."""
    import tensorflow as tf

    anchor = tf.gather(x, triplets[:, 0])
    positive = tf.gather(x, triplets[:, 1])
    negative = tf.gather(x, triplets[:, 2])
    ap = tf.reduce_sum(tf.square(anchor - positive), axis=1)
    an = tf.reduce_sum(tf.square(anchor - negative), axis=1)
    return tf.reduce_mean(tf.nn.relu(ap - an + MARGIN))


_COMPILED_STUDY_LOSS = {}


def _study_loss(compiled):
    """Study's loss: Python-built triplet indices on every call, then TF on gathered rows.

    The selector needs concrete label values, so the study's loss runs eagerly (in Keras 3:
    `run_eagerly=True`), as its PyTorch original did. `compiled=True` additionally wraps the
    TF part in a `tf.function`, a favour the study never had, reported for transparency.
    """
    import numpy as np
    import tensorflow as tf

    if compiled and "loss" not in _COMPILED_STUDY_LOSS:
        _COMPILED_STUDY_LOSS["loss"] = tf.function(
            _study_gathered_loss,
            input_signature=[tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None, 3], tf.int64)],
        )
    gathered_loss = _COMPILED_STUDY_LOSS["loss"] if compiled else _study_gathered_loss

    def loss(labels, embeddings):
        triplets = _study_triplets(np.asarray(labels)).astype(np.int64)
        return gathered_loss(embeddings, tf.constant(triplets))

    return loss


def _make_step(function, mode):
    import tensorflow as tf

    def step(labels, embeddings):
        with tf.GradientTape() as tape:
            tape.watch(embeddings)
            value = function(labels, embeddings)
        # tf.gather (the study's path) yields IndexedSlices: densify, as a model update would.
        return value, tf.convert_to_tensor(tape.gradient(value, embeddings))

    if mode == "eager":
        return step
    return tf.function(step, jit_compile=(mode == "xla"))


def _time_calls(step, labels, embeddings, budget_s=2.0, min_calls=3, max_calls=100):
    """Best wall time (ms) of repeated calls, after one warm-up call; also the loss value."""
    value, gradient = step(labels, embeddings)
    float(value), _as_numpy(gradient)
    times, started = [], time.perf_counter()
    while len(times) < max_calls and (len(times) < min_calls or time.perf_counter() - started < budget_s):
        begin = time.perf_counter()
        value, gradient = step(labels, embeddings)
        float(value), _as_numpy(gradient)  # wait for the result
        times.append(time.perf_counter() - begin)
    return 1000 * min(times), float(value)


def _as_numpy(gradient):
    """A TF tensor's values (waits for them); a NumPy array (the `--backends` worker's) as is."""
    return gradient.numpy() if hasattr(gradient, "numpy") else gradient


def run_worker(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import warnings

    warnings.filterwarnings("ignore")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    sys.path.insert(0, str(REPO_ROOT))
    function = _loss_function(args.worker, args.loss)
    if args.worker == "study":  # Python selector: eager only; "function" = TF part compiled
        step_modes = {
            "eager": _make_step(function, "eager"),
            "function": _make_step(_study_loss(compiled=True), "eager"),
        }
    elif args.worker == "ours":
        step_modes = {mode: _make_step(function, mode) for mode in ("function", "eager", "xla")}
    else:  # TFA's losses are tf.functions already; the definitions are timed as ours are in fit
        step_modes = {"function": _make_step(function, "function")}
    headline = "eager" if args.worker == "study" else "function"

    small_labels, small_embeddings = _inputs(16, args.dim, seed=1)
    step_modes[headline](tf.constant(small_labels), tf.constant(small_embeddings))
    labels, embeddings = _inputs(args.batch_size, args.dim)
    labels = labels if args.worker == "study" else tf.constant(labels)
    embeddings = tf.constant(embeddings)
    baseline = _rss_bytes()
    _reset_peak_rss()

    result = {"implementation": args.worker, "loss": args.loss, "batch_size": args.batch_size}
    result["ms"], result["value"] = _time_calls(step_modes[headline], labels, embeddings)
    result["peak_mib"] = (_rss_bytes("VmHWM") - baseline) / 2**20
    for mode, step in step_modes.items():
        result[f"ms_{mode}"] = result["ms"] if mode == headline else _time_calls(step, labels, embeddings)[0]
    result["versions"] = {"tensorflow": tf.__version__}
    print("RESULT " + json.dumps(result), flush=True)


def run_backend_worker(args):
    """One loss at one b on the Keras backend in KERAS_BACKEND: forward+backward, compiled as
    Keras compiles a train step there (`tf.function`, `jax.jit`; torch eagerly)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings

    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(REPO_ROOT))
    import keras
    from keras import ops

    from tslearnkit import backend, losses

    function = {
        "semihard": losses.triplet_semihard_loss,
        "hard": losses.triplet_hard_loss,
        "batch_all": lambda y, x: losses.triplet_batch_all_loss(y, x, MARGIN, "squared-L2"),
        "nt_xent": lambda y, x: losses.nt_xent_loss(*ops.split(x, 2, axis=0)),
        "supcon": losses.supcon_loss,
    }[args.loss]

    def step(labels, embeddings):
        return backend.value_and_grad(lambda x: function(labels, x), embeddings)

    step = backend.compile_function(step)

    def timed(labels, embeddings):
        value, gradient = step(labels, embeddings)
        return value, backend.to_numpy(gradient)  # waits for the result (JAX dispatches async)

    small_labels, small_embeddings = _inputs(16, args.dim, seed=1)
    timed(ops.convert_to_tensor(small_labels), ops.convert_to_tensor(small_embeddings))
    labels, embeddings = (ops.convert_to_tensor(a) for a in _inputs(args.batch_size, args.dim))
    baseline = _rss_bytes()
    _reset_peak_rss()
    result = {"implementation": "backend", "backend": keras.backend.backend(), "loss": args.loss}
    result["batch_size"] = args.batch_size
    result["ms"], result["value"] = _time_calls(timed, labels, embeddings)
    result["peak_mib"] = (_rss_bytes("VmHWM") - baseline) / 2**20
    result["versions"] = {"keras": keras.__version__, keras.backend.backend(): _backend_version()}
    print("RESULT " + json.dumps(result), flush=True)


def _backend_version():
    import importlib

    import keras

    return importlib.import_module(keras.backend.backend()).__version__


# ------------------------------------------------------------------------------------------
# Driver side (no TensorFlow import)
# ------------------------------------------------------------------------------------------
def tfa_python():
    if os.environ.get("TFA_PYTHON"):
        return os.environ["TFA_PYTHON"]
    output = subprocess.run(["bash", str(REPO_ROOT / "bench/envs/tfa.sh")], check=True, capture_output=True, text=True)
    return output.stdout.strip().splitlines()[-1]


def study_triplet_count(batch_size):
    per_class = batch_size // NUM_CLASSES
    return NUM_CLASSES * per_class * (per_class - 1) // 2 * (batch_size - per_class)


def estimated_bytes(implementation, loss, batch_size, dim):
    """Rough size of what the case must hold at once, to skip hopeless cases up front."""
    if (loss == "semihard" and implementation == "tfa") or (implementation == "definition" and loss != "hard"):
        return 24 * batch_size**3
    if implementation == "study":
        # a Python list of 3-int lists (~120 B each), the index array, 3 gathered (T, d)
        # float32 tensors, two differences and their gradients.
        return study_triplet_count(batch_size) * (120 + 24 + 7 * 4 * dim)
    return 0


def run_case(python, implementation, loss, batch_size, args, backend=None):
    """Runs one case in a fresh subprocess under a memory watchdog; returns its result dict.

    `backend`: the Keras backend of a `--backends` comparison (implementation "backend")."""
    case = {"implementation": implementation, "loss": loss, "batch_size": batch_size}
    if backend:
        case["backend"] = backend
    estimate = estimated_bytes(implementation, loss, batch_size, args.dim)
    if estimate > args.memory_cap_gib * GIB:
        return {**case, "skipped": f"skipped: needs ~{estimate / GIB:.0f} GiB > cap {args.memory_cap_gib} GiB"}
    command = [
        python,
        str(Path(__file__).resolve()),
        "--worker",
        implementation,
        "--loss",
        loss,
        "--batch-size",
        str(batch_size),
        "--dim",
        str(args.dim),
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}
    if backend:
        environment.update(KERAS_BACKEND=backend, JAX_PLATFORMS="cpu")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    started, killed = time.monotonic(), None
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                rss = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            rss = 0
        if rss > args.memory_cap_gib * GIB:
            killed = f"OOM: RSS passed the {args.memory_cap_gib} GiB cap"
        elif time.monotonic() - started > args.timeout_s:
            killed = f"timeout after {args.timeout_s} s"
        if killed:
            process.kill()
            process.wait()
            return {**case, "skipped": killed}
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return {**case, "skipped": f"failed (exit {process.returncode}): {stderr.strip()[-300:]}"}


def merge_rounds(case_rounds):
    """One result from several rounds of a case: the best time of each mode, the largest peak.

    The best time is the one least disturbed by other processes on a shared machine (a round
    can be slowed down as a whole; interleaving rounds of ours and the reference spreads
    that over both). `ms_rounds` keeps each round's headline time.
    """
    measured = [r for r in case_rounds if "ms" in r]
    if not measured:
        return case_rounds[0]
    merged = dict(measured[0])
    for key in [k for k in merged if k.startswith("ms")]:
        merged[key] = min(r[key] for r in measured)
    merged["peak_mib"] = max(r["peak_mib"] for r in measured)
    merged["ms_rounds"] = [r["ms"] for r in measured]
    return merged


REFERENCES = {"semihard": ("tfa", "TFA 0.23"), "hard": ("tfa", "TFA 0.23"), "batch_all": ("study", "study itertools")}


def _index(results):
    return {(r["implementation"], r["loss"], r["batch_size"]): r for r in results}


def _best_ours_ms(ours):
    return min(ours[key] for key in ("ms_function", "ms_eager", "ms_xla") if key in ours)


def _cell(result, key="ms", digits=1):
    if result is None:
        return "-"
    if "skipped" in result:
        return result["skipped"].split(":")[0]
    return f"{result[key]:.{digits}f}"


def format_table(results, batch_sizes):
    """Markdown table: our three execution modes, the reference, and the speed-ups."""
    index = _index(results)
    header = (
        "| loss | b | ours ms tf.function | ours ms eager | ours ms XLA | ours peak MiB | "
        "reference | ref ms | ref ms compiled | ref peak MiB | ref / ours tf.function | "
        "ref / ours best mode |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for loss in OURS_LOSSES:
        for batch_size in batch_sizes:
            ours = index.get(("ours", loss, batch_size))
            if ours is None:
                continue
            name, label = REFERENCES.get(loss, (None, "-"))
            reference = index.get((name, loss, batch_size))
            like, best = "-", "-"
            if ours and "ms" in ours and reference is not None:
                if "ms" in reference:
                    like = f"{reference['ms'] / ours['ms']:.1f}x"
                    best = f"{reference['ms'] / _best_ours_ms(ours):.1f}x"
                else:
                    like = best = reference["skipped"].split(":")[0]
            lines.append(
                f"| {loss} | {batch_size} | {_cell(ours)} | {_cell(ours, 'ms_eager')} | "
                f"{_cell(ours, 'ms_xla')} | {_cell(ours, 'peak_mib', 0)} | {label} | "
                f"{_cell(reference)} | {_cell(reference, 'ms_function')} | "
                f"{_cell(reference, 'peak_mib', 0)} | {like} | {best} |"
            )
    return "\n".join(lines)


def check_targets(results, batch_sizes):
    """One line per target of the issue, with the measured number and met / MISSED."""
    index = _index(results)
    lines = []
    targets = [("semihard", b, 1.0) for b in batch_sizes] + [("hard", b, 1.0) for b in batch_sizes]
    targets += [("batch_all", 40, 20.0), ("batch_all", 128, 100.0)]
    for loss, batch_size, target in targets:
        name, label = REFERENCES[loss]
        ours, reference = index.get(("ours", loss, batch_size)), index.get((name, loss, batch_size))
        if not ours or "ms" not in ours or not reference:
            continue
        if "skipped" in reference:
            lines.append(f"{loss} b={batch_size}: {label} {reference['skipped']} (ours {ours['ms']:.1f} ms) -> met")
            continue
        like = reference["ms"] / ours["ms"]
        best = reference["ms"] / _best_ours_ms(ours)
        verdict = "met" if like >= target else ("met in best mode" if best >= target else "MISSED")
        extra = ""
        if len(ours.get("ms_rounds", [])) > 1 and len(reference.get("ms_rounds", [])) > 1:
            per_round = [r / o for r, o in zip(reference["ms_rounds"], ours["ms_rounds"])]
            extra += f"; round by round {min(per_round):.2f}x-{max(per_round):.2f}x"
        if name == "study":
            compiled = reference["ms_function"] / ours["ms"]
            extra += f"; vs study with its TF part compiled: {compiled:.1f}x"
        lines.append(
            f"{loss} b={batch_size}: {like:.2f}x {label} with tf.function, "
            f"{best:.2f}x in our best mode{extra} (target >= {target:g}: {verdict})"
        )
    largest = max(batch_sizes)
    for loss in OURS_LOSSES:
        ours = index.get(("ours", loss, largest))
        if ours and "peak_mib" in ours:
            verdict = "met" if ours["peak_mib"] <= 512 else "MISSED"
            lines.append(f"{loss} b={largest}: peak {ours['peak_mib']:.0f} MiB (target <= 512 MiB: {verdict})")
    for batch_size in batch_sizes:
        ours = index.get(("ours", "batch_all", batch_size))
        study = index.get(("study", "batch_all", batch_size))
        if ours and study and "value" in ours and "value" in study:
            lines.append(f"batch_all b={batch_size}: same loss, ours {ours['value']:.6f} vs study {study['value']:.6f}")
    return "\n".join(lines)


DEFINITION_LOSSES = ("semihard", "hard", "batch_all")


def format_definition_table(results, batch_sizes):
    """`--definitions`: each shipped fast path against the same loss without it."""
    index = _index(results)
    lines = [
        "| loss | b | ours ms | without the fast path ms | without / ours | ours peak MiB | without peak MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for loss in DEFINITION_LOSSES:
        for batch_size in batch_sizes:
            ours, definition = index.get(("ours", loss, batch_size)), index.get(("definition", loss, batch_size))
            if not ours or not definition:
                continue
            ratio = f"{definition['ms'] / ours['ms']:.2f}x" if "ms" in ours and "ms" in definition else "-"
            lines.append(
                f"| {loss} | {batch_size} | {_cell(ours)} | {_cell(definition)} | {ratio} | "
                f"{_cell(ours, 'peak_mib', 0)} | {_cell(definition, 'peak_mib', 0)} |"
            )
    return "\n".join(lines)


def compare_backends(args):
    """`--backends`: every (backend, loss, b) in a fresh subprocess, `--rounds` times interleaved;
    the best of the rounds, as a table of ms per backend."""
    losses = [loss for loss in OURS_LOSSES if loss in args.losses]
    results = []
    for batch_size in args.batch_sizes:
        rounds = {}
        for round_number in range(args.rounds):
            for loss in losses:
                for backend in args.backends:
                    result = run_case(sys.executable, "backend", loss, batch_size, args, backend=backend)
                    rounds.setdefault((backend, loss), []).append(result)
                    shown = result.get("skipped") or f"{result['ms']:.1f} ms, {result['peak_mib']:.0f} MiB"
                    label = f"b={batch_size:5d} {backend:10s} {loss:10s} round {round_number + 1}"
                    print(f"{label}: {shown}", file=sys.stderr)
        for (backend, _loss), case_rounds in rounds.items():
            timed = [r for r in case_rounds if "ms" in r]
            best = min(timed, key=lambda r: r["ms"]) if timed else case_rounds[-1]
            results.append({**best, "backend": backend, "rounds_ms": [r.get("ms") for r in case_rounds]})
    print(format_backend_table(results, args.backends, args.batch_sizes))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


def format_backend_table(results, backends, batch_sizes):
    index = {(r["backend"], r["loss"], r["batch_size"]): r for r in results}
    header = "| loss | b | " + " | ".join(f"{backend} ms" for backend in backends) + " |"
    lines = [header, "|" + "---|" * (len(backends) + 2)]
    for loss in OURS_LOSSES:
        for batch_size in batch_sizes:
            row = [index.get((backend, loss, batch_size)) for backend in backends]
            if not any(row):
                continue
            cells = [f"{r['ms']:.1f}" if r and "ms" in r else (r or {}).get("skipped", "-") for r in row]
            lines.append(f"| {loss} | {batch_size} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[40, 128, 512, 1024])
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--memory-cap-gib", type=float, default=8.0)
    parser.add_argument("--timeout-s", type=float, default=600.0)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure every case this many times, interleaving ours and the reference; the best of the rounds counts",
    )
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument(
        "--losses",
        nargs="+",
        choices=OURS_LOSSES,
        default=list(OURS_LOSSES),
        help="only these losses (with their references)",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=["tensorflow", "jax", "torch"],
        help="instead: our losses' forward+backward time on each of these Keras backends",
    )
    parser.add_argument(
        "--definitions",
        action="store_true",
        help="instead: each loss with a fast path (semihard, hard, batch_all) against the same loss without it",
    )
    parser.add_argument("--worker", choices=["ours", "tfa", "study", "backend", "definition"], help=argparse.SUPPRESS)
    parser.add_argument("--loss", help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "backend":
        run_backend_worker(args)
        return
    if args.worker:
        run_worker(args)
        return
    if args.backends:
        compare_backends(args)
        return

    plan = [(sys.executable, "ours", loss) for loss in OURS_LOSSES if loss in args.losses]
    if args.definitions:
        losses = [loss for loss in DEFINITION_LOSSES if loss in args.losses]
        plan = [(sys.executable, kind, loss) for loss in losses for kind in ("ours", "definition")]
    elif any(loss in args.losses for loss in TFA_LOSSES):
        plan += [(tfa_python(), "tfa", loss) for loss in TFA_LOSSES if loss in args.losses]
    if "batch_all" in args.losses and not args.definitions:
        plan += [(sys.executable, "study", "batch_all")]
    results = []
    for batch_size in args.batch_sizes:
        rounds = {}
        for round_number in range(args.rounds):
            for python, implementation, loss in plan:
                result = run_case(python, implementation, loss, batch_size, args)
                rounds.setdefault((implementation, loss), []).append(result)
                shown = result.get("skipped") or (f"{result['ms']:.1f} ms, {result['peak_mib']:.0f} MiB")
                print(
                    f"b={batch_size:5d} {implementation:6s} {loss:10s} round {round_number + 1}: {shown}",
                    file=sys.stderr,
                )
        results += [merge_rounds(case_rounds) for case_rounds in rounds.values()]
    if args.definitions:
        print(format_definition_table(results, args.batch_sizes))
    else:
        print(format_table(results, args.batch_sizes))
        print()
        print(check_targets(results, args.batch_sizes))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
