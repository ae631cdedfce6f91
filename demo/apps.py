from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: ``manage.py seed_demo`` (a small network of users, programs and patients,
    or a large generated one for benchmarks)."""

    name = "demo"
    verbose_name = "Demo data"
