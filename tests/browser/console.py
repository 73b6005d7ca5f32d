"""Helpers for the console's browser tests: sign in as a demo officer, wait for the page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from infra.local.auth import DEMO_PASSWORD


def sign_in(
    page: Any, site: str, username: str, password: str = DEMO_PASSWORD, hash_route: str = ""
) -> None:
    page.goto(f"{site}/console/{hash_route}")
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("button", name="Keluar", exact=True).wait_for()


def open_queue(page: Any, label: str, tracking_id: str) -> Any:
    """Open a work queue by its tab and find the complaint's row, loading the next pages as an
    officer would (a suite's shared cloud holds more than one page of complaints due the same day)."""
    page.locator(".queues a", has_text=label).click()
    return find_row(page, tracking_id)


def find_row(page: Any, tracking_id: str, pages: int = 20) -> Any:
    row = page.locator(f'.rows li[data-id="{tracking_id}"]')
    more = page.get_by_role("button", name="Muat berikutnya", exact=True)
    try:  # on the first page, once the queue has loaded
        row.wait_for(timeout=5_000)
        return row
    except PlaywrightTimeout:
        pass
    for _ in range(pages):
        if row.count() or not more.count():
            break
        shown = page.locator(".rows li").count()
        more.click()
        page.wait_for_function(
            "n => document.querySelectorAll('.rows li').length > n || !document.querySelector"
            "('section[aria-labelledby=inbox-heading] > button.secondary')",
            arg=shown,
        )
    row.wait_for()
    return row


def open_complaint(page: Any, tracking_id: str) -> None:
    page.locator(f'.rows li[data-id="{tracking_id}"] a').click()
    page.locator("#complaint-heading").wait_for()
