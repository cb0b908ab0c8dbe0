"""The ``coopqa eval`` command: run eval sets, print tables or JSON, compare runs, gate on thresholds."""

from __future__ import annotations

import json
import sys
from typing import Any

from ..config import Settings
from .items import EvalInputError
from .results import latest_report_path, load_report
from .run import CONFIG_NAMES, run_eval
from .thresholds import check_thresholds, read_thresholds, suggest_thresholds


def add_eval_arguments(parser: Any) -> None:
    """The options of ``coopqa eval`` on an argparse (sub)parser."""
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="eval sets (JSONL), e.g. eval/chapter8.jsonl"
    )
    parser.add_argument(
        "--config",
        action="append",
        metavar="NAME",
        help=f"configuration: {', '.join(CONFIG_NAMES)} or all (repeatable; default: shipped)",
    )
    parser.add_argument("--report", metavar="DIR", help="also write report.md/.html/.json to DIR")
    parser.add_argument(
        "--json", action="store_true", help="print the JSON report instead of tables"
    )
    parser.add_argument(
        "--strict", action="store_true", help="a malformed line is fatal instead of skipped"
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="list what changed between two report.json files",
    )
    parser.add_argument(
        "--thresholds",
        metavar="TOML",
        help="exit 1 when a configuration falls below these thresholds",
    )
    parser.add_argument(
        "--limit", type=int, metavar="N", help="only the first N items (a quick look)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--suggest-thresholds",
        action="store_true",
        help="print thresholds.toml bounds one item under this run's figures",
    )
    parser.add_argument(
        "--max-failures",
        type=int,
        default=20,
        metavar="N",
        help="failures printed per configuration (the report lists all; default 20)",
    )


def cli_eval(args: Any, settings: Settings | None = None, out: Any = None) -> int:
    """Run ``coopqa eval``: 0 done, 1 below thresholds or a configuration failed, 2 bad input."""
    from ..config import SettingsError
    from .report import compare_data, compare_reports, render_terminal

    out = out or sys.stdout
    try:
        if args.compare:
            if args.files:
                raise EvalInputError("--compare takes two report.json files and no eval sets")
            if args.json:
                data = compare_data(load_report(args.compare[0]), load_report(args.compare[1]))
                print(json.dumps(data, indent=2), file=out)
            else:
                print(compare_reports(*args.compare), file=out)
            return 0
        if not args.files:
            raise EvalInputError("give at least one eval set, e.g. coopqa eval eval/chapter8.jsonl")
        if args.limit is not None and args.limit < 1:
            raise EvalInputError("--limit must be at least 1")
        if args.thresholds:
            read_thresholds(args.thresholds)  # fail before a long run, not after
        settings = settings or Settings.from_env()
        report = run_eval(
            args.files,
            args.config or ["shipped"],
            settings,
            report_dir=args.report,
            progress=not args.no_progress,
            strict=args.strict,
            limit=args.limit,
        )
    except (EvalInputError, SettingsError) as exc:
        print(f"coopqa eval: {exc}", file=sys.stderr)
        return 2
    failures = check_thresholds(report, args.thresholds) if args.thresholds else []
    if args.json:
        print(json.dumps(report.to_dict(), indent=2), file=out)
    elif args.suggest_thresholds:
        print(suggest_thresholds(report), file=out)
    else:
        print(render_terminal(report, max_failures=args.max_failures), file=out)
        where = [str(latest_report_path(settings).parent)] + (
            [str(args.report)] if args.report else []
        )
        print(f"\nReports written to {' and '.join(where)}", file=out)
    broken = [run for run in report.runs if run.error]
    for run in broken:
        print(f"coopqa eval: {run.name}: {run.error}", file=sys.stderr)
    for failure in failures:
        print(f"coopqa eval: below threshold: {failure}", file=sys.stderr)
    return 1 if failures or broken else 0
