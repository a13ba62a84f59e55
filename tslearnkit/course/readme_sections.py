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


def build_table(results_dir: Path, metrics=None) -> str:
    from . import results

    records = results.load_results(results_dir)
    if not records:
        raise SystemExit(f"no result records in {results_dir}")
    metrics = tuple(metrics) if metrics else results.DEFAULT_TABLE_METRICS
    return results.table_markdown(results.results_table(records, metrics), metrics)


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
        update_readme(Path(args.readme), table, OPEN_SET_MARKERS)
        update_readme(Path(args.readme), findings, OPEN_SET_FINDINGS_MARKERS)
        print(f"updated {args.readme}")
    return 0


def _cmd_table(args) -> int:
    if args.open_set:
        return _cmd_open_set_table(args)
    if args.benchmark:
        from .benchmark import benchmark_tables

        table = benchmark_tables(Path(args.benchmark))
        markers = BENCHMARK_MARKERS
    else:
        table = build_table(Path(args.results), args.metrics)
        markers = (TABLE_START, TABLE_END)
    print(table)
    if args.readme:
        update_readme(Path(args.readme), table, markers)
        source, found = (
            (args.benchmark, BENCHMARK_FINDINGS_MARKERS) if args.benchmark else (args.results, FINDINGS_MARKERS)
        )
        if found[0] in Path(args.readme).read_text():
            update_readme(Path(args.readme), build_findings(Path(source)), found)
        print(f"\nupdated {args.readme}")
    return 0


def add_table_command(sub) -> None:
    """The ``tslearnkit table`` subcommand."""
    table = sub.add_parser("table", help="rebuild the results table from records")
    table.add_argument("--results", default="results", help="folder of result JSON records (default: results)")
    table.add_argument("--metrics", nargs="+", help="metric keys to show")
    table.add_argument("--benchmark", metavar="DIR", help="instead: the per-dataset tables of benchmark records in DIR")
    table.add_argument("--open-set", metavar="DIR", help="instead: the open-set benchmark's tables of records in DIR")
    table.add_argument("--figure", help="open-set: also draw MAP@R against training classes into this PNG")
    table.add_argument("--readme", help="also write the table between the markers in this README")
    table.set_defaults(func=_cmd_table)
