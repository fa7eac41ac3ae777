from django.urls import path

from settlement import views

app_name = "settlement"
urlpatterns = [
    path("t/<str:number>/charge/", views.charge, name="charge"),
    path("desk/<str:code>/finance/", views.finance, name="finance"),
    path("receipts/<str:receipt_no>.pdf", views.receipt_print, name="receipt"),
]
