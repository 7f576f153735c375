"""axe-core checks for browser tests: `assert_accessible(page)` after each page a test visits."""

from axe_playwright_python.sync_playwright import Axe

# The success criteria the portal promises in its accessibility statement: WCAG 2.1 A and AA.
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

_axe = Axe()


def axe_violations(page, *, context=None):
    """Run axe-core (bundled with axe-playwright-python) on the page as it is now."""
    return _axe.run(page, context=context, options=WCAG_21_AA).response["violations"]


def violations_report(violations, url=""):
    """One readable block per violation: rule, what it asks, and every element that fails it."""
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append("")
        lines.append(f"* {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {', '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'].strip()[:300]}")
            for summary_line in node.get("failureSummary", "").splitlines():
                lines.append(f"      {summary_line.strip()}")
    return "\n".join(lines)


def assert_accessible(page, *, context=None):
    """Fail with a report of every WCAG 2.1 A/AA violation axe-core finds on the page.

    `context` narrows the check (a CSS selector or axe's {"include": ..., "exclude": ...}).
    """
    violations = axe_violations(page, context=context)
    assert not violations, violations_report(violations, page.url)
