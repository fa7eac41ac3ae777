from django.contrib import admin

from assistance.models import Answer, ContingencyPlan, HelpRequest
from base.admin import PropertyScoped, ReadOnlyAdmin


@admin.register(HelpRequest)
class HelpRequestAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "category", "option", "property"]
    list_filter = ["category", "property"]


@admin.register(Answer)
class AnswerAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "written", "answered_by_name", "answered_at"]


@admin.register(ContingencyPlan)
class ContingencyPlanAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["title", "category", "property", "uploaded_at"]
    list_filter = ["category", "property"]
