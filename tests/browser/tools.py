"""What the browser tests drive: Debian's Chromium through Playwright, axe-core and the Nu Html
Checker from node_modules (package.json), and the rule for a missing tool."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Debian's Chromium; Playwright's own browser download does not work on these machines.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium calls Google's hosts at every start.
# (Playwright adds --headless and its own fresh --user-data-dir.)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(available, what):
    """Skip when a tool (a browser tool, nginx) is missing on a developer's machine; fail in CI
    (CI=true), where a skip would hide that the check did not run."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} (CI=true: a missing tool is a failure)", pytrace=False)
    pytest.skip(what)


def chromium_available():
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def same_origin(url, origin):
    """True for the site's own address and for what never leaves the browser (data:, blob:)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


def axe_violations(page, exclude=()):
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, one readable line each.
    `exclude`: CSS selectors of markup that is not ours (keep it to what a comment explains)."""
    require(AXE_JS.exists(), f"no axe-core at {AXE_JS} (make install runs npm ci)")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """([tags, exclude]) => axe.run(
            {include: [document], exclude: exclude.map(selector => [selector])},
            {runOnly: {type: 'tag', values: tags}})""",
        [WCAG_21_AA, list(exclude)],
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(
            f"{node['target']}: {node['failureSummary']}".replace("\n", " ")
            for node in violation["nodes"]
        )
        for violation in result["violations"]
    ]


def vnu_errors(*files):
    """The Nu Html Checker's errors for the given HTML and CSS files, as 'file:line: message'."""
    require(VNU_JAR.exists(), f"no vnu-jar at {VNU_JAR} (make install runs npm ci)")
    require(
        shutil.which("java"),
        "no Java for the Nu Html Checker (apt-get install default-jre-headless)",
    )
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--also-check-css"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    messages = json.loads(completed.stderr)["messages"]
    return [
        f"{Path(urlsplit(m.get('url', '')).path).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" – {m.get('extract', '').strip()!r}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
