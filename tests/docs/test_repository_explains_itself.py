"""The README and docs/ are what a newcomer reads first: they stay short, stay inside the
repository, and name what exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>]+)>")
ENV_READ = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _links(path: Path) -> list[str]:
    return [a or b for a, b in LINK.findall(path.read_text())]


def test_the_readme_is_short_and_points_to_every_page_of_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < 6 * 1024
    linked = {Path(link).name for link in _links(ROOT / "README.md")}
    assert {p.name for p in DOCS} <= linked


def test_no_link_leaves_the_repository_and_every_link_resolves():
    for page in [ROOT / "README.md", *DOCS]:
        for link in _links(page):
            if link.startswith(("http://127.0.0.1", "http://localhost")):
                continue  # the app as `make run` serves it, on this machine
            target = link.split("#")[0]
            assert not re.match(r"[a-z]+:", target), f"{page.name} links outside: {link}"
            assert (page.parent / target).resolve().is_relative_to(ROOT), f"{page.name}: {link}"
            assert (page.parent / target).exists(), f"{page.name} links to a missing {link}"
        assert "../shared" not in page.read_text(), page.name


def test_every_environment_variable_the_settings_read_is_documented():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    read = set()
    for path in (ROOT / "config").rglob("*.py"):
        read |= set(ENV_READ.findall(path.read_text()))
    assert read, "the settings read no environment variable?"
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert not missing, f"not in docs/configuration.md: {missing}"


def test_the_architecture_page_names_every_app_that_exists():
    text = (ROOT / "docs" / "architecture.md").read_text()
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps >= {"accounts", "audit", "intake", "rulesets", "placement", "portal", "demo"}
    for app in sorted(apps | {"engine"}):
        assert f"`{app}/`" in text, f"docs/architecture.md does not describe {app}/"
    # Every folder it names (`rulesets/data/`, `tests/engine/`, ...) is there.
    for folder in set(re.findall(r"`([a-z_][a-z_/]*/)`", text)):
        assert (ROOT / folder).is_dir(), f"docs/architecture.md names a missing {folder}"
