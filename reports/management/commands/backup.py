from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database (pg_dump on PostgreSQL, the SQLite file "
        "otherwise), every media file including the issued documents, and a manifest of "
        "SHA-256 checksums. Restore it with manage.py restore."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            default=".",
            help="The archive's path, or a folder to write jejak-backup-<time>.tar.gz into.",
        )

    def handle(self, *args, destination: str, **options) -> None:
        target = Path(destination)
        if target.is_dir():
            target = target / f"jejak-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        if target.exists():
            raise CommandError(f"{target} already exists; a backup never overwrites one.")
        try:
            manifest = write_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        media = sum(1 for member in manifest["files"] if member.startswith("media/"))
        self.stdout.write(f"Backup written: {target} (database and {media} media files).")
