from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Patients and assessments"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with django-auditlog)
