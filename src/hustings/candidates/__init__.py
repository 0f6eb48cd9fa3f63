"""Candidacies (declarations, statements, photos) and slates."""
