"""
The benchmark behind bench/run: the site under load, the production way, on this machine.

1. PostgreSQL database BENCH_DATABASE_URL (created if missing), migrated, filled by
   `manage.py generate_bench_data` when it does not hold BENCH_RELEASES releases; collectstatic.
2. gunicorn with allianz_site/gunicorn.conf.py, DJANGO_DEBUG=0, whitenoise, persistent database
   connections: once with the page cache off, once with nothing kept (no counts, no fragments:
   as after an edit), once with the page cache on (Redis if BENCH_REDIS_URL is set).
3. nginx (bench/nginx.conf): the same HTML as static files (the ceiling on this machine), and
   deploy/nginx-site.conf in front of gunicorn with its proxy cache (the production setup).
4. Every page of PAGES in each setup: a warm-up, then wrk for BENCH_DURATION. Requests/s, p50,
   p99 and non-2xx responses; one table with ratios against the ceiling, written to
   bench/RESULTS.md with the machine, the date, queries per page, conditional requests, page
   weight, the admin list and the memory of the gunicorn workers over the run.

Settings (environment, all optional):
    BENCH_DATABASE_URL  postgres://postgres@127.0.0.1:5432/bench
    BENCH_RELEASES      10000      BENCH_SEED       1
    BENCH_SEARCH_DATABASE_URL  postgres://postgres@127.0.0.1:5432/bench_search
    BENCH_SEARCH_RELEASES      100000  (the in-process search check runs on its own database)
    BENCH_DURATION      30s        BENCH_WARMUP     5s
    BENCH_CONNECTIONS   32         BENCH_THREADS    2
    BENCH_PORT          8051       (gunicorn; +1 the ceiling, +2 nginx in front of gunicorn)
    BENCH_REDIS_URL     (none: the app cache lives in each worker's memory)
    BENCH_OUTPUT        bench/RESULTS.md
"""

import datetime
import getpass
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = ROOT / ".bench"  # media, static files, logs, nginx files: not in git

CONFIG = {
    "database_url": os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench"
    ),
    "releases": int(os.environ.get("BENCH_RELEASES", "10000")),
    "search_database_url": os.environ.get(
        "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_search"
    ),
    "search_releases": int(os.environ.get("BENCH_SEARCH_RELEASES", "100000")),
    "seed": int(os.environ.get("BENCH_SEED", "1")),
    "duration": os.environ.get("BENCH_DURATION", "30s"),
    "warmup": os.environ.get("BENCH_WARMUP", "5s"),
    "connections": int(os.environ.get("BENCH_CONNECTIONS", "32")),
    "threads": int(os.environ.get("BENCH_THREADS", "2")),
    "port": int(os.environ.get("BENCH_PORT", "8051")),
    "redis_url": os.environ.get("BENCH_REDIS_URL", ""),
    "output": Path(os.environ.get("BENCH_OUTPUT", BENCH / "RESULTS.md")),
}
KEPT_NOTES = "<!-- notes kept by bench/run -->"
GUNICORN_PORT = CONFIG["port"]
STATIC_PORT = CONFIG["port"] + 1
PROXY_PORT = CONFIG["port"] + 2

# The environment of every Django process of the benchmark: production settings on loopback.
DJANGO_ENV = {
    "DJANGO_SETTINGS_MODULE": "allianz_site.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_HTTPS": "0",  # plain HTTP on the loopback; TLS is nginx's job in production
    "DJANGO_BEHIND_PROXY": "1",  # the "proxy" setup puts deploy/nginx-site.conf in front
    "DATABASE_URL": CONFIG["database_url"],
    "DJANGO_CONN_MAX_AGE": "600",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "DJANGO_PROTECTED_MEDIA_ROOT": str(WORK / "protected-media"),
    "DJANGO_PROTECTED_MEDIA_ACCEL": "/_protected-media/",  # nginx sends release files, as in production
    "DJANGO_STATIC_ROOT": str(WORK / "staticfiles"),
    "DJANGO_CACHE_DIR": str(WORK / "cache"),
    "DJANGO_LOG_LEVEL": "WARNING",
    "GUNICORN_BIND": f"127.0.0.1:{GUNICORN_PORT}",
    "GUNICORN_MAX_REQUESTS": "0",  # workers live through the run: their memory tells a leak
}
if CONFIG["redis_url"]:
    DJANGO_ENV["DJANGO_REDIS_URL"] = CONFIG["redis_url"]
    DJANGO_ENV["DJANGO_CACHE_KEY_PREFIX"] = f"bench-{os.getpid()}"

