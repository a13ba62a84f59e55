"""The README's generated sections: the results table and findings of the lessons' records, the
benchmark's tables and findings, the open-set table, findings and figure (``tslearnkit table``).

Each section sits between two HTML comment markers, so a rebuild replaces exactly what a previous
one wrote and tests can compare the README with the records.
"""

from __future__ import annotations

from pathlib import Path

TABLE_START = "<!-- results-table:start -->"
TABLE_END = "<!-- results-table:end -->"
FINDINGS_MARKERS = ("<!-- findings:start -->", "<!-- findings:end -->")
BENCHMARK_FINDINGS_MARKERS = ("<!-- benchmark-findings:start -->", "<!-- benchmark-findings:end -->")
OPEN_SET_MARKERS = ("<!-- open-set-table:start -->", "<!-- open-set-table:end -->")
OPEN_SET_FINDINGS_MARKERS = ("<!-- open-set-findings:start -->", "<!-- open-set-findings:end -->")
BENCHMARK_MARKERS = ("<!-- benchmark-table:start -->", "<!-- benchmark-table:end -->")
SUMMARY_MARKERS = ("<!-- results-summary:start -->", "<!-- results-summary:end -->")


def build_table(results_dir: Path, metrics=None) -> str:
    from . import results

    records = results.load_results(results_dir)
    if not records:
        raise SystemExit(f"no result records in {results_dir}")
    metrics = tuple(metrics) if metrics else results.DEFAULT_TABLE_METRICS
    return results.table_markdown(results.results_table(records, metrics), metrics)


def build_summary_table(results_dir: Path) -> str:
    """The README's short table: the rows of the dataset label most records carry (the lessons'
    main dataset, without the variants such as "(unseen classes)"), P@1 and MAP@R only."""
    from collections import Counter

    from . import results

    records = results.load_results(results_dir)
    if not records:
        raise SystemExit(f"no result records in {results_dir}")
    main = Counter(r["dataset"] for r in records).most_common(1)[0][0]
    metrics = ("precision_at_1", "mean_average_precision_at_r")
    rows = results.results_table([r for r in records if r["dataset"] == main], metrics)
    return results.table_markdown(rows, metrics)


def build_findings(results_dir: Path) -> str:
    """The README's "what the numbers say" bullets, computed from the records (see
    :func:`tslearnkit.course.results.findings`)."""
    from . import results

    records = results.load_results(results_dir)
    return results.findings_markdown(results.results_table(records))


def update_readme(readme: Path, table: str, markers: tuple[str, str] = (TABLE_START, TABLE_END)) -> None:
    """Replace the text between ``markers`` in ``readme`` with ``table``."""
    start, end = markers
    text = readme.read_text()
    if start not in text or end not in text:
        raise SystemExit(f"{readme} has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{table}\n{end}{tail}")


def readme_section(readme_text: str, markers: tuple[str, str]) -> str:
    """The text between ``markers`` (stripped); what :func:`update_readme` wrote there."""
    start, end = markers
    return readme_text.split(start, 1)[1].split(end, 1)[0].strip()


def write_sections(files, sections: dict) -> None:
    """Write each ``{markers: text}`` section into every file of ``files`` that has its markers;
    fail when a section has no file to go to."""
    files = [Path(f) for f in files]
    texts = {f: f.read_text() for f in files}
    for markers, text in sections.items():
        homes = [f for f in files if markers[0] in texts[f] and markers[1] in texts[f]]
        if not homes:
            raise SystemExit(f"none of {[str(f) for f in files]} has the {markers[0]} ... {markers[1]} markers")
        for home in homes:
            update_readme(home, text() if callable(text) else text, markers)
    print(f"\nupdated {', '.join(str(f) for f in files)}")


def _cmd_open_set_table(args) -> int:
    from .open_set_benchmark import load_open_set_records, open_set_findings, open_set_table
    from .open_set_figure import plot_open_set_curves

    records = load_open_set_records(Path(args.open_set))
    if not records:
        raise SystemExit(f"no open-set benchmark records in {args.open_set}")
    table = open_set_table(records)
    findings = "\n".join(f"- {line}" for line in open_set_findings(records))
    print(table + "\n\n" + findings)
    if args.figure:
        fig = plot_open_set_curves(records)
        Path(args.figure).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.figure, dpi=110, bbox_inches="tight")
        print(f"\nwrote {args.figure}")
    if args.readme:
        write_sections(args.readme, {OPEN_SET_MARKERS: table, OPEN_SET_FINDINGS_MARKERS: findings})
    return 0


def _cmd_table(args) -> int:
    if args.open_set:
        return _cmd_open_set_table(args)
    if args.benchmark:
        from .benchmark import benchmark_tables

        table = benchmark_tables(Path(args.benchmark))
        sections = {BENCHMARK_MARKERS: table, BENCHMARK_FINDINGS_MARKERS: lambda: build_findings(Path(args.benchmark))}
    else:
        table = build_table(Path(args.results), args.metrics)
        sections = {
            (TABLE_START, TABLE_END): table,
            SUMMARY_MARKERS: lambda: build_summary_table(Path(args.results)),
            FINDINGS_MARKERS: lambda: build_findings(Path(args.results)),
        }
    print(table)
    if args.readme:
        write_sections(args.readme, sections)
    return 0


def add_table_command(sub) -> None:
    """The ``tslearnkit table`` subcommand."""
    table = sub.add_parser("table", help="rebuild the results table from records")
    table.add_argument("--results", default="results", help="folder of result JSON records (default: results)")
    table.add_argument("--metrics", nargs="+", help="metric keys to show")
    table.add_argument("--benchmark", metavar="DIR", help="instead: the per-dataset tables of benchmark records in DIR")
    table.add_argument("--open-set", metavar="DIR", help="instead: the open-set benchmark's tables of records in DIR")
    table.add_argument("--figure", help="open-set: also draw MAP@R against training classes into this PNG")
    table.add_argument(
        "--readme",
        nargs="+",
        metavar="FILE",
        help="also write each section between its markers in these files (README.md, docs/*.md)",
    )
    table.set_defaults(func=_cmd_table)
