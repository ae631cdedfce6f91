"""Fictional demo data at network scale (``manage.py seed_demo --patients N``). Never loaded
in production: ``seed_demo`` refuses to run under production settings."""
