"""gunicorn's settings, from the environment (docs/deploy.md): `make run` and the
systemd unit in deploy/ both start `gunicorn -c gunicorn.conf.py config.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("ADDRESS", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", min(4, multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("WEB_THREADS", 2))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))  # a monthly report's PDF takes a few seconds
graceful_timeout = 30
max_requests = 2000  # a worker is replaced now and then, so no leak grows for ever
max_requests_jitter = 200
accesslog = "-" if os.environ.get("ACCESS_LOG", "1") != "0" else None
errorlog = "-"
# The reverse proxy (docs/deploy.md) on this machine may tell who the client is.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
