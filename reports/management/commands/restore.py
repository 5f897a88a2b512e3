from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.backup import BackupError, restore_backup, verify_documents


class Command(BaseCommand):
    help = (
        "Restore an archive written by manage.py backup into an empty installation (a new "
        "database, an empty media storage): the checksums are checked first, and every issued "
        "document is verified afterwards against the SHA-256 it was issued with."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by manage.py backup.")

    def handle(self, *args, archive: str, **options) -> None:
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        try:
            manifest = restore_backup(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        intact, broken = verify_documents()
        if broken:
            raise CommandError(
                f"Restored, but {len(broken)} issued documents do not match their SHA-256: "
                f"{', '.join(broken[:20])}."
            )
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {intact} issued documents verified. "
            f"Run manage.py migrate if this Jejak is newer than the backup."
        )
