from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("rules/<slug:name>/<int:version>/changes/", views.changes, name="changes"),
]
