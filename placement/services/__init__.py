"""Placement services: recommendations, the clinician's decision, reviews, signatures,
documents, notifications and background work. Every write goes through these functions
(views, admin actions, commands and tasks are thin wrappers)."""
