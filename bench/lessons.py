"""Wall time of each lesson's full single-seed run (the issue's target: <= 90 s each on a
2-core CPU, JapaneseVowels).

Run from the repository root with the project's venv::

    .venv/bin/python bench/lessons.py [--dataset JapaneseVowels] [--lessons 01 02 ...] [--seed 0]

Each lesson runs through papermill exactly as ``tslearnkit run`` runs it (full length, one
kernel per lesson, start-up included). As a reference measured in the same run, the script also
times one fixed piece of work, a 1-NN DTW baseline on the same dataset, so that a reader can
tell a slow machine from a slow lesson. Prints a Markdown table; writes the executed notebooks
and records under ``--out`` (default ``runs/bench-lessons``). With ``--write`` it also makes these
times the course's one source of run times: ``results/timing/lesson_times.json``, the "Runtime" line of
every lesson header and the run-time table of docs/run_times.md (``tslearnkit.course.runtimes``). With
``--write-long`` (for a dataset of series longer than 1,000 steps, e.g. ``--dataset ACSF1``) it writes
``results/timing/long_series_times.json`` and its table in docs/run_times.md instead, against issue 27's
3-minute target; lessons it did not run keep their earlier record. Run it with nothing else on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="JapaneseVowels")
    parser.add_argument("--lessons", nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/bench-lessons")
    parser.add_argument(
        "--write", action="store_true", help="write results/timing/lesson_times.json, headers and docs/run_times.md"
    )
    parser.add_argument(
        "--from-run",
        nargs="+",
        metavar="RUN_DIR",
        help="take the times from these `tslearnkit run --dataset ... --out RUN_DIR` folders instead of running",
    )
    parser.add_argument(
        "--write-long",
        action="store_true",
        help="write results/timing/long_series_times.json and its table in docs/run_times.md",
    )
    args = parser.parse_args()
    if args.from_run and not args.write_long:
        parser.error("--from-run records earlier runs into the long-series record only: add --write-long")
    if args.from_run and args.lessons:
        parser.error("--from-run takes every lesson of its run folders: leave out --lessons")
    load = os.getloadavg()[0]

    import tslearnkit as tk
    from tslearnkit.course import cli

    if args.write_long:
        longest = tk.data.load_dataset(args.dataset, max_length=None).timesteps
        if longest <= 1000:
            parser.error(f"--write-long is for series longer than 1,000 steps; {args.dataset}'s are {longest}")

    reference = None  # a reference measured now says nothing about a run made earlier
    if not args.from_run:
        data = tk.data.load_dataset(args.dataset)
        start = time.perf_counter()
        tk.baselines.nearest_neighbour_scores(data.x_train, data.y_train, data.x_test, data.y_test, distance="dtw")
        reference = time.perf_counter() - start

    rows = []
    for run_dir in args.from_run or ():
        rows += _times_from_run(Path(run_dir), args.dataset, args.seed)
    lessons = [lesson for lesson, _, _ in rows]
    if len(set(lessons)) < len(lessons):
        parser.error(f"a lesson appears in more than one of {args.from_run}: give each lesson's run once")
    rows.sort()
    for lesson in [] if args.from_run else cli._resolve_lessons(args.lessons):
        out = Path(args.out) / lesson
        start = time.perf_counter()
        failures = cli.run_lessons(
            [lesson], seeds=[args.seed], dataset=args.dataset, out=out, notebooks=cli._find_notebooks(None)
        )
        seconds = time.perf_counter() - start
        rows.append((lesson, seconds, "failed" if failures else "ok"))
        print(f"{lesson}: {seconds:.0f} s", flush=True)

    measured = f"{reference:.1f} s" if reference is not None else "not measured (times from earlier runs)"
    print(
        f"\n{args.dataset}, seed {args.seed}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs; reference (1-NN DTW on this dataset, same run): {measured}\n"
    )
    print("| lesson | full run s | ratio to the DTW reference | status |\n|---|---|---|---|")
    for lesson, seconds, status in rows:
        ratio = f"{seconds / reference:.0f}x" if reference is not None else "–"
        print(f"| {lesson} | {seconds:.0f} | {ratio} | {status} |")
    if args.write_long:
        write_long(rows, args, load, reference)
    elif args.write:
        write(rows, args, load, reference)


def _times_from_run(run_dir: Path, dataset: str, seed: int) -> list[tuple[str, float, str]]:
    """The full-run times a `tslearnkit run` measured the same way (papermill, one kernel a lesson),
    each checked against its executed notebook: this dataset and seed, full length, no error."""
    import nbformat

    rows = []
    for lesson, entry in json.loads((run_dir / "timings.json").read_text()).items():
        book = run_dir / "notebooks" / f"{lesson}__seed{seed}.ipynb"
        if "full" not in entry or not book.is_file():
            raise SystemExit(f"{run_dir}: no full run of {lesson} with seed {seed} (a --quick run, or another seed?)")
        notebook = nbformat.read(book, as_version=4)
        params = notebook.metadata.get("papermill", {}).get("parameters", {})
        if params.get("dataset") != dataset or params.get("quick"):
            raise SystemExit(
                f"{book}: ran dataset {params.get('dataset')!r}, quick={params.get('quick')}; not a full {dataset} run"
            )
        failed = any(o.get("output_type") == "error" for c in notebook.cells for o in c.get("outputs", []))
        if failed or notebook.metadata.get("papermill", {}).get("exception"):
            raise SystemExit(f"{book}: the run stopped on an error; its time is not a lesson's")
        rows.append((lesson, entry["full"], "ok"))
    return rows


def _record(path: Path, rows, args, load, reference, command: str, recorded_by: str | None = None) -> dict:
    """Merge this run's times into the JSON at ``path`` (a new record when the dataset changed) and return them."""
    import datetime

    import tslearnkit as tk
    from tslearnkit.course import runtimes

    times = runtimes.load_times(path) if path.is_file() else {}
    if times.get("_machine", {}).get("dataset") not in (None, args.dataset):
        times = {}  # the earlier lessons' times belong to another dataset
    for lesson, seconds, status in rows:
        if status == "ok":
            times[lesson] = {"full": round(seconds, 1)}
    times["_machine"] = {
        "when": datetime.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "threads": tk.threads(),  # the lessons' kernels inherit these settings from this process
        "load": None if load is None else round(load, 2),
        "dataset": args.dataset,
        "seed": args.seed,
        "dtw_reference_s": None if reference is None else round(reference, 1),
        "command": command,
        "recorded_by": recorded_by,
    }
    path.write_text(json.dumps(times, indent=2) + "\n")
    return times


