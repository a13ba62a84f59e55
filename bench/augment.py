"""Benchmark: vectorised ``reference_walk`` against a direct per-point Python loop.

Run from the repository root (about 5 s on 2 CPU cores)::

    PYTHONPATH=. python bench/augment.py

``--tf-data [--compare-with OLD_AUGMENT.py]`` times the contrastive tf.data pipeline instead
(``dataset.batch(64).map(make_tf_two_views(seed=0))`` over the same series, one epoch, best of
``--repeats``), for this tree and, optionally, another version of the module.

What it does
    1. Makes 1,000 reference series of shape (1007, 4) (float32, like the study's series).
    2. Agreement: draws the random numbers for ``--loop-series`` series once and feeds the
       *same* numbers to the vectorised code (``walk._reference_walk_from_noise``) and to
       the two loops below. The arithmetic is the same operation for operation, except that
       the vectorised code evaluates the running sum ``s[t] = s[t-1] + (v(t) - v(t-1))`` in
       its closed form ``r[0] - v(0) + v(t)``; so the outputs must agree to float64 rounding
       (max |difference| <= 1e-12 on float64 input; the float32 outputs are compared too).
    3. Speed, end to end: ``augment.reference_walk`` makes all 1,000 series, drawing its own
       random numbers; the direct loop makes ``--loop-series`` series (default 20), drawing
       its random numbers point by point with Python's ``random`` module (the fastest scalar
       generator at hand), and its time is extrapolated linearly per series to 1,000. That
       ratio is the headline; the script exits with status 1 if it is below
       ``--min-speedup`` (100).
       Same work, no random drawing: the vectorised core and both loops on the pre-drawn
       numbers of step 2 (reported, not gated).
    Candidates are timed in turns, ``--repeats`` rounds, keeping each one's fastest run
    (timeit's convention), so a busy spell on a shared machine hits them alike.

The loops
    * ``direct``: the description transcribed point by point (series, step, channel), reading
      the NumPy arrays element by element, as a per-point generator is naturally written.
    * ``lists``: the same loop after converting each series to Python lists — the fastest
      pure-Python version we could write, reported for honesty.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import random
import sys
import time

import numpy as np

from tslearnkit import augment

walk = importlib.import_module("tslearnkit.augment.reference_walk")  # the module (augment.reference_walk: the function)


def reference_walk_direct_loop(
    references, time_noise=None, value_noise=None, *, time_sd, radius, smooth_window, seed=0
):
    """The description of ``augment.reference_walk``, one point at a time.

    ``time_noise`` (``(n, t)``, N(0, 1)) and ``value_noise`` (``(n, t, c)`` uint16, bins of
    U(-1, 1)) are the pre-drawn random numbers of ``walk._draw_reference_walk_noise``; when
    they are ``None`` each number is drawn where it is used with ``random.Random(seed)``.
    """
    draw = random.Random(seed)
    n, timesteps, channels = references.shape
    out = np.empty(references.shape, references.dtype)
    for i in range(n):
        walks = [[float(references[i, 0, c])] for c in range(channels)]  # s[0] = r[0]
        previous = [0.0] * channels
        for t in range(timesteps):
            # followed time index ~ round(N(t, time_sd)), reflected at both ends
            z = draw.gauss(0.0, 1.0) if time_noise is None else float(time_noise[i, t])
            k = round(t + time_sd * z)
            while k < 0 or k > timesteps - 1:
                k = -k if k < 0 else 2 * (timesteps - 1) - k
            for c in range(channels):
                # the followed value, perturbed within a ball of radius proportional to it
                if value_noise is None:
                    u = draw.uniform(-1.0, 1.0)
                else:  # the midpoint of bin k of 65536 equal bins of (-1, 1)
                    u = (2.0 * int(value_noise[i, t, c]) + 1.0 - 65536.0) / 65536.0
                value = float(references[i, k, c]) * (1.0 + radius * u)
                if t > 0:  # add the step-to-step difference to the running series
                    walks[c].append(walks[c][-1] + (value - previous[c]))
                previous[c] = value
        for c in range(channels):
            # moving average ('valid'), then repeat the last value to restore the length
            smoothed = []
            for t in range(timesteps - smooth_window + 1):
                total = 0.0
                for lag in range(smooth_window):
                    total += walks[c][t + lag]
                smoothed.append(total / smooth_window)
            smoothed += [smoothed[-1]] * (smooth_window - 1)
            for t in range(timesteps):
                out[i, t, c] = smoothed[t]
    return out


def reference_walk_list_loop(references, time_noise, value_noise, *, time_sd, radius, smooth_window):
    """The same loop on Python lists (each series' arrays converted once)."""
    n, timesteps, channels = references.shape
    out = np.empty(references.shape, references.dtype)
    last = timesteps - 1
    for i in range(n):
        reference, z, u = references[i].tolist(), time_noise[i].tolist(), value_noise[i].tolist()
        walks = [[reference[0][c]] for c in range(channels)]
        previous = [0.0] * channels
        for t in range(timesteps):
            k = round(t + time_sd * z[t])
            while k < 0 or k > last:
                k = -k if k < 0 else 2 * last - k
            row, noise = reference[k], u[t]
            for c in range(channels):
                value = row[c] * (1.0 + radius * ((2.0 * noise[c] + 1.0 - 65536.0) / 65536.0))
                if t > 0:
                    walks[c].append(walks[c][-1] + (value - previous[c]))
                previous[c] = value
        for c in range(channels):
            walk = walks[c]
            smoothed = [sum(walk[t : t + smooth_window]) / smooth_window for t in range(timesteps - smooth_window + 1)]
            out[i, :, c] = smoothed + [smoothed[-1]] * (smooth_window - 1)
    return out


def make_references(n, timesteps, channels, seed):
    """Standardised random walks: smooth-ish, non-stationary, float32 ``(n, t, c)``."""
    rng = np.random.default_rng(seed)
    walks = np.cumsum(rng.standard_normal((n, timesteps, channels)), axis=1)
    walks = (walks - walks.mean(axis=(0, 1))) / walks.std(axis=(0, 1))
    return walks.astype(np.float32)


def vectorised_on_predrawn(references, time_noise, value_noise, params):
    """The vectorised core on given random numbers, in the chunks reference_walk uses."""
    out = np.empty(references.shape, references.dtype)
    step = walk._REFERENCE_WALK_CHUNK
    for start in range(0, len(references), step):
        rows = slice(start, start + step)
        walk._reference_walk_from_noise(references[rows], time_noise[rows], value_noise[rows], out=out[rows], **params)
    return out


def check_agreement(references, time_noise, value_noise, params) -> bool:
    """Vectorised vs both loops on the same random numbers; prints and returns the verdict."""
    noise = (time_noise, value_noise)
    references64 = references.astype(np.float64)
    vectorised64 = walk._reference_walk_from_noise(references64, *noise, **params)
    vectorised32 = walk._reference_walk_from_noise(references, *noise, **params)
    agree = True
    for name, loop in (("direct", reference_walk_direct_loop), ("lists", reference_walk_list_loop)):
        difference = np.abs(vectorised64 - loop(references64, *noise, **params)).max()
        mismatched = np.count_nonzero(vectorised32 != loop(references, *noise, **params))
        print(
            f"same draws, {len(references)} series, vectorised vs {name} loop: max |difference| "
            f"{difference:.1e} (float64); float32 outputs differ in {mismatched} of "
            f"{vectorised32.size} values"
        )
        agree &= bool(difference <= 1e-12)
    return agree


def fastest_runs(candidates: dict, repeats: int) -> dict:
    """Best wall time of each candidate, timed in turns over ``repeats`` rounds."""
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(repeats):
        for name, function in candidates.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def load_augment_module(path):
    """``tslearnkit.augment`` as it was in another file (e.g. an older version, for ``--tf-data``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tslearnkit._augment_compared", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def tf_data_epoch_seconds(module, x, batch_size, repeats):
    """Best time of one epoch of ``x`` through ``dataset.map(module.make_tf_two_views(seed=0))``."""
    import tensorflow as tf

    views = module.make_tf_two_views(seed=0)
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(batch_size)
    dataset = dataset.map(views, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)

    def epoch():
        for _ in dataset:
            pass

    epoch()  # trace and warm up
    return fastest_runs({"epoch": epoch}, repeats)["epoch"]


def tf_data_main(args) -> int:
    """``--tf-data``: contrastive two-view pipeline speed, this augment vs ``--compare-with``."""
    x = make_references(args.series, args.timesteps, args.channels, args.seed)
    modules = {"this tree": augment}
    if args.compare_with:
        modules["compared"] = load_augment_module(args.compare_with)
    print(f"tf.data two views of {x.shape} {x.dtype}, batch {args.batch_size}, best of {args.repeats} epochs")
    for name, module in modules.items():
        seconds = tf_data_epoch_seconds(module, x, args.batch_size, args.repeats)
        print(f"  {name:>10}: {seconds * 1e3:8.1f} ms/epoch  {len(x) / seconds:8.0f} series/s")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tf-data", action="store_true", help="time the tf.data two-view pipeline (make_tf_two_views) instead"
    )
    parser.add_argument("--compare-with", help="with --tf-data: an augment module file to compare")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--timesteps", type=int, default=1007)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--loop-series", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-speedup", type=float, default=100.0)
    args = parser.parse_args(argv)
    if args.tf_data:
        return tf_data_main(args)
    params = dict(time_sd=3.3, radius=0.01, smooth_window=3)

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    references = make_references(args.series, args.timesteps, args.channels, args.seed)
    print(f"references: {references.shape} {references.dtype}; parameters {params}")
    rng = np.random.default_rng(args.seed + 1)
    time_noise, value_noise = walk._draw_reference_walk_noise(rng, *references.shape)
    few = slice(0, args.loop_series)
    few_noise = (time_noise[few], value_noise[few])
    if not check_agreement(references[few], *few_noise, params):
        print("FAIL: the vectorised and loop implementations disagree")
        return 1

    noise = (time_noise, value_noise)
    best = fastest_runs(
        {
            "reference_walk": lambda: augment.reference_walk(references, seed=args.seed, **params),
            "direct, drawing": lambda: reference_walk_direct_loop(references[few], **params),
            "core, pre-drawn": lambda: vectorised_on_predrawn(references, *noise, params),
            "direct, pre-drawn": lambda: reference_walk_direct_loop(references[few], *few_noise, **params),
            "lists, pre-drawn": lambda: reference_walk_list_loop(references[few], *few_noise, **params),
        },
        args.repeats,
    )

    def loop_line(name):
        per_series = best[name] / args.loop_series
        return (
            f"{per_series * 1e3:6.2f} ms/series on {args.loop_series} -> "
            f"{per_series * args.series:6.2f} s for {args.series}"
        )

    scale = args.series / args.loop_series
    headline = best["direct, drawing"] * scale / best["reference_walk"]
    print(f"end to end, each drawing its own random numbers (best of {args.repeats}):")
    print(f"  reference_walk, {args.series} series:  {best['reference_walk'] * 1e3:7.1f} ms")
    print(f"  direct loop: {loop_line('direct, drawing')}   speed-up {headline:5.0f}x")
    print("same work on pre-drawn random numbers:")
    print(f"  vectorised core, {args.series} series: {best['core, pre-drawn'] * 1e3:7.1f} ms")
    for name in ("direct, pre-drawn", "lists, pre-drawn"):
        ratio = best[name] * scale / best["core, pre-drawn"]
        print(f"  {name.split(',')[0]:>6} loop: {loop_line(name)}   speed-up {ratio:5.0f}x")
    passed = headline >= args.min_speedup
    print(
        f"reference_walk vs direct per-point loop: {headline:.0f}x faster "
        f"(required >= {args.min_speedup:.0f}x): {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