SETUPS = [
    ("off", "gunicorn, page cache off"),
    ("cold", "gunicorn, nothing kept (as after an edit)"),
    ("app", "gunicorn, app cache"),
    ("static", "nginx, static file (ceiling)"),
    ("proxy", "nginx → gunicorn, proxy cache"),
]


# --- The pages -----------------------------------------------------------------------------------
# Each entry: (name, function returning the address, or None when the data has no such page).
# The functions run inside Django with the benchmark's database; add a page with one line.


def _release_detail():
    from releases.models import PressRelease

    release = (
        PressRelease.objects.published()
        .filter(images__isnull=False, attachments__isnull=False, projects__isnull=False)
        .filter(partners__isnull=False)
        .order_by("pk")
        .first()
    )
    return release.get_absolute_url() if release else None


def _busy_year():
    from releases.models import PressRelease

    years = {}
    for year, _month, count in PressRelease.objects.published().month_counts():
        years[year] = years.get(year, 0) + count
    return f"/presse/{max(years, key=years.get)}/" if years else None


def _project():
    from django.db.models import Count

    from releases.models import Project

    project = Project.objects.public().annotate(n=Count("releases")).order_by("-n").first()
    return project.get_absolute_url() if project else None


def _search(term, with_filter=False):
    def address():
        from releases.models import Topic

        query = f"/presse/?q={quote(term)}"
        if with_filter:
            query += f"&thema={Topic.objects.order_by('pk').first().slug}"
        return query

    return address


def _named(name, *args):
    def address():
        from django.urls import reverse

        return reverse(name, args=args)

    return address


PAGES = [
    ("home", lambda: "/"),
    ("archive, page 1", lambda: "/presse/"),
    ("archive, page 200", lambda: "/presse/?page=200"),
    ("year archive", _busy_year),
    ("release detail", _release_detail),
    ("project page", _project),
    ("shareholders", _named("releases:shareholders")),
    ("search, common term", _search("Fachkräfte")),
    ("search, rare term", _search("Quantensensorik")),
    ("search, common term + topic", _search("Fachkräfte", with_filter=True)),
    ("search, rare term + topic", _search("Quantensensorik", with_filter=True)),
    ("feed", _named("releases:feed")),
    ("sitemap index", _named("sitemap")),
    ("sitemap, 1,000 releases", _named("sitemap_section", "pressemitteilungen")),
    ("robots.txt (framework floor)", lambda: "/robots.txt"),
]


# --- Processes -------------------------------------------------------------------------------------


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