def write_long(rows, args, load, reference) -> None:
    """The long-series record and its table in docs/run_times.md (the lesson headers keep the default's times)."""
    from tslearnkit.course import readme_sections, runtimes

    root = Path(__file__).resolve().parent.parent
    path = root / "results" / "timing" / "long_series_times.json"
    command = f"python bench/lessons.py --dataset {args.dataset} --write-long"
    recorded_by = None
    if args.from_run:
        command, recorded_by = f"tslearnkit run --dataset {args.dataset}", f"{command} --from-run"
    times = _record(path, rows, args, None if args.from_run else load, reference, command, recorded_by)
    readme_sections.update_readme(
        root / "docs" / "run_times.md",
        runtimes.times_markdown(times, runtimes.LONG_SERIES_TARGET_S),
        runtimes.LONG_SERIES_MARKERS,
    )
    print(f"wrote {path} and its table in docs/run_times.md")


def write(rows, args, load, reference) -> None:
    """Make the measured times the one source: JSON, lesson headers, docs/run_times.md."""
    import subprocess
    import sys

    from tslearnkit.course import cli, readme_sections, runtimes

    root = Path(__file__).resolve().parent.parent
    path = root / "results" / "timing" / "lesson_times.json"
    times = _record(path, rows, args, load, reference, "python bench/lessons.py --write")
    for lesson in cli.LESSONS:
        script = root / "notebooks" / f"{lesson}.py"
        seconds = times.get(lesson, {}).get("full")
        script.write_text(runtimes.HEADER.sub(runtimes.header_line(seconds), script.read_text(), count=1))
        subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--to", "notebook", str(script)], check=True)
    readme_sections.update_readme(
        root / "docs" / "run_times.md", runtimes.times_markdown(times), runtimes.README_MARKERS
    )
    print(f"wrote {path}, the lesson headers and docs/run_times.md")


if __name__ == "__main__":
    main()
