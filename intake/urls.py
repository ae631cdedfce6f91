from django.urls import path

from . import views, wizard

app_name = "intake"

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("assessments/<int:pk>/steps/<slug:step>/", wizard.assessment_step, name="assessment_step"),
    path(
        "assessments/<int:pk>/steps/<slug:step>/suggest/",
        wizard.step_suggest,
        name="step_suggest",
    ),
    path("patients/<int:pk>/consents/", views.consents, name="consents"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("patients/<int:pk>/disclosures/", views.disclosures, name="disclosures"),
]
