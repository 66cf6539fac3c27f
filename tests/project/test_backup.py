"""`manage.py backup` and `restore`: the database and the evidence files in one archive with a
checksum manifest. A backup is restored into a fresh database (PostgreSQL when the suite runs on
it, else a fresh SQLite file) by `manage.py restore` in another process, and the row counts and
file checksums compared; a damaged archive is refused before anything is touched."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ops.backup import MANIFEST
from tasks import services
from tasks.models import Evidence, ProgressReport

ROOT = Path(settings.BASE_DIR)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"backup" * 400
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 64


@pytest.fixture
def with_evidence(transactional_db, reporting):
    """Committed data (another process dumps it): a report with a PDF and an image attached."""
    r = reporting
    officer = r.users["xining_officer"]
    report = services.report_open(user=officer, assignment=r.xining, period=r.period)
    for name, content in (("调查报告.pdf", PDF), ("现场.png", PNG)):
        services.evidence_add(user=officer, report=report, upload=SimpleUploadedFile(name, content))
    return report


class FreshDatabase:
    """An empty database of the suite's kind, for `manage.py restore` in another process."""

    def __init__(self, tmp_path: Path):
        self.media = tmp_path / "restored-media"
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            db = connection.settings_dict
            self.name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            port = f":{db['PORT']}" if db.get("PORT") else ""
            self.url = f"postgres://{auth}@{db['HOST'] or 'localhost'}{port}/{self.name}"
        else:
            self.name = str(tmp_path / "restored.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def manage(self, *args) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "DEBUG"}}
        env.update(
            DJANGO_SETTINGS_MODULE="qhsta.settings.local",
            DATABASE_URL=self.url,
            MEDIA_ROOT=str(self.media),
            DB_CONN_MAX_AGE="0",
        )
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def counts(self) -> dict[str, int]:
        """Rows per table of the restored database, read by a plain driver."""
        if self.vendor == "postgresql":
            import psycopg2

            db = connection.settings_dict
            conn = psycopg2.connect(
                dbname=self.name,
                user=db["USER"],
                password=db.get("PASSWORD") or None,
                host=db["HOST"] or None,
                port=db.get("PORT") or None,
            )
            names_sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            import sqlite3

            conn = sqlite3.connect(self.name)
            names_sql = (
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        try:
            cursor = conn.cursor()
            cursor.execute(names_sql)
            names = [row[0] for row in cursor.fetchall()]
            result = {}
            for name in names:
                cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608
                result[name] = cursor.fetchone()[0]
            return result
        finally:
            conn.close()

    def drop(self):
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def fresh_database(transactional_db, tmp_path):
    database = FreshDatabase(tmp_path)
    yield database
    database.drop()


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        result = {}
        for name in names:
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608
            result[name] = cursor.fetchone()[0]
    return result


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile(MANIFEST).read())


def rewrite(archive: Path, target: Path, change) -> None:
    """Copy `archive` to `target`, passing each (TarInfo, bytes) through `change`."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            for info, content in change(member, data):
                info.size = len(content)
                dst.addfile(info, io.BytesIO(content))


def test_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    with_evidence, fresh_database, tmp_path
):
    archive = tmp_path / "qhsta.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == source_counts()  # every table, counted at the dump's instant
    assert manifest["tables"]["tasks_evidence"] == 2
    assert manifest["tables"]["tasks_progressreport"] == ProgressReport.objects.count() > 0
    assert manifest["warnings"] == []
    evidence = {e.file.name: e.sha256 for e in Evidence.objects.all()}
    for stored, digest in evidence.items():
        assert manifest["members"][f"media/evidence/{stored}"]["sha256"] == digest

    result = fresh_database.manage("restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout

    assert fresh_database.counts() == {
        t: n for t, n in manifest["tables"].items()
    }  # the same tables, the same rows
    for stored, digest in evidence.items():
        restored = fresh_database.media / "evidence" / stored
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == digest
    restored_files = {
        p.relative_to(fresh_database.media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in fresh_database.media.rglob("*")
        if p.is_file()
    }
    assert restored_files == {
        name.removeprefix("media/"): m["sha256"]
        for name, m in manifest["members"].items()
        if name.startswith("media/")
    }

    # restoring again over it is refused (no --replace): nothing is overwritten
    again = fresh_database.manage("restore", str(archive))
    assert again.returncode != 0 and "already has the portal's tables" in again.stderr


def test_check_reports_an_intact_archive(with_evidence, fresh_database, tmp_path):
    archive = tmp_path / "qhsta.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    result = fresh_database.manage("restore", "--check", str(archive))
    assert result.returncode == 0 and "is intact" in result.stdout
    assert fresh_database.counts() == {}


def damaged_dump(member, data):
    if member.name in ("database.dump", "database.sqlite3"):
        middle = len(data) // 2
        data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    yield member, data


def damaged_evidence(member, data):
    if member.name.startswith("media/evidence/") and member.name.endswith(".pdf"):
        data = data.replace(b"backup", b"forged", 1)
    yield member, data


def missing_file(member, data):
    if not member.name.startswith("media/"):
        yield member, data


def extra_file(member, data):
    yield member, data
    if member.name == MANIFEST:
        extra = tarfile.TarInfo("media/evidence/added.pdf")
        yield extra, PDF


def escaping_name(member, data):
    """A member that would be written outside MEDIA_ROOT, listed in a forged manifest."""
    if member.name == MANIFEST:
        manifest = json.loads(data)
        evil = hashlib.sha256(b"x").hexdigest()
        manifest["members"]["media/../../../tmp/qhsta-evil"] = {"sha256": evil, "size": 1}
        yield member, json.dumps(manifest).encode()
        yield tarfile.TarInfo("media/../../../tmp/qhsta-evil"), b"x"
    else:
        yield member, data


def damaged_manifest(member, data):
    yield member, (data[:-20] if member.name == MANIFEST else data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (damaged_dump, "does not match its checksum"),
        (damaged_evidence, "does not match its checksum"),
        (missing_file, "missing from the archive"),
        (extra_file, "which its manifest does not list"),
        (escaping_name, "outside its folders"),
        (damaged_manifest, "manifest"),
    ],
    ids=["dump", "evidence", "missing", "extra", "traversal", "manifest"],
)
def test_a_damaged_archive_is_refused_before_anything_is_touched(
    with_evidence, fresh_database, tmp_path, change, message
):
    archive = tmp_path / "qhsta.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar"
    rewrite(archive, damaged, change)
    result = fresh_database.manage("restore", str(damaged))
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert fresh_database.counts() == {}  # no table was created
    assert not fresh_database.media.exists()  # no file was written
    assert not (fresh_database.media / "../../../tmp/qhsta-evil").resolve().exists()


def test_a_truncated_archive_is_refused(with_evidence, fresh_database, tmp_path):
    archive = tmp_path / "qhsta.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    result = fresh_database.manage("restore", str(truncated))
    assert result.returncode != 0 and "nothing was restored" in result.stderr, result.stderr
    assert fresh_database.counts() == {}


def test_restore_refuses_a_database_that_has_data(with_evidence, tmp_path):
    archive = tmp_path / "qhsta.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = source_counts()
    with pytest.raises(CommandError, match="already has the portal's tables"):
        call_command("restore", str(archive))
    assert source_counts() == before


def test_backup_into_a_folder_names_the_archive_by_date(with_evidence, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path) + os.sep, stdout=out)
    [archive] = tmp_path.glob("qhsta-backup-*.tar")
    assert str(archive) in out.getvalue()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data: owner only
    assert not list(tmp_path.glob("*.partial"))
