"""Result records: one JSON file per run, and the table built from them.

A record holds ``lesson``, ``method``, ``dataset``, ``seed``, ``metrics`` (a flat dict of
numbers), ``epochs``, ``wall_time_s``, ``versions`` and, in records written since 2026-12-07,
``threads`` (:func:`tslearnkit.threads`); extra keys are kept (NumPy values as JSON numbers and
lists).

Integrity
    * A record is written to a hidden temporary file (``.<name>.<random>.tmp``) in the same folder,
      flushed to disk and renamed over its final name in one step (``os.replace``). An interrupted
      save leaves at most a hidden ``.tmp`` file, which :func:`load_results` never reads, and
      never damages or removes an existing record. Permissions follow the umask.
    * The file name holds the lesson, method, dataset and seed, made filesystem-safe, plus the
      first 8 hex digits of a SHA-256 of the exact strings, so two methods whose names differ only
      in punctuation get different files. Saving the same run again replaces its record; a file
      of that name holding a different run is never overwritten. Seeds must be integers.
    * :func:`load_results` returns every valid record and reports each unreadable or invalid file
      by name (a warning by default, an error with ``on_error="raise"``).
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "REQUIRED_FIELDS",
    "DEFAULT_TABLE_METRICS",
    "save_result",
    "record_filename",
    "CorruptRecordWarning",
    "load_results",
    "validate_record",
    "results_table",
    "table_markdown",
    "findings",
    "findings_markdown",
]

REQUIRED_FIELDS = {
    "lesson": str,
    "method": str,
    "dataset": str,
    "seed": int,
    "metrics": dict,
    "epochs": int,
    "wall_time_s": (int, float),
    "versions": dict,
}
DEFAULT_TABLE_METRICS = (
    "precision_at_1",
    "mean_average_precision_at_r",
    "mean_average_precision",
    "NMI",
)
METRIC_LABELS = {
    "precision_at_1": "P@1",
    "mean_average_precision_at_r": "MAP@R",
    "mean_average_precision": "MAP",
    "NMI": "NMI",
    "AMI": "AMI",
    "ARI": "ARI",
    "r_precision": "R-precision",
    "knn_accuracy": "1-NN acc.",
    "accuracy": "accuracy",
    "legacy_map_at_k": "MAP@3 (PML 0.9)",
    "train_seconds": "train s",
}


def validate_record(record: dict, *, source: str = "record") -> dict:
    """Check a record's fields and types; return it unchanged.

    Raises:
        ValueError: naming ``source`` and the offending field.
    """
    if not isinstance(record, dict):
        raise ValueError(f"{source}: a result record must be a JSON object, got {type(record).__name__}")
    for field, kinds in REQUIRED_FIELDS.items():
        if field not in record:
            raise ValueError(f"{source}: missing field {field!r} (required: {sorted(REQUIRED_FIELDS)})")
        value = record[field]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ValueError(f"{source}: field {field!r} has the wrong type ({type(value).__name__})")
    for name, value in record["metrics"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{source}: metric {name!r} is not a number ({value!r})")
        if not math.isfinite(value):
            raise ValueError(f"{source}: metric {name!r} is {value} (NaN/inf)")
    return record


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.")


def record_filename(lesson: str, method: str, dataset: str, seed: int) -> str:
    """``<lesson>__<method>__<dataset>__seed<seed>__<hash>.json``; the hash (SHA-256 of the exact
    lesson, method and dataset strings) keeps names that slug the same apart."""
    digest = hashlib.sha256("\0".join((lesson, method, dataset)).encode("utf-8")).hexdigest()[:8]
    return f"{_slug(lesson)}__{_slug(method)}__{_slug(dataset)}__seed{int(seed)}__{digest}.json"


def _to_json(value):
    """``json.dump`` hook: NumPy scalars and arrays become JSON numbers and lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"a result record field has a value JSON cannot hold: {type(value).__name__} {value!r}")


class CorruptRecordWarning(UserWarning):
    """A file in a results folder is not a readable record (named in the message)."""


