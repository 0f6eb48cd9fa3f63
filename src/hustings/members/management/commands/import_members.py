"""`hustings import-members FILE.csv [--strict]`: load the membership register from CSV."""

from hustings.members.actions import do_import_members
from hustings.members.management.commands._importing import ImportCommand


class Command(ImportCommand):
    """Create or update members, matched by membership number, from a CSV register."""

    help = (
        "Create or update members from a CSV register, matched by membership number. Required "
        "columns: membership_number, name, unit_code, joined_on. Optional: email, "
        "address_line_1, address_line_2, address_line_3, town, postcode, paid_until, gender, "
        "gender_self_description. Dates are YYYY-MM-DD or DD/MM/YYYY. Every bad row is reported "
        "by line; the good rows are loaded unless --strict is given."
    )
    importer = staticmethod(do_import_members)
