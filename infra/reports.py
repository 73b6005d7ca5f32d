"""Admin commands for the reports (against AWS, LocalStack or the local cloud via AWS_ENDPOINT_URL).

    python -m infra.reports rebuild --table <ComplaintTableName> [--dry-run]

`rebuild` recomputes every aggregate from the complaints' history items (it scans the table):
see docs/reports.md. Pause the reports queue's event source while it runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    for path in (ROOT / "shared", ROOT / "services" / "reports"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from aduan.repository import ComplaintRepository
    from aduan.workflow import load_clock
    from reports.rebuild import rebuild
    from reports.store import ReportStore

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    again = commands.add_parser("rebuild", help="recompute every aggregate from the history items")
    again.add_argument("--table", required=True)
    again.add_argument(
        "--dry-run", action="store_true", help="count what would change, write nothing"
    )
    args = parser.parse_args(argv)
    repository = ComplaintRepository(args.table)
    done = rebuild(
        ReportStore(repository), load_clock(repository), datetime.now(UTC), dry_run=args.dry_run
    )
    verb = "would write" if args.dry_run else "wrote"
    print(
        f"{done.complaints} complaints, {done.aggregates} aggregate items: {verb} {done.written}, "
        f"deleted {done.deleted} stale, {done.states} report states"
    )


if __name__ == "__main__":
    main()
