"""Ballot files: BLT, CSV and JSON readers and writers, and the candidates' attributes CSV."""
