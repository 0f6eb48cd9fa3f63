"""What the two import commands share: reading the file, printing the report, the exit status."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hustings.members.actions import Upload
from hustings.members.importing import ImportFileError, ImportReport

Importer = Callable[..., ImportReport]

# Printing 600,000 reasons helps nobody; the first thousand show what is wrong with the file.
MAX_REPORTED = 1000


class ImportCommand(BaseCommand):
    """Import one CSV file and print every rejected row, then a summary."""

    importer: Importer
    noun = "rows"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the CSV file and --strict."""
        parser.add_argument("file", type=Path, help="the CSV file to import")
        parser.add_argument(
            "--strict", action="store_true", help="import nothing unless every row is good"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the import and report on it."""
        path: Path = options["file"]
        try:
            upload = Upload.from_path(path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            report = type(self).importer(
                None, upload, strict=options["strict"], actor_label=f"command line ({path.name})"
            )
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}") from None
        for row_error in report.errors[:MAX_REPORTED]:
            self.stderr.write(f"{path}:{row_error}")
        if len(report.errors) > MAX_REPORTED:
            self.stderr.write(f"{path}: … and {len(report.errors) - MAX_REPORTED} more")
        self.stdout.write(report.summary())
        if report.strict_refused:
            raise CommandError("nothing imported (--strict)", returncode=1)
