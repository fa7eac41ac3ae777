from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin
from followups.models import CorrectiveAction, FollowUp, FollowUpPolicy, ReviewDecision


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(PropertyScoped, admin.ModelAdmin):
    """The per-property windows and coverage (R6.1, R6.2) an administrator may change."""

    list_display = ["property", "service", "window_from_days", "window_to_days", "coverage_percent"]
    list_filter = ["property", "service"]


@admin.register(FollowUp)
class FollowUpAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "building", "purpose", "service", "status", "due_by", "assignee", "satisfaction"]
    list_filter = ["property", "purpose", "service", "status"]
    list_select_related = ["ticket", "building", "assignee"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["quarter", "property", "finding", "key", "action", "decided_by_name"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["title", "property", "owner", "due_on", "status"]
    list_filter = ["property", "status"]
