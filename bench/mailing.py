"""A mailing to 2,000 journalists through a real SMTP server on loopback (aiosmtpd), sent by
`manage.py send_mailings` as cron would run it: mails per second, peak memory, and whether every
address got exactly one mail. Run from the repository:

    .venv/bin/python bench/mailing.py            # BENCH_RECIPIENTS=500 for a short run

Uses a fresh SQLite database and media folder in a temporary directory, with the demo content;
the release is the demo's one under embargo, so each recipient also gets a personal embargo link
(one more row and one more UPDATE per mail). The throttle (DJANGO_MAILING_RATE, 5 a second by
default) is lifted, so the figure is what the code and the SMTP dialogue cost; in production the
throttle decides. The run is timed without tracemalloc (it slows Python down); a second mailing
of the same release to the same list, deliberately sent again, is measured with it.
"""

import collections
import logging
import os
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = tempfile.mkdtemp(prefix="mailing-bench-")
RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "2000"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="allianz_site.settings",
    DATABASE_URL=f"sqlite:///{work}/db.sqlite3",
    DJANGO_MEDIA_ROOT=f"{work}/media",
    DJANGO_DEBUG="0",  # with DEBUG on, Django keeps every query in memory
    DJANGO_SECRET_KEY="mailing-benchmark-only",
    DJANGO_SITE_URL="https://presse.example.de",
    DJANGO_ALLOWED_HOSTS="localhost",
)

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from contacts.models import DistributionList, Journalist  # noqa: E402
from releases.models import Mailing, PressRelease  # noqa: E402


class Counter:
    """An SMTP server's handler that counts the mails per recipient and their bytes."""

    def __init__(self):
        self.per_address = collections.Counter()
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.per_address.update(envelope.rcpt_tos)
            self.bytes += len(envelope.content)
        return "250 Message accepted"


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def press_list():
    regional = DistributionList.objects.create(name="Alle Redaktionen")
    Journalist.objects.bulk_create(
        Journalist(
            email=f"redaktion{number:04d}@zeitung{number % 50}.example",
            first_name="Erika",
            last_name=f"Beispiel {number}",
            basis_source="Benchmark",
        )
        for number in range(RECIPIENTS)
    )
    regional.members.set(Journalist.objects.all())
    return regional


def mailing(release, regional):
    started = time.perf_counter()
    mailing = Mailing.objects.create(release=release)
    mailing.lists.set([regional])
    mailing.start()
    return mailing, time.perf_counter() - started


def send():
    started = time.perf_counter()
    call_command("send_mailings", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return time.perf_counter() - started


def main():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    [release] = PressRelease.objects.scheduled()
    regional = press_list()

    counter = Counter()
    server = Controller(counter, hostname="127.0.0.1", port=free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.MAILING_RATE_PER_SECOND = 1_000_000  # unthrottled: what the code costs

    load = os.getloadavg()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first, start_seconds = mailing(release, regional)
    seconds = send()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    progress = first.progress()
    exactly_once = (
        len(counter.per_address) == RECIPIENTS
        and set(counter.per_address.values()) == {1}
        and set(counter.per_address) == set(Journalist.objects.values_list("email", flat=True))
        and progress["sent"] == RECIPIENTS
    )
    average_size = counter.bytes / max(1, sum(counter.per_address.values()))

    second, _ = mailing(release, regional)  # the same again, deliberately: under tracemalloc
    tracemalloc.start()
    send()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    twice = set(counter.per_address.values()) == {2} and second.progress()["sent"] == RECIPIENTS
    server.stop()

    print(f"recipients: {RECIPIENTS}, release under embargo: {release.title}")
    print(
        f"load average before: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}, cores: {os.cpu_count()}"
    )
    print(f"Mailing.start (one delivery row per address): {start_seconds:.2f} s")
    print(f"send_mailings: {seconds:.1f} s, {RECIPIENTS / seconds:.0f} mails/s")
    print(f"average mail: {average_size / 1024:.1f} KB (HTML + text)")
    print(
        f"peak RSS of the process: {rss_after / 1024:.0f} MB (before the mailing {rss_before / 1024:.0f} MB)"
    )
    print(
        f"peak Python allocations during send_mailings (tracemalloc): {peak / 1024 / 1024:.1f} MB"
    )
    print(f"every address exactly one mail: {'yes' if exactly_once else 'NO'}")
    print(f"sent again deliberately: every address exactly one more: {'yes' if twice else 'NO'}")
    return 0 if exactly_once and twice else 1


if __name__ == "__main__":
    sys.exit(main())
