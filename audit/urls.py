from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.audit_log, name="log"),
    path("audit/export/", views.audit_export, name="export"),
    path("audit/exports/<int:pk>/", views.export_status, name="export_status"),
    path("audit/exports/<int:pk>/download/", views.export_download, name="export_download"),
]
