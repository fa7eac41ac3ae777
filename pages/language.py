"""Switching the language of the pages: for a signed-in person it is also the language
of every notice they are sent (people.User.language)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language

from people.access import is_active
from people.models import User


def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the person's account."""
    language = request.POST.get("language", "")
    if request.method == "POST" and is_active(request.user) and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).exclude(language=language).update(language=language)
    return set_language(request)
