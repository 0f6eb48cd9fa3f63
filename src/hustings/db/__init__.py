"""Hustings' own database backends: Django's, with what production needs changed (see each)."""
