"""The REST API: OpenAPI 3.1 at /api/openapi.json, docs at /api/docs (served locally)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from announcements.api import router as announcements_router
from api import errors
from api.auth import AUTH
from assistance.api import router as plans_router
from catalog.api import router as catalog_router
from contacts.api import router as contacts_router
from duty.api import router as duty_router
from notify.api import outbox_router
from notify.api import router as notify_router
from onboarding.api import router as setup_router
from people.api import router as people_router
from records.api import keys_router
from records.api import router as records_router
from repairs.api import router as repairs_router
from residents.api import router as residents_router
from settlement.api import router as settlement_router
from tickets.api import router as tickets_router


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8 (3 bytes a character) rather than ``\\uXXXX`` escapes (6):
    half the size of a ticket list on a resident's slow phone."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Property service desk API",
    version="1",
    description=(
        "Repairs and other matters from intake to sign-off. Authenticate with a personal token "
        "(`POST /api/v1/auth/token`, then `Authorization: Bearer <token>`) or a browser session. "
        "Messages follow `Accept-Language` (zh-hans by default, en)."
    ),
    auth=AUTH,
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
)
errors.install(api)
api.add_router("/v1/tickets", tickets_router)
api.add_router("/v1/tickets", repairs_router)
api.add_router("/v1/catalog", catalog_router)
api.add_router("/v1/contacts", contacts_router)
api.add_router("/v1/notifications", notify_router)
api.add_router("/v1/outbox", outbox_router)
api.add_router("/v1/plans", plans_router)
api.add_router("/v1/announcements", announcements_router)
api.add_router("/v1/setup", setup_router)
api.add_router("/v1", people_router)
api.add_router("/v1", residents_router)
api.add_router("/v1", records_router)
api.add_router("/v1", keys_router)
api.add_router("/v1", settlement_router)
api.add_router("/v1/duty", duty_router)
