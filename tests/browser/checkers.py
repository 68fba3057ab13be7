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
from typing import Any
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: WCAG 2.1 A and AA, plus axe's best practices (landmarks, heading order, one h1, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: axe results that must never be left "incomplete" (needing a human to decide).
MUST_DECIDE = {"color-contrast"}
SVG_TEXT = ("<text", "<tspan")
#: WCAG 2.1 AA contrast for normal-size text (1.4.3); used for all SVG text, small or not.
MIN_CONTRAST = 4.5

# For each text in an inline SVG: its fill and what lies under its middle (a shape's fill or
# the nearest HTML background), as [r, g, b] each, and the contrast ratio between them.
_SVG_CONTRAST = """() => {
  const probe = document.createElement('canvas').getContext('2d');
  const rgb = (colour) => {
    probe.fillStyle = '#000'; probe.fillStyle = colour; probe.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data; probe.clearRect(0, 0, 1, 1);
    return a === 0 ? null : [r, g, b];
  };
  const luminance = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  return [...document.querySelectorAll('svg text')].filter((t) => t.textContent.trim())
    .map((text) => {
      const box = text.getBoundingClientRect();
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      let behind = null;
      for (const el of document.elementsFromPoint(x, y)) {
        if (el === text || text.contains(el)) continue;
        const style = getComputedStyle(el);
        const colour = el instanceof SVGElement ? (el.tagName === 'svg' ? null : style.fill)
                                                 : style.backgroundColor;
        behind = colour && colour !== 'none' ? rgb(colour) : null;
        if (behind) break;
      }
      const fill = rgb(getComputedStyle(text).fill) || [0, 0, 0];
      behind = behind || [255, 255, 255];
      return {text: text.textContent.trim().slice(0, 60), fill, behind,
              ratio: ratio(fill, behind), onScreen: box.width > 0};
    });
}"""


@dataclass(frozen=True)
class Finding:
    """One problem a checker reported on a page."""

    page: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule}: {self.message}"


def run_axe(page: Any) -> dict[str, Any]:
    """Run axe-core with the WCAG 2.1 A/AA and best-practice rules on a Playwright page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result


def axe_findings(result: Any, name: str) -> list[Finding]:
    """The violations in an axe result (one finding a node), and undecided contrast checks."""
    if not isinstance(result, dict) or "violations" not in result or "incomplete" not in result:
        return [Finding(name, "axe", f"unreadable axe result: {result!r:.200}")]
    findings = []
    undecided = [r for r in result["incomplete"] if r["id"] in MUST_DECIDE]
    for violation in [*result["violations"], *undecided]:
        for node in violation["nodes"]:
            if violation in undecided and node.get("html", "").startswith(SVG_TEXT):
                continue  # axe cannot judge text in SVG: svg_contrast_findings does
            target = " ".join(str(t) for t in node.get("target", []))
            findings.append(
                Finding(
                    name,
                    violation["id"],
                    f"{violation['help']} at {target}: {node.get('failureSummary', '')}",
                )
            )
    return findings


def svg_contrast_findings(page: Any, name: str) -> list[Finding]:
    """Text in inline SVG (charts) with too little contrast against what lies behind it."""
    findings = []
    for text in page.evaluate(_SVG_CONTRAST):
        if text["onScreen"] and text["ratio"] < MIN_CONTRAST:
            findings.append(
                Finding(
                    name,
                    "svg-text-contrast",
                    f"“{text['text']}”: {text['ratio']:.2f}:1 (fill {text['fill']} on "
                    f"{text['behind']}; at least {MIN_CONTRAST}:1 needed)",
                )
            )
    return findings


def vnu_findings(documents: dict[str, str], workdir: Path) -> list[Finding]:
    """Check HTML documents (name -> HTML) with the Nu HTML Checker; one finding an error."""
    java = shutil.which("java")
    if java is None:
        return [Finding("(all)", "vnu", "java is not installed")]
    if not documents:
        return [Finding("(all)", "vnu", "no documents to check")]
    names = {}
    for index, (name, html) in enumerate(documents.items()):
        path = workdir / f"page-{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(
        [
            java,
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            *[str(workdir / file) for file in names],
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
        kind = message.get("type")
        if kind in {"error", "non-document-error"} or message.get("subType") == "fatal":
            file = Path(unquote(urlparse(message.get("url", "")).path)).name
            where = f"line {message.get('lastLine', '?')}"
            text = f"{where}: {message.get('message', '')} [{message.get('extract', '')!r:.80}]"
            findings.append(Finding(names.get(file, file or "?"), "vnu", text))
    return findings
