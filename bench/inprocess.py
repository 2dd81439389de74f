"""
The in-process table of bench/run: what a page costs inside Django, without gunicorn or wrk.

Each page is requested with Django's test client (DEBUG off, page cache off, the archive's counts
and the other remembered data kept as in production: releases.cache.remembered) on the benchmark's
database: a few warm-ups, then BENCH_INPROCESS_REQUESTS requests; median, p95 and the queries of
one request. robots.txt is the floor: what the middleware and a small template cost alone. The
admin's release list and change form are measured logged in, as staff use them.

    bench/run inprocess                    # this table alone, about a minute
    bench/run inprocess --only archive --only release   # the pages whose names contain these
    bench/run inprocess --profile "release detail"   # and cProfile of one page, top 25

"After an edit": the same page requested right after the site's generation changed, as after any
save: the counts, kept relations and fragments are all built again (releases.cache.remembered).
That is what the first visitor after an edit waits, and a crawler's first visit to a deep page
comes close to it (only the release cards may be kept from other pages).

Besides the wall-clock times, the table gives the median CPU time of this process per request
(time.process_time: the database server's time is not in it). On a shared machine the wall clock
waits for the CPU; the CPU time much less, so it is the figure to compare a change by there.

Settings: those of bench/bench.py (BENCH_DATABASE_URL, BENCH_RELEASES, BENCH_SEED), and
BENCH_INPROCESS_REQUESTS (100).
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time

REQUESTS = int(os.environ.get("BENCH_INPROCESS_REQUESTS", "100"))
AFTER_EDIT_REQUESTS = max(5, REQUESTS // 4)
WARMUPS = 3


def admin_pages():
    """(name, address) of the admin pages measured: the release list and a change form."""
    from django.urls import reverse

    from releases.models import PressRelease

    release = PressRelease.objects.order_by("pk").first()
    pages = [("admin: release list", reverse("admin:releases_pressrelease_changelist"))]
    if release:
        change = reverse("admin:releases_pressrelease_change", args=[release.pk])
        pages.append(("admin: release change form", change))
    return pages


def staff_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def measure(client, path, requests=REQUESTS):
    """Median and p95 in ms, median CPU ms, queries of the last request, status; median and
    queries of the first request after an edit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from releases.cache import invalidate_pages

    for _ in range(WARMUPS):
        client.get(path)
    timings, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    # The first visit after an edit: a new generation, so nothing kept is found.
    after_edit = []
    for _ in range(AFTER_EDIT_REQUESTS):
        invalidate_pages()
        started = time.perf_counter()
        client.get(path)
        after_edit.append((time.perf_counter() - started) * 1000)
    invalidate_pages()
    with CaptureQueriesContext(connection) as first_queries:
        client.get(path)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "cpu": statistics.median(cpu),
        "queries": len(queries),
        "after_edit": statistics.median(after_edit),
        "after_edit_queries": len(first_queries),
        "status": response.status_code,
    }


def profile(client, path, top=25):
    """cProfile of `path`, requested REQUESTS times after the warm-ups: the project's own
    functions and the template engine's render by cumulative time, then the top functions by
    own time, as text."""
    for _ in range(WARMUPS):
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REQUESTS):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"/(releases|contacts|allianz_site)/|loader_tags", top
    )
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def table(pages):
    """Measure each page: the rows of a markdown table, and each page's figures by name."""
    from django.test import Client

    public, staff = Client(), staff_client()
    rows = [
        f"| page (in-process, {REQUESTS} requests) | median ms | p95 ms | CPU ms | queries "
        f"| after an edit ({AFTER_EDIT_REQUESTS}): median ms | queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    results = {}
    for name, path in pages:
        client = staff if name.startswith("admin") else public
        result = results[name] = measure(client, path)
        status = "" if result["status"] == 200 else f" (status {result['status']})"
        rows.append(
            f"| {name}{status} | {result['median']:.2f} | {result['p95']:.2f} | "
            f"{result['cpu']:.2f} | {result['queries']} | {result['after_edit']:.2f} | "
            f"{result['after_edit_queries']} |"
        )
        print(rows[-1], flush=True)
    return rows, results


def main(args):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench

    pages, missing = bench.prepare_database()
    if missing:
        print("Not in the data, skipped:", ", ".join(missing), flush=True)
    print(f"uptime: {os.popen('uptime').read().strip()}", flush=True)
    if args[:1] == ["--profile"]:
        from django.test import Client

        wanted = dict([*pages, *admin_pages()])
        client = staff_client() if args[1].startswith("admin") else Client()
        print(profile(client, wanted[args[1]]))
        return
    pages = [*pages, *admin_pages()]
    only = [args[i + 1] for i, arg in enumerate(args) if arg == "--only"]
    if only:
        pages = [(name, path) for name, path in pages if any(part in name for part in only)]
    print("\n".join(table(pages)[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
