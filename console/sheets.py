"""The company administrator's spreadsheets of a property: for each data set (buildings,
units, households and residents, staff, the service catalogue) a template to download,
an export of what is stored in the same columns, and an upload that is first shown row
by row (created, changed, the same, refused with the column and the reason) and then
imported all or nothing. The uploaded file waits between the preview and the import in
the default storage, under a name only its uploader's session knows."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from base.errors import DomainError, InvalidInput
from estates.models import Property
from onboarding.imports import DATASETS, Plan, dataset, import_apply, import_plan, sheet_file
from onboarding.sheets import FILE_MAX, read
from people.access import setup_at

PREVIEW_ROWS = 500  # the rows shown; the counts cover them all


def download(prop: Property, code: str, fmt: str, *, template: bool) -> HttpResponse:
    content, content_type, name = sheet_file(prop, code, fmt, template=template)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request: HttpRequest, prop: Property, **extra: Any) -> HttpResponse:
    plan: Plan | None = extra.get("plan")
    context = {
        "property": prop,
        "datasets": list(DATASETS.values()),
        "chosen": extra.get("chosen", ""),
        "plan": plan,
        "shown": plan.rows[:PREVIEW_ROWS] if plan else [],
        "counts": {a: plan.count(a) for a in ("create", "change", "same", "refuse")} if plan else {},
        "token": extra.get("token", ""),
        "error": extra.get("error", ""),
    }
    return render(request, "console/sheets.html", context, status=extra.get("status", 200))


def _stored(request: HttpRequest, token: str) -> tuple[str, bytes]:
    kept = request.session.get("imports", {}).get(token)
    if not re.fullmatch(r"[0-9a-f]{32}", token) or not kept:
        raise InvalidInput(_("The file to import has expired; upload it again."), field="file")
    try:
        with default_storage.open(kept["path"]) as f:
            return kept["name"], f.read()
    except OSError:
        raise InvalidInput(_("The file to import has expired; upload it again."), field="file") from None


def _forget(request: HttpRequest, token: str) -> None:
    kept = request.session.get("imports", {}).pop(token, None)
    request.session.modified = True
    if kept:
        default_storage.delete(kept["path"])


@login_required
@require_http_methods(["GET", "POST"])
def sheets(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the data sets, or with ``template``/``export`` and ``format`` a download;
    POST ``preview`` (a file) or ``import`` (the previewed file's token, or a file)."""
    user, prop = setup_at(request.user, code)
    if request.method != "POST":
        for kind in ("template", "export"):
            if request.GET.get(kind):
                return download(prop, request.GET[kind], request.GET.get("format", "xlsx"), template=kind == "template")
        return _page(request, prop)
    chosen = request.POST.get("dataset", "")
    token = request.POST.get("token", "")
    try:
        dataset(chosen)
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size and upload.size > FILE_MAX:
                raise InvalidInput(_("The file is larger than 20 MB."), field="file")
            name, content = upload.name or "", upload.read()
        elif token:
            name, content = _stored(request, token)
        else:
            raise InvalidInput(_("Choose a file to upload."), field="file")
        rows = read(name, content, dataset(chosen).columns)
        if request.POST.get("action") == "import":
            plan = import_apply(by=user, prop=prop, code=chosen, rows=rows)
            if token:
                _forget(request, token)
            messages.success(
                request,
                _("Imported: %(created)d created, %(changed)d changed, %(same)d the same.")
                % {"created": plan.count("create"), "changed": plan.count("change"), "same": plan.count("same")},
            )
            return redirect(reverse("console:sheets", args=[prop.code]))
        plan = import_plan(by=user, prop=prop, code=chosen, rows=rows)
        if upload is not None and not plan.refused:
            token = uuid.uuid4().hex
            ext = "xlsx" if content[:4] == b"PK\x03\x04" else "csv"
            path = default_storage.save(f"imports/{user.pk}-{token}.{ext}", ContentFile(content))
            request.session.setdefault("imports", {})[token] = {"path": path, "name": name}
            request.session.modified = True
        return _page(request, prop, chosen=chosen, plan=plan, token=token if not plan.refused else "")
    except DomainError as e:
        plan = None
        if e.code == "rows_refused":
            plan = import_plan(by=user, prop=prop, code=chosen, rows=rows)
        return _page(request, prop, chosen=chosen, plan=plan, error=e.message, status=e.status)
