"""Run axe-core (bundled with axe-playwright-python, so offline) on a page and explain failures."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices. Target size (WCAG 2.2,
# 2.5.8) is off in axe by default, so it is switched on by name.
OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}

_axe = Axe()


def assert_accessible(page) -> None:
    """Fail with axe's own report if the page has any accessibility violation."""
    results = _axe.run(page, options=OPTIONS)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