def wait_for_port(port, process=None, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process on port {port} ended with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def port_is_free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Gunicorn:
    def __init__(self, page_cache, keep=True):
        """`keep=False`: nor are the counts and fragments kept (releases.cache.remembered), so
        every request is built like the first after an edit, or a search for new words."""
        env = {**os.environ, **DJANGO_ENV}
        env["DJANGO_PAGE_CACHE_SECONDS"] = "600" if page_cache else "0"
        if not keep:
            env["DJANGO_COUNTS_CACHE_SECONDS"] = "0"
        name = "cache" if page_cache else "nocache" if keep else "nothing-kept"
        self.log = open(  # noqa: SIM115 (open while gunicorn runs; closed in stop())
            WORK / f"gunicorn-{name}.log", "w"
        )
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-c",
                "allianz_site/gunicorn.conf.py",
                "allianz_site.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(GUNICORN_PORT, self.process)
        self.memory = []  # (label, [RSS of each worker in kB])

    def workers(self):
        out = run(["ps", "-o", "pid=,rss=", "--ppid", str(self.process.pid)]).stdout
        return [int(line.split()[1]) for line in out.splitlines() if line.strip()]

    def sample_memory(self, label):
        self.memory.append((label, self.workers()))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Nginx:
    def __init__(self):
        run_dir = WORK / "nginx"
        for folder in ["nginx-temp", "proxy-cache"]:
            shutil.rmtree(run_dir / folder, ignore_errors=True)
            (run_dir / folder).mkdir(parents=True)
        values = {
            "PRESSE_LISTEN": f"127.0.0.1:{PROXY_PORT}",
            "PRESSE_SERVER_NAME": "127.0.0.1 localhost",
            "PRESSE_APP": f"127.0.0.1:{GUNICORN_PORT}",
            "PRESSE_STATIC_ROOT": DJANGO_ENV["DJANGO_STATIC_ROOT"],
            "PRESSE_MEDIA_ROOT": DJANGO_ENV["DJANGO_MEDIA_ROOT"],
            "PRESSE_PROTECTED_MEDIA_ROOT": DJANGO_ENV["DJANGO_PROTECTED_MEDIA_ROOT"],
            "PRESSE_CACHE_DIR": str(run_dir / "proxy-cache"),
            "BENCH_USER": getpass.getuser(),
            "BENCH_RUN": str(run_dir),
            "BENCH_STATIC_PORT": str(STATIC_PORT),
        }
        for template, target in [
            (ROOT / "deploy/nginx-site.conf", run_dir / "nginx-site.conf"),
            (BENCH / "nginx.conf", run_dir / "nginx.conf"),
        ]:
            # safe_substitute: nginx's own $variables stay as they are.
            target.write_text(string.Template(template.read_text()).safe_substitute(values))
        self.pid_file = run_dir / "nginx.pid"
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        command = [nginx, "-p", str(run_dir), "-e", str(run_dir / "nginx-error.log")]
        command += ["-c", str(run_dir / "nginx.conf")]
        run([*command, "-t"])
        run(command)
        wait_for_port(STATIC_PORT)
        wait_for_port(PROXY_PORT)

    def stop(self):
        if self.pid_file.exists():
            os.kill(int(self.pid_file.read_text()), signal.SIGQUIT)
            for _ in range(50):
                if not self.pid_file.exists():
                    break
                time.sleep(0.1)


# --- Measuring -----------------------------------------------------------------------------------


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, duration, latency=True):
    command = ["wrk", f"-t{CONFIG['threads']}", f"-c{CONFIG['connections']}", f"-d{duration}"]
    command += ["--timeout", "10s", url]
    if latency:
        command.insert(1, "--latency")
    out = run(command).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if latency and len(percentiles) < 2:
        raise RuntimeError(f"wrk gave no latency distribution:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(percentiles["50"]) if "50" in percentiles else None,
        "p99": to_ms(percentiles["99"]) if "99" in percentiles else None,
        "requests": requests,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def load(port, pages, setup, results, gunicorn=None):
    for number, (name, path) in enumerate(pages):
        url = f"http://127.0.0.1:{port}{path}"
        wrk(url, CONFIG["warmup"], latency=False)
        results[(setup, name)] = wrk(url, CONFIG["duration"])
        line = results[(setup, name)]
        print(
            f"  {name:<30} {line['rps']:>9.0f} req/s  p50 {line['p50']:>7.2f} ms  "
            f"p99 {line['p99']:>7.2f} ms  non-2xx {line['non_2xx']}",
            flush=True,
        )
        if gunicorn and number in (0, len(pages) // 2 - 1, len(pages) - 1):
            gunicorn.sample_memory(f"{setup}: after {name}")


def static_name(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".html"


# --- Inside Django --------------------------------------------------------------------------------


def prepare_database(database_url=CONFIG["database_url"], releases=CONFIG["releases"]):
    """Create, migrate and fill the benchmark database; return the pages that exist."""
    import dj_database_url
    import psycopg2

    settings = dj_database_url.parse(database_url)
    try:
        server = psycopg2.connect(
            dbname="postgres",
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
        )
    except psycopg2.OperationalError as error:
        sys.exit(
            f"The benchmark needs PostgreSQL ({database_url}), which does not answer:\n{error}"
        )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    server.close()

    os.environ.update(DJANGO_ENV, DATABASE_URL=database_url)
    os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from releases.models import PressRelease

    call_command("migrate", interactive=False, verbosity=0)
    if PressRelease.objects.count() != releases:
        print(f"Generating {releases} releases (seed {CONFIG['seed']}) …", flush=True)
        call_command(
            "generate_bench_data",
            releases=releases,
            seed=CONFIG["seed"],
            clear=True,
        )
    call_command("collectstatic", interactive=False, verbosity=0)

    pages, missing = [], []
    for name, address in PAGES:
        path = address()
        (pages.append((name, path)) if path else missing.append(name))
    return pages, missing


def in_process_checks(pages):
    """Measured inside Django (cache off): queries per page, the admin release list."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    checks = {"queries": {}}
    client = Client()
    for name, path in pages:
        # Twice: the first visit also counts what is then kept for every page of its kind
        # (the archive's counts, releases.cache.remembered); the second is the page's own cost.
        counted = []
        for _visit in range(2):
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            counted.append(len(queries))
        if status == 200:  # an error page's queries say nothing about the page
            checks["queries"][name] = counted
        else:
            print(f"  {name}: status {status}, its queries are not counted", flush=True)

    checks["admin"] = admin_list_check()
    checks["search"] = search_at_scale()
    from django.db import connections

    connections.close_all()
    return checks


def admin_list_check(requests=20):
    """The admin release list as staff use it: plain, searched (a common and a rare term), filtered
    by a topic, and its last page (the deepest offset). Median and maximum of `requests` requests
    after two warm-ups, and the queries of each."""
    from django.contrib.admin import site
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from releases.models import PressRelease, Topic

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    releases = PressRelease.objects.count()
    last_page = max(1, -(-releases // site.get_model_admin(PressRelease).list_per_page))
    topic = Topic.objects.order_by("pk").first()
    base = "/admin/releases/pressrelease/"
    lists = {
        "plain": base,
        "search, common term": f"{base}?q={quote('Fachkräfte')}",
        "search, rare term": f"{base}?q=Quantensensorik",
        "topic filter": f"{base}?topics__id__exact={topic.pk}" if topic else None,
        "last page": f"{base}?p={last_page}",
    }
    results = {}
    for name, url in lists.items():
        if url is None:
            continue
        timings = []
        for _ in range(requests + 2):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status = client.get(url).status_code
                timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "status": status,
            "median_ms": statistics.median(timings[2:]),
            "max_ms": max(timings[2:]),
            "queries": len(queries),
        }
    return {"releases": releases, "requests": requests, "last_page": last_page, "lists": results}


def search_at_scale():
    """search_check() on its own database of BENCH_SEARCH_RELEASES releases, in a process of its
    own (Django is set up once per process, with one database)."""
    output = WORK / "search.json"
    output.unlink(missing_ok=True)
    print(f"Search check on {CONFIG['search_releases']} releases …", flush=True)
    subprocess.run([sys.executable, __file__, "search", str(output)], check=True)
    return json.loads(output.read_text())


def search_main(output):
    prepare_database(CONFIG["search_database_url"], CONFIG["search_releases"])
    Path(output).write_text(json.dumps(search_check()))


def search_check():
    """p95 of the first page of a search in-process (search.Hits[0:20]: the newest matches
    ranked, the page's 20 hits with their snippets), and the plan of the ranking; with the index
    scans of the archive's search pages (releases.search.index_scans). The plan must not read
    the releases table sequentially; for a common word walking the date order index is cheaper
    than the GIN index (releases/search.py)."""
    from releases.models import PressRelease
    from releases.search import Hits, index_scans

    queryset = PressRelease.objects.published()
    results = {}
    for term in ["Fachkräfte", "Quantensensorik"]:
        timings = []
        for _ in range(40):
            started = time.perf_counter()
            with index_scans():
                list(Hits(queryset.search(term), term, queryset)[0:20])
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        with index_scans():
            plan = queryset.search(term).ranked(term)[:20].explain()
        results[term] = {
            "p95_ms": timings[int(len(timings) * 0.95) - 1],
            "seq_scan": "Seq Scan on releases_pressrelease" in plan,
            "matches": queryset.search(term).count(),
            "releases": PressRelease.objects.count(),
            "plan": plan,
        }
    return results


# --- Over HTTP -----------------------------------------------------------------------------------


class Resources(HTMLParser):
    """What a browser loads for a page: stylesheets, scripts, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and {"stylesheet", "icon", "preload"} & set(
            (attrs.get("rel") or "").split()
        ):
            self.urls.append(attrs.get("href"))
        elif tag in ("script", "img", "source") and (attrs.get("src")):
            self.urls.append(attrs["src"])


def page_weight(port, path):
    """Bytes transferred (gzip, as browsers ask) for HTML, CSS and JS; requests; other hosts."""
    base = f"http://127.0.0.1:{port}"
    _status, headers, body = fetch(base + path, {"Accept-Encoding": "gzip"})
    html = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
    parser = Resources()
    parser.feed(html.decode())
    total, other_hosts, requests = len(body), 0, 1
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in (f"127.0.0.1:{port}", "localhost"):
            other_hosts += 1
            continue
        requests += 1
        _status, headers, content = fetch(base + parts.path, {"Accept-Encoding": "gzip"})
        if url.endswith((".css", ".js")):
            total += len(content)
    return {"bytes": total, "requests": requests, "other_hosts": other_hosts}


def conditional_get(port, path):
    url = f"http://127.0.0.1:{port}{path}"
    _status, headers, _body = fetch(url)
    etag, modified = headers.get("ETag"), headers.get("Last-Modified")
    status_etag = fetch(url, {"If-None-Match": etag})[0] if etag else None
    status_modified = fetch(url, {"If-Modified-Since": modified})[0] if modified else None
    return {
        "etag": etag,
        "last_modified": modified,
        "cache_control": headers.get("Cache-Control"),
        "304_etag": status_etag,
        "304_modified": status_modified,
    }


# --- Report --------------------------------------------------------------------------------------


def machine():
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.0f} GB RAM"
    return f"{os.cpu_count()} cores ({model or platform.processor()}), {memory}"


def fmt(number, digits=0):
    return "–" if number is None else f"{number:,.{digits}f}".replace(",", " ")


def table(pages, results):
    rows = [
        "| page | setup | req/s | p50 ms | p99 ms | non-2xx | × ceiling |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, _path in pages:
        ceiling = results.get(("static", name), {}).get("rps")
        for setup, label in SETUPS:
            line = results.get((setup, name))
            if not line:
                continue
            ratio = f"{line['rps'] / ceiling:.2f}" if ceiling else "–"
            errors = line["non_2xx"] + line["socket_errors"]
            rows.append(
                f"| {name} | {label} | {fmt(line['rps'])} | {fmt(line['p50'], 2)} | "
                f"{fmt(line['p99'], 2)} | {errors} | {ratio} |"
            )
    return "\n".join(rows)


def memory_lines(label, gunicorn):
    """Report lines on the workers' memory, and its growth over the last half of the run (%)."""
    if len(gunicorn.memory) < 2:
        return [], None
    first, middle, last = (
        gunicorn.memory[0],
        gunicorn.memory[len(gunicorn.memory) // 2],
        (gunicorn.memory[-1]),
    )

    def total(sample):
        return sum(sample[1]) / 1024

    growth = (total(last) - total(middle)) / total(middle) * 100
    lines = [f"- {label}: workers {len(last[1])}, RSS sum"]
    lines += [f"  - {sample[0]}: {total(sample):.1f} MB" for sample in (first, middle, last)]
    lines.append(f"  - growth over the last half of the run: {growth:+.1f} %")
    return lines, growth


def verdicts(pages, results, checks, weight, growth):
    names = {name for name, _ in pages}

    def worst(setup, key, among):
        values = [results[(setup, n)][key] for n in among if (setup, n) in results]
        return (min if key == "rps" else max)(values) if values else None

    archives = [n for n in ("archive, page 1", "archive, page 200") if n in names]
    detail = ["release detail"] if "release detail" in names else []
    ratios = [
        results[("proxy", n)]["rps"] / results[("static", n)]["rps"]
        for n in names
        if ("proxy", n) in results and ("static", n) in results
    ]
    lines = []

    def verdict(what, target, measured, ok):
        lines.append(f"| {what} | {target} | {measured} | {'met' if ok else '**not met**'} |")

    # Issue 17: pages that miss the page cache (bench/RESULTS.md, "Issue 17").
    for what, among, least_rps in [
        ("release detail", detail, 600),
        ("archive (pages 1 and 200)", archives, 500),
        ("search, common term", ["search, common term"], 200),
    ]:
        rps = worst("off", "rps", [n for n in among if n in names])
        cold = worst("cold", "rps", [n for n in among if n in names])
        if rps is not None:
            verdict(
                f"wrk, page cache off: {what}",
                f"≥ {least_rps} req/s",
                f"{rps:.0f} req/s (nothing kept, as after an edit: {cold or 0:.0f} req/s)",
                rps >= least_rps,
            )
    inprocess = checks["inprocess"]
    for what, among, most_ms in [
        (
            "release detail, archive pages 1 and 200, project page",
            [*detail, *archives, "project page"],
            4,
        ),
        ("search, common term + topic", ["search, common term + topic"], 10),
        ("sitemap, 1,000 releases", ["sitemap, 1,000 releases"], 10),
        ("feed", ["feed"], 5),
        (
            "admin: release list, change form",
            ["admin: release list", "admin: release change form"],
            40,
        ),
    ]:
        measured = [(n, inprocess[n]) for n in among if n in inprocess]
        if measured:
            verdict(
                f"in-process median: {what}",
                f"≤ {most_ms} ms",
                ", ".join(
                    f"{n} {r['median']:.1f} ms (after an edit {r['after_edit']:.1f})"
                    for n, r in measured
                ),
                all(r["median"] <= most_ms and r["status"] == 200 for _n, r in measured),
            )
    rps = worst("app", "rps", names)
    if rps is not None:
        verdict(
            "page from the app cache (every page)",
            "≥ 2 500 req/s",
            f"{rps:.0f} req/s (worst)",
            rps >= 2500,
        )
    if ratios:
        verdict(
            "nginx in front, share of the static ceiling",
            "≥ 50 %",
            f"{min(ratios) * 100:.0f} % (worst) … {max(ratios) * 100:.0f} %",
            min(ratios) >= 0.5,
        )
    search = checks["search"]
    slowest = max(result["p95_ms"] for result in search.values())
    verdict(
        f"search, ranked top 20 ({next(iter(search.values()))['releases']} releases)",
        "p95 ≤ 25 ms in-process, no sequential scan of the releases",
        ", ".join(
            f"„{term}“ p95 {result['p95_ms']:.1f} ms, "
            f"sequential scan {'yes' if result['seq_scan'] else 'no'}"
            for term, result in search.items()
        ),
        slowest <= 25 and not any(result["seq_scan"] for result in search.values()),
    )
    most = max(again for _first, again in checks["queries"].values())
    verdict(
        "database queries per public page (first visit → again, counts kept)",
        "≤ 4, independent of rows",
        ", ".join(
            f"{name} {first}" + (f" → {again}" if again != first else "")
            for name, (first, again) in checks["queries"].items()
        ),
        most <= 4,
    )
    admin = checks["admin"]
    lists = admin["lists"]
    queries = sorted({entry["queries"] for entry in lists.values()})
    verdict(
        f"admin release list ({admin['releases']} releases; median of {admin['requests']}; "
        f"last page = p {admin['last_page']})",
        "≤ 300 ms, queries independent of rows",
        "; ".join(f"{name} {entry['median_ms']:.0f} ms" for name, entry in lists.items())
        + f"; {'–'.join(map(str, queries))} queries",
        all(entry["status"] == 200 and entry["median_ms"] <= 300 for entry in lists.values())
        # The first and the last page: other rows, the same code, so the same queries.
        and lists["plain"]["queries"] == lists["last page"]["queries"],
    )
    if weight:
        verdict(
            "archive page weight",
            "≤ 50 KB HTML+CSS+JS, ≤ 15 requests, 0 other hosts",
            f"{weight['bytes'] / 1024:.1f} KB, {weight['requests']} requests, "
            f"{weight['other_hosts']} other hosts",
            weight["bytes"] <= 50 * 1024 and weight["requests"] <= 15 and not weight["other_hosts"],
        )
    if growth is not None:
        verdict(
            "gunicorn worker memory", "≤ 10 % growth, last half", f"{growth:+.1f} %", growth <= 10
        )
    return lines


def report(pages, missing, results, checks, conditional, weight, memory, started, load_avg):
    finished = datetime.datetime.now().astimezone()
    growths = [growth for _lines, growth in memory.values() if growth is not None]
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `bench/run` on {finished:%Y-%m-%d %H:%M %Z} "
        f"({(finished - started).total_seconds() / 60:.0f} minutes).",
        "",
        f"- Machine: {machine()}; load average before the run "
        f"{load_avg[0]:.2f} / {load_avg[1]:.2f} / {load_avg[2]:.2f} (1/5/15 min). "
        "wrk runs on the same machine and takes CPU from the server.",
        f"- Data: {checks['admin']['releases']} releases (`generate_bench_data --seed "
        f"{CONFIG['seed']}`), PostgreSQL, persistent connections (CONN_MAX_AGE 600, health "
        "checks).",
        f"- Load: wrk, {CONFIG['threads']} threads, {CONFIG['connections']} connections, "
        f"{CONFIG['warmup']} warm-up, then {CONFIG['duration']} per page and setup.",
        "- gunicorn: `allianz_site/gunicorn.conf.py` (sync workers, 2 per core), "
        "DJANGO_DEBUG=0, whitenoise; GUNICORN_MAX_REQUESTS=0 so that the workers live through "
        "the run. App cache: "
        + ("Redis (BENCH_REDIS_URL)" if CONFIG["redis_url"] else "each worker's memory")
        + ".",
        "- nginx: `bench/nginx.conf` with `deploy/nginx-site.conf` (the production site).",
        '- "page cache off": every page is built; the archive\'s counts (months, facets) are '
        "kept as in production (DJANGO_COUNTS_CACHE_SECONDS), and so are the rendered "
        "fragments keyed like their data (`{% remembered %}`): a page that misses the page "
        "cache finds them. robots.txt (no database, a small template) shows what the framework "
        "alone costs on this machine.",
        '- "nothing kept": the page cache off and DJANGO_COUNTS_CACHE_SECONDS=0, so every '
        "request is built like the first after an edit, or a search for words nobody searched "
        "before.",
    ]
    if missing:
        lines.append(f"- Not in the data, skipped: {', '.join(missing)}.")
    lines += ["", "## In-process", "", *checks["table"]]
    lines += ["", "## Requests", "", table(pages, results), "", "## Targets", ""]
    lines += ["| target | wanted | measured | |", "|---|---|---|---|"]
    lines += verdicts(pages, results, checks, weight, max(growths) if growths else None)
    lines += ["", "## Repeat visits", ""]
    for name, check in conditional.items():
        lines.append(
            f"- {name}: `ETag` {'yes' if check['etag'] else 'no'}, `Last-Modified` "
            f"{'yes' if check['last_modified'] else 'no'}, `Cache-Control: "
            f"{check['cache_control']}`; If-None-Match → {check['304_etag']}, "
            f"If-Modified-Since → {check['304_modified']}"
        )
    lines += ["", "## Memory of the gunicorn workers", ""]
    for memory_lines_, _growth in memory.values():
        lines += memory_lines_
    lines += ["", "## Search", ""]
    for term, result in checks["search"].items():
        lines.append(
            f"- „{term}“ ({result['matches']} of {result['releases']} releases match), ranked "
            f"first page with snippets in-process: p95 {result['p95_ms']:.1f} ms; the ranking reads "
            f"the releases sequentially: {'yes' if result['seq_scan'] else 'no'}; indexes read: "
            + ", ".join(sorted(set(re.findall(r" using (\w+)", result["plan"]))))
        )
    return "\n".join(lines) + "\n"


def main():
    started = datetime.datetime.now().astimezone()
    load_avg = os.getloadavg()
    for port in (GUNICORN_PORT, STATIC_PORT, PROXY_PORT):
        if not port_is_free(port):
            sys.exit(f"Port {port} is in use; choose BENCH_PORT.")
    WORK.mkdir(exist_ok=True)
    pages, missing = prepare_database()
    checks = in_process_checks(pages)
    import inprocess

    checks["table"], checks["inprocess"] = inprocess.table([*pages, *inprocess.admin_pages()])
    print("Pages:", ", ".join(f"{name} ({path})" for name, path in pages), flush=True)
    if missing:
        print("Not in the data, skipped:", ", ".join(missing), flush=True)

    results, conditional, memory, weight = {}, {}, {}, None
    html = WORK / "nginx" / "html"
    shutil.rmtree(html, ignore_errors=True)
    html.mkdir(parents=True)
    gunicorn = nginx = None
    try:
        print("\n== gunicorn, page cache off", flush=True)
        gunicorn = Gunicorn(page_cache=False)
        for name, path in pages:
            status, _headers, body = fetch(f"http://127.0.0.1:{GUNICORN_PORT}{path}")
            if status != 200:
                print(f"  {name}: status {status}", flush=True)
            (html / static_name(name)).write_bytes(body)
        gunicorn.sample_memory("off: start")
        load(GUNICORN_PORT, pages, "off", results, gunicorn)
        memory["off"] = memory_lines("page cache off", gunicorn)
        gunicorn.stop()

        print("\n== gunicorn, nothing kept", flush=True)
        gunicorn = Gunicorn(page_cache=False, keep=False)
        load(GUNICORN_PORT, pages, "cold", results, gunicorn)
        gunicorn.stop()

        print("\n== gunicorn, app cache", flush=True)
        gunicorn = Gunicorn(page_cache=True)
        gunicorn.sample_memory("app: start")
        for name, path in pages:
            conditional[name] = conditional_get(GUNICORN_PORT, path)
        load(GUNICORN_PORT, pages, "app", results, gunicorn)

        nginx = Nginx()
        print("\n== nginx, static file (ceiling)", flush=True)
        static_pages = [(name, "/" + static_name(name)) for name, _path in pages]
        load(STATIC_PORT, static_pages, "static", results)
        print("\n== nginx → gunicorn, proxy cache", flush=True)
        load(PROXY_PORT, pages, "proxy", results, gunicorn)
        if any(name == "archive, page 1" for name, _ in pages):
            weight = page_weight(PROXY_PORT, "/presse/")
        memory["app"] = memory_lines("app cache, then behind nginx", gunicorn)
    finally:
        if nginx:
            nginx.stop()
        if gunicorn and gunicorn.process.poll() is None:
            gunicorn.stop()

    text = report(pages, missing, results, checks, conditional, weight, memory, started, load_avg)
    # What follows KEPT_NOTES in the old file (the before/after of an issue) stays.
    old = CONFIG["output"].read_text() if CONFIG["output"].exists() else ""
    if KEPT_NOTES in old:
        text += "\n" + old[old.index(KEPT_NOTES) :]
    CONFIG["output"].write_text(text)
    print("\n" + text)
    print(f"Written to {CONFIG['output']}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["search"]:
        search_main(sys.argv[2])
    elif sys.argv[1:2] == ["inprocess"]:  # the in-process table alone (bench/inprocess.py)
        import inprocess

        inprocess.main(sys.argv[2:])
    else:
        main()
