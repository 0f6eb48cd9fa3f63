"""`hustings import-units FILE.csv`: load units and regions from CSV."""

from hustings.members.actions import do_import_units
from hustings.members.management.commands._importing import ImportCommand


class Command(ImportCommand):
    """Create or update units from a CSV with columns unit_code, unit_name, region_name."""

    help = (
        "Create or update units (and their regions) from a CSV file with the columns unit_code, "
        "unit_name, region_name and optionally region_code. Existing units are matched by code."
    )
    importer = staticmethod(do_import_units)
