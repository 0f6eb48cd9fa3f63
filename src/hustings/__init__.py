"""Hustings: internal elections for membership organisations."""
