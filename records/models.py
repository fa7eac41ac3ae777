"""The records the manuals keep besides tickets (docs/records.md).

The household archive (业户档案, R7.1-R7.2): each household's documents, opened only by the
service desk, every read written to an append-only access log. A department that must
reach a resident asks the desk to call for it (``CallRequest``) and never sees the number.

The key register (钥匙, R7.3-R7.4): the keys the office holds, each loan with its borrower,
purpose, due time and the borrower's signature, and its return; items handed over to a
resident against their signature."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from base.errors import Forbidden


class DocumentType(models.TextChoices):
    """The documents S2 §18 lists for a household's archive, and any other record."""

    COVENANT = "covenant", _("owner covenant")
    SERVICE_AGREEMENT = "service_agreement", _("preliminary service agreement")
    MOVE_IN = "move_in", _("move-in procedure and handover form")
    HOUSEHOLD_INFO = "household_info", _("household information form")
    DEFECTS = "defects", _("move-in defect list")
    RENOVATION_APPLICATION = "renovation_application", _("renovation application")
    UNDERTAKING = "undertaking", _("construction or self-renovation undertaking")
    RENOVATION_ACCEPTANCE = "renovation_acceptance", _("renovation completion acceptance")
    CONTRACTOR_LICENCE = "contractor_licence", _("contractor licence or certificate")
    DRAWINGS = "drawings", _("drawings")
    OTHER = "other", _("other record")


class Supplier(models.TextChoices):
    """Who handed the document to the archive (R7.1)."""

    BUILDER = "builder", _("builder")
    SERVICE_DESK = "service_desk", _("service desk")
    ENGINEERING = "engineering", _("engineering")
    RESIDENT = "resident", _("the household")
    OTHER = "other", _("other")


class ArchiveDocument(models.Model):
    """One document of a household's archive. The file is never served by URL: the desk
    opens it through ``records.services.document_open``, which writes the access row."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", verbose_name=_("property"))
    household = models.ForeignKey(
        "estates.Household", models.PROTECT, related_name="archive", verbose_name=_("household")
    )
    type = models.CharField(_("type"), max_length=30, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=100)
    supplied_by = models.CharField(_("supplied by"), max_length=20, choices=Supplier.choices)
    supplied_on = models.DateField(_("supplied on"))
    file = models.FileField(_("file"), upload_to="records/archive/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    added_by_name = models.CharField(_("added by"), max_length=50)

    class Meta:
        verbose_name = _("archive document")
        verbose_name_plural = _("archive documents")
        ordering = ["household", "type", "-supplied_on", "-id"]

    def __str__(self) -> str:
        return self.title


class AppendOnly(models.QuerySet):
    """Rows of a log: a bulk update or delete is refused (the database refuses it too on
    PostgreSQL, migration 0002)."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise Forbidden(gettext("The access log is kept as written: nobody edits or deletes it."))

    def delete(self):  # type: ignore[no-untyped-def]
        raise Forbidden(gettext("The access log is kept as written: nobody edits or deletes it."))


