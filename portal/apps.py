from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Pages that compose several apps (the home page, a patient's page, an assessment read
    whole): the top layer, which any app below may be shown on and none imports."""

    name = "portal"
    verbose_name = "Pages"
