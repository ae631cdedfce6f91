from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = "Placements"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Placement, Recommendation, Signature

        auditlog.register(Recommendation)
        auditlog.register(Placement)
        auditlog.register(Signature)
