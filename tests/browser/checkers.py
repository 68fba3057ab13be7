"""The two page checkers the browser tests use: axe-core (accessibility) and vnu (valid HTML).

Both come from npm (see package.json) and are installed by `make test`. Output that cannot be
parsed counts as a failure, never as "no errors".
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Finding:
    """One problem a checker reported on a page."""

    page: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule}: {self.message}"


def axe_findings(page, name: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Run axe-core with the WCAG 2.1 A and AA rules on a Playwright page; one finding a node."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    if not isinstance(result, dict) or "violations" not in result:
        return [Finding(name, "axe", f"unreadable axe result: {result!r:.200}")]
    findings = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            findings.append(
                Finding(
                    name,
                    violation["id"],
                    f"{violation['help']} at {target}: {node.get('failureSummary', '')}",
                )
            )
    return findings


def vnu_findings(documents: dict[str, str], workdir: Path) -> list[Finding]:
    """Check HTML documents (name -> HTML) with the Nu HTML Checker; one finding an error."""
    java = shutil.which("java")
    if java is None:
        return [Finding("(all)", "vnu", "java is not installed")]
    files = {}
    for index, (name, html) in enumerate(documents.items()):
        path = workdir / f"page-{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri()] = name
    result = subprocess.run(
        [
            java,
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            *[str(workdir / f"page-{i:02d}.html") for i in range(len(documents))],
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError, TypeError):
        return [Finding("(all)", "vnu", f"unreadable vnu output: {result.stderr[:500]!r}")]
    findings = []
    for message in messages:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            page = files.get(message.get("url", ""), message.get("url", "?"))
            where = f"line {message.get('lastLine', '?')}"
            findings.append(Finding(page, "vnu", f"{where}: {message.get('message', '')}"))
    return findings
