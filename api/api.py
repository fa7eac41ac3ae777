"""The REST API: OpenAPI 3.1 at /api/openapi.json, docs at /api/docs (served locally)."""

from __future__ import annotations

from ninja import NinjaAPI

from api import errors
from api.auth import AUTH
from catalog.api import router as catalog_router
from notify.api import router as notify_router
from people.api import router as people_router
from tickets.api import router as tickets_router

api = NinjaAPI(
    title="Property service desk API",
    version="1",
    description=(
        "Repairs and other matters from intake to sign-off. Authenticate with a personal token "
        "(`POST /api/v1/auth/token`, then `Authorization: Bearer <token>`) or a browser session. "
        "Messages follow `Accept-Language` (zh-hans by default, en)."
    ),
    auth=AUTH,
    urls_namespace="api",
)
errors.install(api)
api.add_router("/v1/tickets", tickets_router)
api.add_router("/v1/catalog", catalog_router)
api.add_router("/v1/notifications", notify_router)
api.add_router("/v1", people_router)