def save_result(
    results_dir,
    *,
    lesson: str,
    method: str,
    dataset: str,
    seed: int,
    metrics: dict,
    epochs: int,
    wall_time_s: float,
    versions: dict | None = None,
    **extra,
) -> Path:
    """Validate and write one record as ``<lesson>__<method>__<dataset>__seed<seed>.json``.

    Besides the arguments the record keeps the package versions (``versions``, default
    :func:`tslearnkit.environment`) and the thread settings of the run (``threads``,
    :func:`tslearnkit.threads`): on one thread TensorFlow adds in another order than on two.

    Returns:
        The path written. An existing record for the same run is replaced atomically.
    """
    from .. import environment, threads

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer (it names the record file); got {seed!r}")
    for field, value in (("lesson", lesson), ("method", method), ("dataset", dataset)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{field} must be a non-empty string (it names the record file); got {value!r}")
    if not isinstance(metrics, dict):
        raise ValueError(f"metrics must be a dict {{name: number}}; got {type(metrics).__name__}")
    for name, value in metrics.items():
        if isinstance(value, (bool, str, bytes)) or not isinstance(value, (numbers.Real, np.ndarray)) or np.ndim(value):
            raise ValueError(f"metrics[{name!r}] must be a number; got {value!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"epochs must be an integer >= 0; got {epochs!r}")
    if isinstance(wall_time_s, bool) or not isinstance(wall_time_s, numbers.Real) or not 0 <= wall_time_s < math.inf:
        raise ValueError(f"wall_time_s must be a finite number of seconds >= 0; got {wall_time_s!r}")
    folder = Path(results_dir)
    blocking = next((part for part in (folder, *folder.parents) if part.exists() and not part.is_dir()), None)
    if blocking == folder:
        raise ValueError(f"results_dir {str(folder)!r} is a file, not a folder")
    if blocking is not None:
        raise ValueError(f"results_dir {str(folder)!r} cannot be created: {str(blocking)!r} on its path is a file")
    record = {
        "lesson": lesson,
        "method": method,
        "dataset": dataset,
        "seed": int(seed),
        "metrics": {k: float(v) for k, v in metrics.items()},
        "epochs": int(epochs),
        "wall_time_s": float(wall_time_s),
        "versions": versions if versions is not None else environment(),
        "threads": threads(),
        **extra,
    }
    validate_record(record, source=f"result of {lesson}/{method}")
    record = json.loads(json.dumps(record, default=_to_json))  # NumPy values -> JSON, and proves it serialises
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / record_filename(lesson, method, dataset, int(seed))
    _refuse_other_run(path, record)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse_other_run(path: Path, record: dict) -> None:
    if not path.exists():
        return
    try:
        existing = json.loads(path.read_text())
    except (OSError, ValueError):
        return  # an unreadable file of this exact name: the new record repairs it
    keys = ("lesson", "method", "dataset", "seed")
    if isinstance(existing, dict) and any(existing.get(k) != record[k] for k in keys):
        raise ValueError(
            f"{path} holds another run ({', '.join(f'{k}={existing.get(k)!r}' for k in keys)}); "
            "refusing to overwrite it"
        )


def load_results(results_dir, *, on_error: str = "warn") -> list[dict]:
    """Read and validate every ``*.json`` record in ``results_dir`` (sorted by file name).

    Hidden files (temporary files of a save in progress) are never read.

    Args:
        on_error: what an unreadable or invalid file does: ``"warn"`` (a
            :class:`CorruptRecordWarning` naming it; the valid records are still returned) or
            ``"raise"`` (``ValueError`` naming it).

    Raises:
        FileNotFoundError: the folder does not exist.
        ValueError: with ``on_error="raise"``, a file that is not valid JSON or not a valid record.
    """
    if on_error not in ("warn", "raise"):
        raise ValueError(f"on_error must be 'warn' or 'raise'; got {on_error!r}")
    folder = Path(results_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"no results folder {folder}")
    records = []
    for path in sorted(p for p in folder.glob("*.json") if not p.name.startswith(".")):
        try:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as err:
                raise ValueError(f"{path}: not valid JSON ({err}); delete or re-run it") from err
            records.append(validate_record(record, source=str(path)))
        except ValueError as err:
            if on_error == "raise":
                raise
            warnings.warn(f"skipped {err}", CorruptRecordWarning, stacklevel=2)
    return records


def results_table(records: Iterable[dict], metrics: Sequence[str] = DEFAULT_TABLE_METRICS):
    """Group records by (method, dataset): mean and std over seeds for each metric.

    Returns:
        A ``pandas.DataFrame`` indexed by ``(method, dataset)`` with columns
        ``n_seeds``, ``lesson`` and, per metric, ``<metric>_mean`` and ``<metric>_std``
        (sample std, ddof=1; 0 for a single seed), sorted by lesson then method. Records with
        none of ``metrics`` (e.g. a dataset summary) are left out.
    """
    import numpy as np
    import pandas as pd

    rows = {}
    for record in sorted(records, key=lambda r: (r["lesson"], r["method"], r["seed"])):
        if not any(metric in record["metrics"] for metric in metrics):
            continue  # e.g. lesson 01's dataset summary: nothing to compare
        rows.setdefault((record["method"], record["dataset"]), []).append(record)
    table = []
    for (method, dataset), group in rows.items():
        row = {"method": method, "dataset": dataset, "lesson": group[0]["lesson"], "n_seeds": len(group)}
        for metric in metrics:
            values = [g["metrics"][metric] for g in group if metric in g["metrics"]]
            row[f"{metric}_mean"] = float(np.mean(values)) if values else float("nan")
            row[f"{metric}_std"] = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0 if values else float("nan")
        table.append(row)
    frame = pd.DataFrame(table)
    if frame.empty:
        return frame
    return frame.set_index(["method", "dataset"])


def table_markdown(table, metrics: Sequence[str] = DEFAULT_TABLE_METRICS, *, digits: int = 3) -> str:
    """Render :func:`results_table` output as a Markdown table of ``mean ± std`` cells."""
    header = ["Method", "Dataset", "Seeds", *[METRIC_LABELS.get(m, m) for m in metrics]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (method, dataset), row in table.iterrows():
        cells = [method, dataset, str(int(row["n_seeds"]))]
        for metric in metrics:
            mean, std = row[f"{metric}_mean"], row[f"{metric}_std"]
            if math.isnan(mean):
                cells.append("–")
            elif int(row["n_seeds"]) > 1:
                cells.append(f"{mean:.{digits}f} ± {std:.{digits}f}")
            else:
                cells.append(f"{mean:.{digits}f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(row, metric: str) -> str:
    mean, std, n = row[f"{metric}_mean"], row[f"{metric}_std"], int(row["n_seeds"])
    return f"{mean:.3f} ± {std:.3f}" if n > 1 else f"{mean:.3f}"


def _gap(a, b, metric: str) -> tuple[float, bool]:
    """``a − b`` of the means, and whether it exceeds the larger of the two stds (a real gap)."""
    diff = float(a[f"{metric}_mean"] - b[f"{metric}_mean"])
    return diff, abs(diff) > max(float(a[f"{metric}_std"]), float(b[f"{metric}_std"]))


def findings(table) -> list[str]:
    """Sentences that state what a :func:`results_table` shows, computed from it.

    For every dataset label (lessons that share one are compared together): the method with the
    best MAP@R, how far each other method is from it (and whether the gap exceeds one standard
    deviation over seeds), and, where raw-series baselines (methods whose name ends in
    ``(raw)``) are in the group, whether the best learned embedding *on each metric* beat each
    of them. With a single seed there is no spread, and the sentences say only above or below.
    Nothing is typed: every number and every "did / did not" comes from the table.
    """
    lines = []
    if len(table) == 0:
        return lines
    frame = table.reset_index()
    metric_names = {"precision_at_1": "P@1", "mean_average_precision_at_r": "MAP@R"}
    for dataset, group in frame.groupby("dataset", sort=True):
        group = group[~group["precision_at_1_mean"].isna()]
        if len(group) < 2:
            continue
        raw = group[group["method"].str.endswith("(raw)")]
        leaky = group[group["method"].str.startswith("LEAKY")]
        learned = group[~group["method"].str.endswith("(raw)") & ~group["method"].str.startswith("LEAKY")]
        if learned.empty:
            continue
        seeds = int(group["n_seeds"].max())
        best = learned.sort_values("mean_average_precision_at_r_mean", ascending=False).iloc[0]
        lessons = ", ".join(sorted(group["lesson"].unique()))
        parts = [
            f"**{dataset}** ({lessons}; {seeds} seed{'s' if seeds > 1 else ''}): best MAP@R "
            f"{best['method']} {_cell(best, 'mean_average_precision_at_r')}"
        ]
        close, behind = [], []
        for _, other in learned.iterrows():
            if other["method"] == best["method"]:
                continue
            diff, real = _gap(best, other, "mean_average_precision_at_r")
            (behind if real else close).append(f"{other['method']} ({-diff:+.3f})")
        if seeds < 2:
            parts.append("then " + ", ".join(close + behind))
        else:
            if close:
                parts.append("within one std of it: " + ", ".join(close))
            if behind:
                parts.append("below it by more than one std: " + ", ".join(behind))
        for _, baseline in raw.iterrows():
            verdicts = []
            for metric, label in metric_names.items():
                top = learned.sort_values(f"{metric}_mean", ascending=False).iloc[0]
                diff, real = _gap(top, baseline, metric)
                if abs(diff) < 1e-9:  # equal means print as +0.000: "did not beat" would read as below
                    word = "equalled"
                else:
                    word = "beat" if diff > 0 and real else "did not beat" if diff < 0 else "tied (within one std)"
                verdicts.append(f"{label} {word} ({top['method']}, {diff:+.3f})")
            parts.append(f"best learned embedding against {baseline['method']}: " + ", ".join(verdicts))
        for _, bad in leaky.iterrows():  # a protocol error shown on purpose: never "the best"
            verdicts = []
            for metric, label in (*metric_names.items(), ("NMI", "NMI")):
                if not math.isnan(bad[f"{metric}_mean"]) and not math.isnan(best[f"{metric}_mean"]):
                    diff, real = _gap(bad, best, metric)
                    verdicts.append(f"{label} {diff:+.3f}{'' if real else ' (within one std)'}")
            parts.append(f"the leaky protocol ({bad['method']}) against it: " + ", ".join(verdicts))
        lines.append("; ".join(parts) + ".")
    return lines


def findings_markdown(table) -> str:
    """:func:`findings` as a Markdown bullet list."""
    return "\n".join(f"- {line}" for line in findings(table))
