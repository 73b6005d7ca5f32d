"""Browser tests: Playwright for Python driving Debian's `chromium` against the local cloud.

Fixtures:
- `browser`: one headless Chromium for the session (Debian's binary, never a downloaded one).
- `desktop` / `phone`: a fresh page in a 1280x800 or a 360x740 (touch, mobile) context.
- `new_page(viewport)`: more pages, each in its own context (two officers in two browsers).
- `site`: the local cloud's gateway URL (the `cloud` fixture of tests/conftest.py).
- `screenshot(page, viewport, step="")`: writes test-output/screenshots/<test>[-<step>]-<viewport>.png.
- `assert_accessible(page, context=None)`: runs the vendored axe-core (on the page or a CSS
  selector's part) and fails on any serious or critical violation.

Every page records uncaught script errors and Content-Security-Policy refusals; a test fails at
teardown if its pages had any (a page that breaks quietly is still broken).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = HERE.parents[1] / "test-output" / "screenshots"

# Chromium on a machine with a closed network: no background fetches, no QUIC, no first-run UI.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

SEVERE = ("serious", "critical")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not installed: `apt-get install -y chromium` (make test does it)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site(cloud: Any) -> str:
    return cloud.gateway_url


class PageProblems:
    """What went wrong inside a page that the test itself might not look at."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: uncaught {error}"))

        def console(message: Any) -> None:
            text = message.text
            if message.type == "error" and "Content Security Policy" in text:
                self.errors.append(f"{page.url}: {text}")

        page.on("console", console)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    problems = PageProblems()

    def make(viewport: str = "desktop", **options: Any) -> Any:
        context = browser.new_context(
            locale="id-ID", timezone_id="Asia/Jakarta", **{**VIEWPORTS[viewport], **options}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.viewport_name = viewport  # type: ignore[attr-defined]
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    if problems.errors:
        pytest.fail("the pages had errors:\n" + "\n".join(problems.errors))


@pytest.fixture
def desktop(new_page: Callable[..., Any]) -> Any:
    return new_page("desktop")


@pytest.fixture
def phone(new_page: Callable[..., Any]) -> Any:
    return new_page("phone")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page: Any, viewport: str | None = None, step: str = "") -> Path:
        name = "-".join(
            p for p in (test, step, viewport or getattr(page, "viewport_name", "page")) if p
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def axe_violations(page: Any, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.0/2.1 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which a page's CSP does not restrict.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        }
    }
    return page.evaluate(
        "async ([context, options]) => (await axe.run(context || document, options)).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))",
        [context, options],
    )


def check_accessible(page: Any, context: str | None = None) -> None:
    """Fails on any serious or critical axe-core violation (the others are printed)."""
    violations = axe_violations(page, context)
    severe = [v for v in violations if v["impact"] in SEVERE]
    minor = [v for v in violations if v["impact"] not in SEVERE]
    if minor:
        print(f"axe (minor) on {page.url}: " + ", ".join(v["id"] for v in minor))
    assert not severe, f"axe-core on {page.url}:\n" + json.dumps(
        severe, indent=1, ensure_ascii=False
    )


@pytest.fixture
def assert_accessible() -> Callable[..., None]:
    return check_accessible
