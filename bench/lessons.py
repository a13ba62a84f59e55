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
    load = os.getloadavg()[0]

    import tslearnkit as tk
    from tslearnkit.course import cli

    reference = None  # a reference measured now says nothing about a run made earlier
    if not args.from_run:
        data = tk.data.load_dataset(args.dataset)
        start = time.perf_counter()
        tk.baselines.nearest_neighbour_scores(data.x_train, data.y_train, data.x_test, data.y_test, distance="dtw")
        reference = time.perf_counter() - start

    rows = []
    for run_dir in args.from_run or ():
        # times a `tslearnkit run` already measured the same way (papermill, one kernel a lesson)
        for lesson, entry in json.loads((Path(run_dir) / "timings.json").read_text()).items():
            rows.append((lesson, entry["full"], "ok"))
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


def _record(path: Path, rows, args, load, reference, command: str) -> dict:
    """Merge this run's times into the JSON at ``path`` and return them."""
    import datetime

    from tslearnkit.course import runtimes

    times = runtimes.load_times(path) if path.is_file() else {}
    for lesson, seconds, status in rows:
        if status == "ok":
            times[lesson] = {"full": round(seconds, 1)}
    times["_machine"] = {
        "when": datetime.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "load": None if load is None else round(load, 2),
        "dataset": args.dataset,
        "seed": args.seed,
        "dtw_reference_s": None if reference is None else round(reference, 1),
        "command": command,
    }
    path.write_text(json.dumps(times, indent=2) + "\n")
    return times


def write_long(rows, args, load, reference) -> None:
    """The long-series record and its table in docs/run_times.md (the lesson headers keep the default's times)."""
    from tslearnkit.course import readme_sections, runtimes

    root = Path(__file__).resolve().parent.parent
    path = root / "results" / "timing" / "long_series_times.json"
    command = f"python bench/lessons.py --dataset {args.dataset} --write-long"
    if args.from_run:
        command = f"tslearnkit run --dataset {args.dataset}`, recorded by `{command} --from-run"
    times = _record(path, rows, args, None if args.from_run else load, reference, command)
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
