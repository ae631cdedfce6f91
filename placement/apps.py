from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = "Placements"

    def ready(self) -> None:
        # Imported here because models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from intake import ports
        from rulesets import ports as rule_set_ports

        from .models import Placement, Recommendation, Signature
        from .selectors import latest_profiles
        from .services.recommendations import recommendation_compute

        ports.provide(recommend=recommendation_compute)
        rule_set_ports.provide(stored_profiles=latest_profiles)

        auditlog.register(Recommendation)
        auditlog.register(Placement)
        auditlog.register(Signature)
