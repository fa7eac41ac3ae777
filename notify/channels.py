"""The channels a delivery leaves by. E-mail goes through Django's mail (SMTP settings
from the environment). SMS goes through the office's own gateway. Group robots (WeCom,
DingTalk, Feishu) and JSON webhooks go by URL, through apprise, a well-kept
multi-channel library. A channel with nothing configured (no SMTP host, no SMS gateway)
keeps its messages in the local outbox page instead. A secret in an address never
reaches a log or an error."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from email.utils import make_msgid

import apprise
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from notify.models import Delivery


class ChannelError(Exception):
    """The channel refused or did not answer; the message is safe to show and to keep."""


def configured(channel: str) -> bool:
    """Whether the channel leaves the system; if not, its messages wait in the local outbox."""
    if channel == Delivery.Channel.EMAIL:
        return bool(settings.EMAIL_HOST)
    if channel == Delivery.Channel.SMS:
        return bool(settings.SMS_GATEWAY_URL)
    return True  # a robot has its own address


def send(delivery: Delivery) -> None:
    """Send one delivery; raises ChannelError if the channel refused or timed out."""
    if delivery.channel == Delivery.Channel.EMAIL:
        _email(delivery)
    elif delivery.channel == Delivery.Channel.SMS:
        extra = {":to": delivery.address, ":number": delivery.ticket.number if delivery.ticket else ""}
        _apprise(settings.SMS_GATEWAY_URL, delivery, extra)
    elif delivery.route is not None:
        _apprise(delivery.route.url, delivery, {})
    else:  # pragma: no cover - a robot delivery always has its route
        raise ChannelError("no address")


def _email(delivery: Delivery) -> None:
    message = EmailMessage(
        subject=delivery.subject or delivery.text[:60],
        body=delivery.text,
        to=[delivery.address],
        headers={"Message-ID": make_msgid(idstring=f"delivery-{delivery.pk}")},
    )
    try:
        message.send()
    except Exception as e:  # noqa: BLE001 - whatever the mail server said, as one error
        raise ChannelError(_("The mail server refused it: %(error)s") % {"error": str(e)[:200]}) from None


def _with_params(url: str, params: Mapping[str, str]) -> str:
    """The URL with more apprise arguments: ``:name`` adds a field to a JSON body,
    ``+Name`` a header."""
    if not params:
        return url
    joiner = "&" if "?" in url else "?"
    return url + joiner + urllib.parse.urlencode(params)


def _apprise(url: str, delivery: Delivery, extra: Mapping[str, str]) -> None:
    # The same delivery sent twice (a worker killed between sending and noting it) carries
    # the same key, so a gateway or webhook that looks at it can drop the second.
    params = dict(extra)
    if url.split("://", 1)[0] in ("json", "jsons"):
        params["+Idempotency-Key"] = f"delivery-{delivery.pk}"
    notifier = apprise.Apprise()
    if not notifier.add(_with_params(url, params)):
        raise ChannelError(_("This address is not understood."))
    with apprise.LogCapture(level=apprise.logging.WARNING) as logs:
        sent = notifier.notify(body=delivery.text, title=delivery.subject)
    if not sent:
        raise ChannelError(scrub(logs.getvalue().strip() or _("The channel did not take it."), url))


def scrub(text: str, url: str) -> str:
    """The text without the secret parts of ``url`` (its key, token, password, path)."""
    parsed = urllib.parse.urlsplit(url)
    secrets_ = [url, parsed.netloc, parsed.path, parsed.query, parsed.password or "", parsed.username or ""]
    secrets_ += re.findall(r"[A-Za-z0-9_\-]{6,}", parsed.netloc + parsed.path + parsed.query)
    for secret in sorted({s for s in secrets_ if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return " ".join(text.split())[:500]
