"""Command line: run the lessons as a batch, rebuild the results table, list datasets.

``tslearnkit run``       execute lessons with papermill, collect records, write the table
``tslearnkit table``     rebuild the results table from records (optionally into README.md)
``tslearnkit datasets``  what ``load_dataset`` can load here (your saved datasets too)
``tslearnkit import``    read your own data file (``.csv``, ``.ts``, ...) and save it under a dataset name
``tslearnkit benchmark`` every method on several datasets and seeds, one table per dataset
``tslearnkit workshop``  student and instructor notebooks of every lesson, and the instructor's kit
``tslearnkit site``      the course as a static HTML site, from a run's executed lessons
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import warnings
from pathlib import Path

from . import kernels
from .readme_sections import add_table_command, build_table

LESSONS = (
    "01_data_visualization",
    "02_baseline_crossentropy",
    "03_triplet_all",
    "04_triplet_semihard",
    "05_triplet_augmentation",
    "06_contrastive_clustering",
    "07_search_unseen",
)
CLOSED_SET_DATASETS = ["JapaneseVowels", "BasicMotions", "GunPoint", "ItalyPowerDemand"]
OPEN_SET_DATASETS = ["JapaneseVowels", "ACSF1", "PickupGestureWiimoteZ", "OSULeaf"]


def _find_notebooks(explicit: str | None) -> Path:
    candidates = (
        [Path(explicit)] if explicit else [Path("notebooks"), Path(__file__).resolve().parents[2] / "notebooks"]
    )
    for folder in candidates:
        if (folder / f"{LESSONS[0]}.ipynb").is_file():
            return folder.resolve()
    given = explicit and f"--notebooks {explicit!r}: no {LESSONS[0]}.ipynb there; pass the lessons' folder"
    raise SystemExit(
        given
        or f"cannot find the lesson notebooks (looked in {', '.join(str(c) for c in candidates)}); "
        "run from the repository root or pass --notebooks"
    )


def _seed(text: str) -> int:  # argparse type of --seeds and --seed: a bad seed is refused before anything runs
    if not text.strip().lstrip("+").isdecimal() or int(text) >= 2**32:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: a seed is an integer from 0 to 2**32 - 1")
    return int(text)


def _resolve_lessons(requested) -> list[str]:
    if not requested:
        return list(LESSONS)
    chosen = []
    for item in requested:
        matches = [name for name in LESSONS if name == item or name.startswith(item)]
        if len(matches) != 1:
            raise SystemExit(f"unknown lesson {item!r}; choose from {', '.join(LESSONS)} (a prefix like 03 works)")
        chosen.append(matches[0])
    return chosen


def run_lessons(
    lessons,
    *,
    seeds=(0,),
    quick: bool = False,
    dataset: str | None = None,
    out: Path,
    figures: Path | None = None,
    results: Path | None = None,
    notebooks: Path,
    cell_timeout: int = 1800,
) -> list[tuple[str, int, str]]:
    """Execute each lesson for each seed; return the failures as ``(lesson, seed, reason)``.

    A progress bar per lesson counts its cells and the time so far. What the kernels write to
    their own stderr (Jupyter's start-up warnings, TensorFlow's native logs) goes to
    ``OUT/logs/<lesson>__seed<seed>.log``, not the terminal. Each lesson's wall time is added
    to ``OUT/timings.json``.
    """
    import papermill as pm

    os.environ["TSLEARNKIT_BATCH"] = "1"  # kernels print a few summary lines per fit, not progress bars
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # kernels inherit it: no C++ log noise
    results_dir = (results if results is not None else out / "results").resolve()
    executed_dir = (out / "notebooks").resolve()
    logs_dir = (out / "logs").resolve()
    executed_dir.mkdir(parents=True, exist_ok=True)
    logs_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    durations: dict[int, float] = {}
    timings = _read_timings(out / "timings.json")
    total = len(lessons) * len(seeds)
    step = 0
    for lesson in lessons:
        for i, seed in enumerate(seeds):
            step += 1
            fig_dir = (
                figures if figures is not None and i == 0 else out / ("figures" if i == 0 else f"figures_seed{seed}")
            ).resolve()
            params = {
                "seed": int(seed),
                "quick": bool(quick),
                "results_dir": str(results_dir),
                "figures_dir": str(fig_dir),
            }
            if dataset:
                params["dataset"] = dataset
            label = f"[{step}/{total}] {lesson} seed {seed}{' (quick)' if quick else ''}"
            bar = {"desc": label, "file": sys.stdout, "mininterval": 0.5 if sys.stdout.isatty() else 30}
            start = time.perf_counter()
            try:
                with _stderr_to(logs_dir / f"{lesson}__seed{seed}.log"):
                    kernels.execute_notebook(
                        pm,
                        str(notebooks / f"{lesson}.ipynb"),
                        str(executed_dir / f"{lesson}__seed{seed}.ipynb"),
                        parameters=params,
                        kernel_name="python3",
                        cwd=str(notebooks),
                        execution_timeout=cell_timeout,
                        progress_bar=bar,
                        log_output=False,
                    )
            except Exception as err:  # papermill wraps kernel errors; report and go on
                reason = kernels.describe_failure(err)
                failures.append((lesson, seed, reason))
                print(f"    FAILED after {time.perf_counter() - start:.0f} s in {reason}", flush=True)
                continue
            elapsed = time.perf_counter() - start
            durations[seed] = durations.get(seed, 0.0) + elapsed
            timings.setdefault(lesson, {})["quick" if quick else "full"] = round(elapsed, 1)
            print(f"    {lesson} seed {seed}: done in {elapsed:.0f} s", flush=True)
    (out / "timings.json").write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")
    for seed, seconds in durations.items():
        print(f"seed {seed}: {len(lessons)} lesson(s) in {seconds / 60:.1f} min", flush=True)
    return failures


def _read_timings(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Point file descriptor 2 (inherited by the kernel process) at ``path`` for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _cmd_run(args) -> int:
    lessons = _resolve_lessons(args.lessons)
    notebooks = _find_notebooks(args.notebooks)
    out = Path(args.out)
    figures = Path(args.figures) if args.figures else None
    results_dir = Path(args.results) if args.results else out / "results"
    path = args.dataset and Path(args.dataset).expanduser().is_file()  # made absolute: kernels run in notebooks/
    start = time.perf_counter()
    failures = run_lessons(
        lessons,
        seeds=args.seeds,
        quick=args.quick,
        dataset=str(Path(args.dataset).expanduser().resolve()) if path else args.dataset,
        out=out,
        figures=figures,
        results=results_dir,
        notebooks=notebooks,
        cell_timeout=args.cell_timeout,
    )
    elapsed = time.perf_counter() - start
    print(f"\nran {len(lessons)} lesson(s) × {len(args.seeds)} seed(s) in {elapsed / 60:.1f} min")
    written = [("executed notebooks", out / "notebooks"), ("result records", results_dir)]
    if results_dir.is_dir() and any(results_dir.glob("*.json")):
        table = build_table(results_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results_table.md").write_text(table + "\n")
        print(f"\n{table}\n")
        written.append(("results table", out / "results_table.md"))
    written += [
        ("figures", figures or out / "figures"),
        ("lesson times", out / "timings.json"),
        ("kernel logs", out / "logs"),
    ]
    print("written:")
    for what, where in written:
        print(f"  {what:<20} {where}")
    if failures:
        print("\nFAILED lessons:", file=sys.stderr)
        for lesson, seed, reason in failures:
            print(
                f"  {lesson} (seed {seed}) — {reason}; see {out / 'notebooks' / f'{lesson}__seed{seed}.ipynb'}",
                file=sys.stderr,
            )
        return 1
    return 0


def _cmd_datasets(args) -> int:
    from ..data import DEFAULT_DATASET, list_datasets

    listing = list_datasets(args.data_dir)
    print(f"default: {DEFAULT_DATASET}")
    for key in ("offline", "cached", "project", "saved"):
        print(f"{key}: {', '.join(listing[key]) or '-'}")
    print(f"download: {listing['download'][0]}")
    return 0


def _cmd_benchmark(args) -> int:
    from ..data import list_datasets, load_dataset
    from . import open_set_benchmark
    from .benchmark import METHODS, run_benchmark  # the closed-set methods

    open_set = args.protocol == "open-set"
    allowed = open_set_benchmark.METHODS if open_set else METHODS
    methods = args.methods or list(allowed)
    unknown = [m for m in methods if m not in allowed]
    if unknown:
        raise SystemExit(
            f"unknown method(s) {unknown} for --protocol {args.protocol}; choose from {', '.join(allowed)}"
        )
    if not open_set and (args.draws is not None or args.class_counts):
        raise SystemExit("--draws and --class-counts belong to --protocol open-set")
    datasets = args.datasets or (OPEN_SET_DATASETS if open_set else CLOSED_SET_DATASETS)
    if "offline" in datasets:  # every dataset that ships with aeon, in place of the word
        from ..data.catalogue import AEON_EXTRA

        if open_set:
            raise SystemExit("--datasets offline is for the closed-set protocol: name the open-set datasets")
        offline = list_datasets(args.data_dir)["offline"]
        if not offline:
            raise SystemExit(f"--datasets offline: no offline datasets here; they come with {AEON_EXTRA}")
        datasets = list(dict.fromkeys(name for d in datasets for name in (offline if d == "offline" else [d])))
    for name in datasets:  # each loads before anything runs: a bad name is refused before any record is written
        try:
            with warnings.catch_warnings(action="ignore"):  # the run loads it again and warns then
                load_dataset(name, data_dir=args.data_dir, standardize=not open_set)
        except (ValueError, ImportError, OSError) as error:
            raise SystemExit(f"tslearnkit benchmark: --datasets {name}: {error}") from None
    start = time.perf_counter()
    log = lambda line: print(line, flush=True)  # noqa: E731
    if open_set:
        try:
            open_set_benchmark.run_open_set_benchmark(
                datasets,
                seeds=args.seeds if args.seeds is not None else [0],
                draws=args.draws if args.draws is not None else 3,
                class_counts=args.class_counts,
                methods=methods,
                out=Path(args.out or "runs/benchmark-open-set"),
                quick=args.quick,
                data_dir=args.data_dir,
                log=log,
            )
        except ValueError as error:
            raise SystemExit(f"tslearnkit benchmark: {error}") from None
    else:
        run_benchmark(
            datasets,
            seeds=args.seeds if args.seeds is not None else [0, 1, 2],
            methods=methods,
            out=Path(args.out or "runs/benchmark"),
            quick=args.quick,
            data_dir=args.data_dir,
            log=log,
        )
    print(f"benchmark finished in {(time.perf_counter() - start) / 60:.1f} min")
    return 0


def _cmd_table(args) -> int:
    """``tslearnkit table``: refuse a missing or empty folder and unknown --metrics, then build the tables."""
    from . import readme_sections, results

    flag = "--open-set" if args.open_set else "--benchmark" if args.benchmark else "--results"
    folder = Path(getattr(args, flag[2:].replace("-", "_")))
    if not folder.is_dir():
        raise SystemExit(f"tslearnkit table: {flag} {str(folder)!r} is not a folder of result records")
    with warnings.catch_warnings(action="ignore"):  # the table's own read warns about unreadable files
        records = [r for r in results.load_results(folder) if flag != "--benchmark" or r["lesson"] == "benchmark"]
    if flag != "--open-set" and not records:
        hint = f"; its records are in {folder / 'results'}: pass that" if any(folder.glob("results/*.json")) else ""
        raise SystemExit(f"no {'benchmark ' * (flag == '--benchmark')}result records in {folder}{hint}")
    known = sorted({m for r in records for m in r["metrics"]})
    if unknown := [m for m in args.metrics or () if m not in known]:
        raise SystemExit(f"tslearnkit table: unknown --metrics {unknown}; the records in {folder} have {known}")
    return readme_sections._cmd_table(args)


def _cmd_workshop(args) -> int:
    from .workshop import build_workshop

    out = Path(args.out)
    try:
        written = build_workshop(
            out,
            _find_notebooks(args.notebooks),
            _resolve_lessons(args.lessons),
            timings=args.timings,
            repo=args.repo,
            published_at=args.published_at,
            run_dir=Path(args.run_dir) if args.run_dir else None,
            start=args.start,
            day_end=args.day_end,
            lunch=args.lunch,
            days=args.days,
        )
    except ValueError as error:
        raise SystemExit(f"tslearnkit workshop: {error}") from None
    hint = "" if args.run_dir else "; --from RUN_DIR gives them a run's outputs"
    print(
        f"wrote {len(written['student'])} student and {len(written['instructor'])} instructor notebooks "
        f"({len(written['executed'])} executed{hint})"
    )
    links = f"Colab links in {written['links'][0]}" if written["links"] else "no Colab links: pass --repo OWNER/NAME"
    print(f"  student     {out / 'student'}  ({links})")
    print(f"  instructor  {out / 'instructor'}")
    print(f"  agenda      {written['agenda'][0]}  (day plan and lesson notes; diagrams in {out / 'diagrams'})")
    return 0


def _cmd_site(args) -> int:
    from .site import build_site

    try:
        build = build_site(
            Path(args.out),
            run_dir=Path(args.run_dir) if args.run_dir else None,
            repo=args.repo,
            published_at=args.published_at,
        )
    except (FileNotFoundError, FileExistsError, ValueError, ImportError) as error:
        raise SystemExit(f"tslearnkit site: {error}") from None
    print(f"wrote {build.index} ({len(build.lessons)} lesson pages, {len(build.warnings)} Sphinx warnings)")
    print(f"  read it: python -m http.server -d {args.out}  (then open http://localhost:8000)")
    return 0


def _cmd_import(args) -> int:
    """``tslearnkit import PATH --name NAME``: read a file with tk.data.load_file and save it."""
    from ..data import load_file, register

    keys = ("series", "label", "time", "values", "layout", "split", "sep", "channels")
    layout = {key: getattr(args, key) for key in keys if getattr(args, key) is not None}
    try:
        dataset = load_file(
            args.path, name=args.name, test_size=args.test_size, seed=args.seed, missing=args.missing, **layout
        )
        path = register(dataset, args.name, data_dir=args.data_dir, overwrite=args.overwrite)
    except (ValueError, TypeError, FileNotFoundError) as err:
        raise SystemExit(f"tslearnkit import: {err}") from None
    print(dataset.summary())
    print(f"saved as {args.name!r}: {path}")
    print(f"use it with tk.data.load_dataset({args.name!r}), dataset = {args.name!r} in a lesson, or")
    print(f"  tslearnkit run --quick --dataset {args.name}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tslearnkit", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute the lessons with papermill and write the results table")
    run.add_argument("--quick", action="store_true", help="tiny runs (what CI does)")
    run.add_argument(
        "--lessons", nargs="+", metavar="NAME", help="lessons to run (default: all; prefixes like 03 work)"
    )
    run.add_argument("--dataset", help="dataset name passed to every lesson (default: each lesson's own)")
    run.add_argument("--seeds", nargs="+", type=_seed, default=[0], help="seeds (default: 0)")
    run.add_argument(
        "--out", default="runs/latest", help="output folder: executed notebooks, results/, table (default: runs/latest)"
    )
    run.add_argument("--figures", help="where the first seed's figures go (default: OUT/figures)")
    run.add_argument("--results", help="where the result records go (default: OUT/results)")
    run.add_argument("--notebooks", help="folder with the lesson .ipynb files (default: ./notebooks)")
    run.add_argument("--cell-timeout", type=int, default=1800, help="seconds one cell may run (default: 1800)")
    run.set_defaults(func=_cmd_run)

    add_table_command(sub)
    sub.choices["table"].set_defaults(func=_cmd_table)  # checks its folder and --metrics first

    bench = sub.add_parser("benchmark", help="every method on several datasets and seeds (records + tables)")
    bench.add_argument(
        "--protocol",
        choices=("closed-set", "open-set"),
        default="closed-set",
        help="closed-set: test series of the training classes; open-set: retrieval among classes never "
        "seen in training, against the number of training classes (default: closed-set)",
    )
    bench.add_argument(
        "--datasets",
        nargs="+",
        help=f"dataset names, or `offline` for every offline dataset (default: {' '.join(CLOSED_SET_DATASETS)}; "
        f"open-set: {' '.join(OPEN_SET_DATASETS)})",
    )
    bench.add_argument("--seeds", nargs="+", type=_seed, help="seeds (default: 0 1 2; open-set: 0)")
    bench.add_argument("--methods", nargs="+", help="methods (default: all of the protocol)")
    bench.add_argument("--draws", type=int, help="open-set: class draws per dataset (default: 3)")
    bench.add_argument(
        "--class-counts", nargs="+", type=int, help="open-set: training-class counts (default: up to 4 from 2 to n - 2)"
    )
    bench.add_argument("--out", help="output folder (default: runs/benchmark, open-set: runs/benchmark-open-set)")
    bench.add_argument("--quick", action="store_true", help="tiny step budget (a smoke run)")
    bench.add_argument("--data-dir", help="download cache folder")
    bench.set_defaults(func=_cmd_benchmark)

    workshop = sub.add_parser(
        "workshop", help="student and instructor notebooks of every lesson, and the instructor's kit"
    )
    workshop.add_argument("--out", required=True, help="output folder (student/, instructor/, diagrams/, AGENDA.md)")
    workshop.add_argument("--lessons", nargs="+", metavar="NAME", help="lessons (default: all; prefixes work)")
    workshop.add_argument("--notebooks", help="folder with the lessons' .py sources (default: ./notebooks)")
    workshop.add_argument(
        "--timings",
        default="results/timing/lesson_times.json",
        help="lesson run times (default: those bench/lessons.py measured) or OUT/timings.json of `tslearnkit run`",
    )
    workshop.add_argument(
        "--repo", metavar="OWNER/NAME[@BRANCH]", help="where the student copies will be published (Colab badges)"
    )
    workshop.add_argument("--published-at", metavar="FOLDER", help="the repository folder that holds OUT")
    workshop.add_argument("--from", dest="run_dir", metavar="RUN_DIR", help="the --out folder of `tslearnkit run`")
    workshop.add_argument("--start", default="09:00", help="the day plan's start (default: 09:00)")
    workshop.add_argument("--day-end", default="17:00", help="the day plan's end (default: 17:00)")
    workshop.add_argument("--lunch", default="12:30", help="lunch time (default: 12:30)")
    workshop.add_argument(
        "--days",
        type=int,
        help="fit the plan in this many days, cutting the talking blocks (default: as many days as the notes take)",
    )
    workshop.set_defaults(func=_cmd_workshop)

    site = sub.add_parser("site", help="the course as a static HTML site, from a run's executed lessons")
    site.add_argument("--out", required=True, help="output folder (e.g. runs/site)")
    site.add_argument("--from", dest="run_dir", metavar="RUN_DIR", help="the --out folder of `tslearnkit run`")
    site.add_argument("--repo", metavar="OWNER/NAME[@BRANCH]", help="where `tslearnkit workshop --repo` published")
    site.add_argument("--published-at", default="workshop", metavar="FOLDER", help="that repository's workshop folder")
    site.set_defaults(func=_cmd_site)

    imp = sub.add_parser("import", help="read your own data file and save it under a dataset name")
    imp.add_argument("path", help="a .ts, .arff, .tsv, .csv, .npz, .zip or the study's .tar.xz file")
    imp.add_argument("--name", required=True, help="the name lessons and load_dataset will use")
    imp.add_argument("--series", help="CSV with a header: the series-id column (a row per time step)")
    imp.add_argument("--label", help="CSV with a header: the label column")
    imp.add_argument("--time", help="long CSV: the column ordering each series' rows")
    imp.add_argument("--values", nargs="+", help="CSV: the channel (long) or step (wide) columns")
    imp.add_argument("--layout", choices=["long", "wide"], help="CSV with a header: a row per step or per series")
    imp.add_argument("--split", help="CSV: a column of train/test per series")
    imp.add_argument("--sep", help="the CSV separator (default: tab for .tsv, comma for .csv)")
    imp.add_argument("--channels", choices=["auto", "last", "first"], help=".npz: where the channel axis is")
    imp.add_argument("--missing", choices=["raise", "interpolate"], default="raise", help="NaN in a series")
    imp.add_argument("--test-size", type=float, default=0.3, help="drawn test fraction without a split (0.3)")
    imp.add_argument("--seed", type=_seed, default=0, help="seed of the drawn split (default: 0)")
    imp.add_argument("--data-dir", help="data folder (default: $TSLEARNKIT_DATA or ~/.cache/tslearnkit)")
    imp.add_argument("--overwrite", action="store_true", help="replace a saved dataset of the same name")
    imp.set_defaults(func=_cmd_import)

    datasets = sub.add_parser("datasets", help="list the datasets that load here")
    datasets.add_argument("--data-dir", help="download cache folder")
    datasets.set_defaults(func=_cmd_datasets)
    return parser


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ start-up lines
    args = make_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
