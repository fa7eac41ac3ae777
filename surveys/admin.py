from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin, ReadOnlyInline
from surveys.models import Survey, SurveyAnswer, SurveyPlan, SurveyQuestion, SurveyScore


@admin.register(SurveyPlan)
class SurveyPlanAdmin(PropertyScoped, admin.ModelAdmin):
    """How often each property surveys its residents (R8.3), editable by an administrator."""

    list_display = ["property", "every_months", "days_open", "active"]
    list_filter = ["every_months", "active"]


class QuestionInline(ReadOnlyInline):
    model = SurveyQuestion
    fields = ["position", "text", "action"]


@admin.register(Survey)
class SurveyAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["title", "property", "opens_on", "closes_on", "opened_by_name"]
    list_filter = ["property"]
    inlines = [QuestionInline]


class ScoreInline(ReadOnlyInline):
    model = SurveyScore
    fields = ["question", "score"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(PropertyScoped, ReadOnlyAdmin):
    """Answers are written by the residents' pages and the desk only (one per household)."""

    list_display = ["survey", "household", "method", "answered_on", "recorded_by_name"]
    list_filter = ["property", "method"]
    list_select_related = ["survey", "household"]
    inlines = [ScoreInline]
