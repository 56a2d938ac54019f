"""Headless Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's Chromium (``make test`` installs it); Playwright never downloads one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from safepassage.testing.members import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Short enough that a broken page fails fast instead of eating the suite's minute.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def playwright():
    """Playwright for this folder's tests only.

    Its sync API keeps an asyncio loop running in the test thread while it is started, and
    Django refuses ORM calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE
    is set. Package scope stops both loop and variable after the last browser test: set for
    the whole session, the variable leaked into the subprocesses of later tests and failed
    `check --deploy` (async.E001).
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as running:
            yield running


@pytest.fixture(scope="package")
def browser(playwright):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium package. "
            "Run `make test`, which installs it.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Every console error and uncaught exception on ``page``; CSP violations land here too."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(f"{message.text} at {message.location.get('url', '?')}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sign_in_with_password(live_server) -> Callable:
    """Fill the login form with ``member``'s password; stop on the second-step page."""

    def sign_in(page, member) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail").fill(member.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/accounts/login/verify/**")

    return sign_in


@pytest.fixture
def sign_in(sign_in_with_password) -> Callable:
    """Both factors through the real forms; ends on the page the login redirects to."""

    def sign_in_fully(page, member) -> None:
        sign_in_with_password(page, member)
        page.locator("input[name=code]").fill(member.code())
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/dashboard/")

    return sign_in_fully
