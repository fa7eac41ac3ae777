from django.contrib import admin

from complaints.models import Complaint
from tickets.admin import ReadOnlyAdmin


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "severity", "department", "property"]
    list_filter = ["severity", "department", "property"]
