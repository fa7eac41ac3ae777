from django.contrib import admin

from base.admin import ReadOnlyAdmin
from complaints.models import Complaint
from people.admin import PropertyScoped


@admin.register(Complaint)
class ComplaintAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "severity", "department", "property"]
    list_filter = ["severity", "department", "property"]
