from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Patients and assessments"

    def ready(self) -> None:
        # Imported here because models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from .models import Assessment, Consent, Disclosure, Patient

        for model in (Patient, Assessment, Consent, Disclosure):
            auditlog.register(model)
