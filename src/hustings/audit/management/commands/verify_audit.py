"""`hustings verify-audit`: recompute every hash in the audit log and report the first fault."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hustings.audit.chain import verify_chain
from hustings.audit.models import ChainHead


class Command(BaseCommand):
    """Verify the audit chain; exit 1 if any event fails."""

    help = "Recompute every hash in the audit log, print the newest hash, and fail on any fault."

    def handle(self, *args: Any, **options: Any) -> None:
        """Verify and report."""
        report = verify_chain()
        if not report.ok:
            raise CommandError(str(report), returncode=1)
        self.stdout.write(str(report))
        head = ChainHead.objects.filter(pk=1).first()
        if head is not None and head.seq:
            self.stdout.write(f"newest event #{head.seq}, hash {head.hash}")
