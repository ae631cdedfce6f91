"""axe-core accessibility checks in the browser tests (the vendored copy, never a CDN)."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def violations(page, impacts=("critical", "serious")) -> list[dict]:
    """The page's axe-core violations of the given impacts, as short dicts."""
    # Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    assert not found, f"axe-core violations on {where or page.url}: {found}"
