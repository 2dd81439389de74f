"""
`make lighthouse`: Lighthouse (npm, package.json) on the home page, the archive and a release, as
a phone and as a desktop, against the site as production runs it (DEBUG off, collected and
compressed static files, the demo content; only without TLS). Writes docs/lighthouse.md with the four scores and,
for every score under 100, the audits that cost points. Exits 1 if any score is under 100.

Run as `python -m tests.browser.lighthouse` (not collected by pytest: it takes minutes).
"""

import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .pages import LIGHTHOUSE_PAGES
from .tools import CHROMIUM, CHROMIUM_FLAGS, NODE_MODULES, ROOT

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
FORM_FACTORS = {"mobil": [], "desktop": ["--preset=desktop"]}
REPORT = ROOT / "docs" / "lighthouse.md"


def prepare_site(folder):
    """A production-like site in a temporary folder: its own SQLite file, media and static."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="allianz_site.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="lighthouse-run-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on 127.0.0.1, which browsers count as secure: there is no TLS proxy in front,
        # and with HTTPS on (the production default) every page would redirect to https:// and
        # Chromium would show an error page instead ("prevented page load with an interstitial").
        DJANGO_HTTPS="0",
        DATABASE_URL=f"sqlite:///{folder / 'lighthouse.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_LOG_LEVEL="ERROR",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)


def serve():
    """Serve the site on a free port in a thread; WhiteNoise stands in for the web server that
    serves /media/ in production."""
    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    application = WhiteNoise(get_wsgi_application())
    application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    # Django's threaded server (runserver's): a thread per request, its database connection
    # closed after it. Port 0: the system picks a free one.
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(application)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def run_lighthouse(url, form_factor, output):
    command = [
        str(NODE_MODULES / ".bin" / "lighthouse"),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        "--quiet",
        *FORM_FACTORS[form_factor],
    ]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    return json.loads(output.read_text())


def lost_points(report, category):
    """The audits of a category that did not score full marks, with what Lighthouse says."""
    audits = report["audits"]
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = audit.get("displayValue", "")
            lines.append(f"{audit['title']} ({audit['score']:.2f}{', ' + shown if shown else ''})")
    return lines


def main():
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        folder = Path(tmp)
        prepare_site(folder)
        base = serve()
        version = subprocess.run(
            [str(NODE_MODULES / ".bin" / "lighthouse"), "--version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        rows, notes, below = [], [], False
        for page_type in LIGHTHOUSE_PAGES:
            for form_factor in FORM_FACTORS:
                print(f"Lighthouse: {page_type.path} ({form_factor})", flush=True)
                report = run_lighthouse(
                    base + page_type.path, form_factor, folder / f"{page_type.name}.json"
                )
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                rows.append(
                    f"| `{page_type.path}` | {form_factor} | " + " | ".join(map(str, scores)) + " |"
                )
                for category, score in zip(CATEGORIES, scores, strict=True):
                    if score < 100:
                        below = True
                        lost = "; ".join(lost_points(report, category)) or "–"
                        notes.append(
                            f"- `{page_type.path}` {form_factor}, {category} {score}: {lost}"
                        )
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        "# Lighthouse scores\n\n"
        f"Written by `make lighthouse` on {datetime.date.today():%d.%m.%Y} with Lighthouse "
        f"{version} and {chromium.strip()}, against the demo content served as in production "
        "(DEBUG off, collected and compressed static files, WhiteNoise standing in for the web "
        "server in front for `/media/`; plain HTTP on 127.0.0.1, as no TLS proxy is in front), "
        "on this project's 2-core machine. Mobile uses "
        "Lighthouse's default simulated slow 4G and mid-range phone; desktop its desktop preset.\n\n"
        "| page | form factor | Performance | Accessibility | Best Practices | SEO |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "## Below 100\n\n" + ("\n".join(notes) if notes else "Nothing: every score is 100.") + "\n"
    )
    print(REPORT.read_text())
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
