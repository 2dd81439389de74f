"""PDF building: the first request of a version (WeasyPrint builds and stores the PDF) against
the next ones (the stored file is found by the hash of the HTML). Run from the repository:

    .venv/bin/python bench/pdf.py

Uses a fresh SQLite database and media folder in a temporary directory, with the demo content.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = tempfile.mkdtemp(prefix="pdf-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="allianz_site.settings",
    DATABASE_URL=f"sqlite:///{work}/db.sqlite3",
    DJANGO_MEDIA_ROOT=f"{work}/media",
    DJANGO_DEBUG="1",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from releases import documents  # noqa: E402
from releases.models import PressRelease  # noqa: E402
from releases.views.documents import pdf_relations  # noqa: E402

RUNS = 9


def timed(function):
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    slug = "betriebsnachbarschaften-abschluss-im-landkreis-helmstedt"

    def release():
        return PressRelease.objects.prefetch_related(*pdf_relations()).get(slug=slug)

    documents.stored_pdf(release())  # warm up (fonts, templates)
    first, stored = [], []
    for _ in range(RUNS):
        documents.delete_other_versions(release())
        ms, name = timed(lambda: documents.stored_pdf(release()))
        first.append(ms)
        stored.append(timed(lambda: documents.stored_pdf(release()))[0])
    size = documents.default_storage.size(name)
    print(f"demo release 2022 ({size / 1024:.0f} KB PDF), median of {RUNS}:")
    print(f"  first (build and store): {statistics.median(first):.0f} ms")
    print(f"  stored (render HTML, find file): {statistics.median(stored):.1f} ms")


if __name__ == "__main__":
    main()