class ArchiveAccess(models.Model):
    """One read of a household's records (R7.2): who read, for whom (a head of another
    department the desk opened it for), when, what and why. Append-only."""

    class What(models.TextChoices):
        DETAILS = "details", _("personal details")
        DOCUMENT = "document", _("document")
        ADDED = "added", _("document added")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    household = models.ForeignKey("estates.Household", models.PROTECT, related_name="+")
    document = models.ForeignKey(ArchiveDocument, models.PROTECT, null=True, blank=True, related_name="accesses")
    what = models.CharField(_("what"), max_length=10, choices=What.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    by_name = models.CharField(_("read by"), max_length=50, help_text=_("Kept if the account goes."))
    for_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    for_name = models.CharField(_("read for"), max_length=50, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    objects = AppendOnly.as_manager()

    class Meta:
        verbose_name = _("archive access")
        verbose_name_plural = _("archive accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["property", "-id"], name="archive_access_log")]

    def __str__(self) -> str:
        return f"{self.by_name} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise Forbidden(gettext("The access log is kept as written: nobody edits or deletes it."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise Forbidden(gettext("The access log is kept as written: nobody edits or deletes it."))


class CallRequest(models.Model):
    """ "Please call": another department asks the desk to call a household for it (R7.2);
    the asker never sees the number. The desk calls and records what came of it."""

    class Status(models.TextChoices):
        OPEN = "open", _("to call")
        DONE = "done", _("called")
        UNREACHED = "unreached", _("not reached")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    household = models.ForeignKey("estates.Household", models.PROTECT, related_name="call_requests")
    ticket = models.ForeignKey("tickets.Ticket", models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.CharField(_("what to tell or ask"), max_length=500)
    asked_at = models.DateTimeField(_("asked at"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    asked_by_name = models.CharField(_("asked by"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    answered_by_name = models.CharField(_("called by"), max_length=50, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    key = models.CharField(max_length=100, blank=True, help_text="The form's one-time key.")

    class Meta:
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["property", "status", "asked_at"], name="call_request_queue")]
        constraints = [
            models.UniqueConstraint(fields=["asked_by", "key"], condition=~Q(key=""), name="call_request_key_unique")
        ]

    def __str__(self) -> str:
        return self.message[:40]

    @builtins.property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


# --- Keys (R7.3-R7.4) ---------------------------------------------------------------------


class Key(models.Model):
    """A key the office holds: of a unit (e.g. left for a renovation) or of a common area."""

    class Purpose(models.TextChoices):
        RENOVATION = "renovation", _("renovation")
        EMERGENCY = "emergency", _("emergency")
        COMMON = "common", _("common area")
        OTHER = "other", _("other")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", verbose_name=_("property"))
    code = models.CharField(_("key number"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey("estates.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    common_area = models.ForeignKey("estates.CommonArea", models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    kept_at = models.CharField(_("kept at"), max_length=100)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key")
        verbose_name_plural = _("keys")
        ordering = ["property", "code"]
        constraints = [models.UniqueConstraint(fields=["property", "code"], name="key_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class KeyLoan(models.Model):
    """One line of the key lending record (钥匙出借记录表, R7.4): key, borrower, purpose,
    time out, due back, the borrower's signature; time back and who received it. A key
    is out at most once at a time."""

    class Borrower(models.TextChoices):
        STAFF = "staff", _("staff")
        CONTRACTOR = "contractor", _("contractor")
        RESIDENT = "resident", _("resident")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    key = models.ForeignKey(Key, models.PROTECT, related_name="loans", verbose_name=_("key"))
    borrower_kind = models.CharField(_("borrower is"), max_length=12, choices=Borrower.choices)
    borrower_name = models.CharField(_("borrower"), max_length=50)
    borrower_phone = models.CharField(_("borrower's phone"), max_length=20, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    out_at = models.DateTimeField(_("time out"))
    due_at = models.DateTimeField(_("due back"))
    signature = models.FileField(_("borrower's signature"), upload_to="records/keys/%Y/%m/")
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    lent_by_name = models.CharField(_("lent by"), max_length=50)
    returned_at = models.DateTimeField(_("time back"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    received_by_name = models.CharField(_("received by"), max_length=50, blank=True)
    overdue_noticed_at = models.DateTimeField(null=True, blank=True, help_text="When the desk was told it is late.")
    form_key = models.CharField(max_length=100, blank=True, help_text="The form's one-time key.")

    class Meta:
        verbose_name = _("key loan")
        verbose_name_plural = _("key loans")
        ordering = ["-out_at", "-id"]
        indexes = [models.Index(fields=["property", "returned_at", "due_at"], name="key_loans_out")]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(returned_at__isnull=True), name="key_out_once"),
            models.UniqueConstraint(
                fields=["lent_by", "form_key"], condition=~Q(form_key=""), name="key_loan_form_key_unique"
            ),
            models.CheckConstraint(condition=Q(due_at__gt=models.F("out_at")), name="key_loan_due_after_out"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.borrower_name}"

    @builtins.property
    def is_out(self) -> bool:
        return self.returned_at is None

    @builtins.property
    def notice_key(self) -> str:
        return f"keyloan:{self.pk}:overdue"


class Handover(models.Model):
    """Keys, access cards, the residents' manual (物业使用手册) or other items handed to a
    resident, against their signature drawn on the screen (R7.3)."""

    class Item(models.TextChoices):
        KEYS = "keys", _("keys")
        ACCESS_CARD = "access_card", _("access card")
        MANUAL = "manual", _("residents' manual")
        REMOTE = "remote", _("garage remote")
        OTHER = "other", _("other item")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    household = models.ForeignKey("estates.Household", models.PROTECT, related_name="handovers")
    items = models.JSONField(_("items"), help_text="Item codes (Handover.Item).")
    detail = models.CharField(_("detail"), max_length=200, blank=True, help_text=_("e.g. 2 keys, card 0032"))
    received_by_name = models.CharField(_("received by"), max_length=50)
    signature = models.FileField(_("signature"), upload_to="records/handovers/%Y/%m/")
    handed_at = models.DateTimeField(_("handed over at"))
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    handed_by_name = models.CharField(_("handed over by"), max_length=50)
    form_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["handed_by", "form_key"], condition=~Q(form_key=""), name="handover_form_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.handed_at:%Y-%m-%d}"

    @builtins.property
    def item_labels(self) -> list[str]:
        return [str(self.Item(i).label) for i in self.items if i in self.Item.values]
