"""The officer console's budgets, measured in Debian's chromium on the local cloud.

    .venv/bin/python -m bench.console [--rows 100] [--runs 5]

Prints figures only: the first page's JS+CSS (gzip-compressed as CloudFront sends it; budget
150 KB) and the time the inbox takes to show 100 rows (from the API's answer to the end of the
frame that paints them; budget 200 ms), the first run apart: it is the page's first render of a
list, right after signing in, and pays what later ones find warm. tests/browser/test_console_budget.py
checks the same measurement against the budgets.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_UNIT = "dlh"
BENCH_ADMIN = "admin.dlh"


def seed_dispositions(cloud: Any, rows: int) -> list[str]:
    """`rows` complaints dispositioned to the bench unit, written as the workflow stores them."""
    from aduan.complaint import Complaint
    from aduan.repository import ComplaintRepository
    from aduan.status import Status
    from aduan.tracking import new_tracking_id

    repository = ComplaintRepository(cloud.resources["ComplaintTable"])
    now = datetime.now(UTC)
    ids = []
    for n in range(rows):
        complaint = Complaint.checked(
            id=new_tracking_id(),
            status=Status.DISPATCHED,
            channel=("web", "whatsapp", "sms", "telegram", "email")[n % 5],
            title=f"Sampah menumpuk di tepi jalan, titik {n + 1}",
            description="Sampah rumah tangga menumpuk di pinggir jalan dan belum diangkut sejak minggu lalu.",
            category="waste",
            location={"kecamatan": "klojen", "kelurahan": "klojen-oro-oro-dowo"},
            unit_id=BENCH_UNIT,
            received_at=now - timedelta(hours=n),
            updated_at=now,
            deadlines={"answer": now + timedelta(days=1 + n % 7)},
        )
        repository.create(complaint, [])
        ids.append(complaint.id)
    return ids


def first_page_bytes(browser: Any, site: str) -> dict[str, int]:
    """The sign-in page's scripts and styles: raw and gzip-compressed bytes."""
    context = browser.new_context()
    page = context.new_page()
    bodies: dict[str, bytes] = {}

    def keep(response: Any) -> None:
        kind = response.request.resource_type
        if kind in ("script", "stylesheet") and response.ok:
            bodies[response.url] = response.body()

    page.on("response", keep)
    page.goto(f"{site}/console/", wait_until="networkidle")
    page.get_by_role("button", name="Masuk", exact=True).wait_for()
    context.close()
    return {
        "files": len(bodies),
        "raw": sum(len(b) for b in bodies.values()),
        "gzip": sum(len(gzip.compress(b, 9)) for b in bodies.values()),
    }


def inbox_render_ms(browser: Any, site: str, rows: int, runs: int) -> list[float]:
    from infra.local.auth import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/console/")
    page.get_by_label("Nama pengguna", exact=True).fill(BENCH_ADMIN)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("button", name="Keluar", exact=True).wait_for()
    timings = []
    for run in range(runs):
        page.evaluate("() => { window.__aduanInboxRender = null; }")
        page.goto(f"{site}/console/#/inbox/new_dispositions?limit={rows}&run={run}")
        page.wait_for_function(
            f"() => window.__aduanInboxRender && window.__aduanInboxRender.rows === {rows}"
        )
        timings.append(page.evaluate("() => window.__aduanInboxRender.ms"))
    context.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description="The officer console's size and render budgets.")
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "shared")]
    from playwright.sync_api import sync_playwright

    from infra.local.cloud import LocalCloud, Ports
    from tests.browser.conftest import CHROMIUM_ARGS

    cloud = LocalCloud(Ports.free(), endpoint="", quiet=True).start()
    try:
        seed_dispositions(cloud, args.rows)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            size = first_page_bytes(browser, cloud.gateway_url)
            timings = inbox_render_ms(browser, cloud.gateway_url, args.rows, args.runs)
            browser.close()
    finally:
        cloud.stop()
    print(
        f"first page JS+CSS: {size['files']} files, {size['raw'] / 1024:.1f} KB raw, {size['gzip'] / 1024:.1f} KB gzip (budget 150 KB)"
    )
    print(
        f"inbox, {args.rows} rows shown: first (cold) {timings[0]:.0f} ms, median {statistics.median(timings):.0f} ms, "
        f"max {max(timings):.0f} ms over {len(timings)} runs (budget 200 ms)"
    )


if __name__ == "__main__":
    main()
