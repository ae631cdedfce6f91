from .admin_records import PlacementAdmin  # noqa: F401 (registers the admin class)
