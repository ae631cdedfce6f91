"""Playwright in Debian's Chromium (never a downloaded browser). Without /usr/bin/chromium the
browser tests are skipped, unless STEPWISE_REQUIRE_BROWSER=1 (CI) makes that a failure."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("STEPWISE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"browser tests are required but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    # Reduced motion: Bootstrap then drops its transitions, so accessibility checks never see
    # a colour half-way through a hover animation.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
    }
