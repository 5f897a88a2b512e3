"""The backup drill: back up, wipe, restore, and every issued document still verifies."""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from milestones.models import Evidence
from reports.backup import media_names
from reports.models import GeneratedDocument
from reports.services import issue_project_report
from tests.milestones.factories import MilestoneFactory, file_evidence
from tests.milestones.files import make_pdf
from tracker.models import ChangeProject, User


def _sha256(name: str) -> str:
    with default_storage.open(name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def _wipe() -> None:
    call_command("flush", "--no-input", verbosity=0)
    for name in list(media_names()):
        default_storage.delete(name)


@pytest.fixture
def issued(world):
    """Two issued documents and an evidence file, with their codes and checksums."""
    documents = [
        issue_project_report(project=world.project, by=world.admin),
        issue_project_report(project=world.other_project, by=world.admin),
    ]
    evidence = file_evidence(MilestoneFactory(project=world.project), make_pdf("Notulen"))
    return {
        "documents": {doc.code: (doc.sha256, doc.file.name) for doc in documents},
        "evidence": (evidence.pk, evidence.sha256, evidence.file.name),
    }


def _drill(client, issued, tmp_path) -> str:
    archive = tmp_path / "jejak.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    _wipe()
    assert not User.objects.exists() and list(media_names()) == []

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert User.objects.count() > 0
    restored = {doc.code: (doc.sha256, doc.file.name) for doc in GeneratedDocument.objects.all()}
    assert restored == issued["documents"]
    for code, (sha256, name) in issued["documents"].items():
        assert _sha256(name) == sha256
        page = client.get(reverse("reports:verify", args=[code]))
        assert page.status_code == 200
        assert sha256 in page.content.decode()
    pk, sha256, name = issued["evidence"]
    assert Evidence.objects.get(pk=pk).file.name == name
    assert _sha256(name) == sha256
    return out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_wipe_restore_and_every_document_still_verifies(client, issued, tmp_path):
    output = _drill(client, issued, tmp_path)
    assert "2 issued documents verified" in output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_drill_with_media_on_object_storage(client, world, s3_media, tmp_path):
    documents = [issue_project_report(project=world.project, by=world.admin)]
    evidence = file_evidence(MilestoneFactory(project=world.project), make_pdf("Notulen S3"))
    issued = {
        "documents": {doc.code: (doc.sha256, doc.file.name) for doc in documents},
        "evidence": (evidence.pk, evidence.sha256, evidence.file.name),
    }
    assert "1 issued documents verified" in _drill(client, issued, tmp_path)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_archive_holds_a_manifest_with_every_files_checksum(issued, tmp_path):
    archive = tmp_path / "jejak.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    import json

    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
        members = set(opened.getnames())
    database = "database.dump" if manifest["database"] == "postgresql" else "database.sqlite3"
    assert set(manifest["files"]) | {"manifest.json"} == members
    assert database in manifest["files"]
    for _sha, name in issued["documents"].values():
        assert manifest["files"][f"media/{name}"] == _sha256(name)
    assert manifest["migrations"]["tracker"].startswith("00")
    with pytest.raises(CommandError, match="never overwrites"):
        call_command("backup", str(archive), verbosity=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_an_installation_that_has_data(issued, tmp_path):
    archive = tmp_path / "jejak.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    ChangeProject.objects.filter(pk__in=ChangeProject.objects.values("pk")[:1]).update(
        title="Diubah setelah cadangan"
    )
    with pytest.raises(CommandError, match="already has data"):
        call_command("restore", str(archive), verbosity=0)
    assert ChangeProject.objects.filter(title="Diubah setelah cadangan").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_archive_is_refused_before_anything_changes(issued, tmp_path):
    archive = tmp_path / "jejak.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("media/documents/"):
                content = content.replace(b"%PDF", b"%PDX", 1)
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    _wipe()
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged), verbosity=0)
    assert not User.objects.exists() and list(media_names()) == []


def test_restore_of_something_that_is_no_backup_is_refused(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as target:
        target.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a Jejak backup"):
        call_command("restore", str(bogus), verbosity=0)
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), verbosity=0)


def test_pg_dump_missing_is_named_with_its_package(db, monkeypatch, tmp_path):
    from reports import backup

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="apt-get install postgresql-client"):
        backup._run_client(["pg_dump", "--version"])
