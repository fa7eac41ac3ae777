#!/usr/bin/env bash
# Serve the app on 127.0.0.1:8000 with the huey worker beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
"$BIN/python" manage.py run_huey --quiet &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Serving on http://127.0.0.1:8000  (API docs: /api/docs, admin: /admin/)"
DEBUG=${DEBUG:-1} "$BIN/python" manage.py runserver "${ADDRESS:-127.0.0.1:8000}" --noreload
