"""gunicorn settings: `gunicorn -c allianz_site/gunicorn.conf.py allianz_site.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the pages are short database reads; two per core keeps both cores busy
# while one worker waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))  # 0: never (bench/run)
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG")  # unset: no access log (nginx keeps one)
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
