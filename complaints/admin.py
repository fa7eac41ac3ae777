from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin
from complaints.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "severity", "department", "property"]
    list_filter = ["severity", "department", "property"]
