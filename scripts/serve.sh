#!/usr/bin/env bash
# Serve the app with gunicorn and the huey worker beside it; Ctrl-C stops both.
# On 127.0.0.1:8000 unless ADDRESS says otherwise; then ALLOWED_HOSTS (and, for forms,
# CSRF_TRUSTED_ORIGINS) name how the office reaches it. DEBUG stays off: see `make dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export ADDRESS=${ADDRESS:-127.0.0.1:8000}
host=${ADDRESS%:*}
# The demo has no SMS gateway: residents' sign-in codes are read in the local outbox, on
# this machine only. Served to the office LAN, codes need a gateway (docs/residents.md).
if [ "$host" = "127.0.0.1" ] || [ "$host" = "localhost" ]; then
  export SIGN_IN_CODES_IN_OUTBOX=${SIGN_IN_CODES_IN_OUTBOX:-1}
fi
if [ "$host" != "127.0.0.1" ] && [ "$host" != "localhost" ] && [ -z "${ALLOWED_HOSTS:-}" ]; then
  echo "ADDRESS=$ADDRESS is reachable from other machines: set ALLOWED_HOSTS to the names or addresses" >&2
  echo "the office uses (e.g. ALLOWED_HOSTS=192.168.1.20,desk.office.lan) and CSRF_TRUSTED_ORIGINS" >&2
  echo "to http://those-names:port. See docs/deploy.md." >&2
  exit 2
fi
"$BIN/python" manage.py run_huey --quiet &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Serving on http://$ADDRESS  (API docs: /api/docs, admin: /admin/, health: /health/)"
"$BIN/gunicorn" -c gunicorn.conf.py config.wsgi
