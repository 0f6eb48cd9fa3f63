"""The organisation: regions, units (constituency parties) and the membership register."""
