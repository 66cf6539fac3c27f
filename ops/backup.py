"""Backups: the database and the uploaded files together in one archive, with a checksum manifest.

An archive is an uncompressed tar (the database dump is compressed already, and so are PDFs and
images) holding:

    manifest.json      what is in the archive: SHA-256 and size of every other member, the row
                       count of every table, the migrations applied, when and from what
    database.dump      PostgreSQL: `pg_dump --format=custom` (restored with pg_restore)
    database.sqlite3   SQLite: a copy made with SQLite's online backup API
    media/…            every file under MEDIA_ROOT (the evidence files)

Consistency: on PostgreSQL the row counts are taken in a REPEATABLE READ transaction whose
snapshot pg_dump then uses (`--snapshot`), so the dump and the counts are the same instant, taken
while the portal keeps running. Files are copied after that instant: an evidence file is written
before its row is committed and never changed afterwards (stored under a random name), so every
file a dumped row names is in the archive; each one is checked against the SHA-256 its row
recorded at upload.

`restore` reads the whole archive and checks every member against the manifest (and the
manifest against the archive: nothing missing, nothing extra, no name leaving its folder) before
it touches the database or a file; then it loads the database, writes the files, and counts the
rows again against the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    tables: dict[str, int]
    files: int
    bytes: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    tables: dict[str, int]
    files_written: int
    files_kept: int


# ---- helpers ------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


def _pg_env_and_args() -> tuple[dict, list[str]]:
    """Environment and connection arguments for pg_dump/pg_restore from the Django settings."""
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS", {})
    if options.get("options"):  # e.g. "-c search_path=…" (a schema of its own)
        env["PGOPTIONS"] = options["options"]
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    env["PGCONNECT_TIMEOUT"] = str(options.get("connect_timeout", 10))
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, [*args, "--dbname", str(db["NAME"])]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client of the server's major "
            "version (Debian: apt-get install postgresql-client)"
        )
    return path


def _table_names() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _count_rows(tables: list[str]) -> dict[str, int]:
    qn = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")  # noqa: S608 -- a quoted table name
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrations_applied() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return {}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
        return applied


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.name != ".gitkeep"
    )


def _evidence_rows() -> list[tuple[str, str]]:
    """(stored name, SHA-256 at upload) of every evidence row, if the table exists."""
    from tasks.models import Evidence

    if Evidence._meta.db_table not in _table_names():
        return []
    return list(Evidence.objects.values_list("file", "sha256"))


# ---- backup -------------------------------------------------------------------------------


class _Hashing:
    """A file object that hashes what is read from it (the bytes that go into the archive)."""

    def __init__(self, fh):
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    """Add one file to the archive; returns its manifest entry (SHA-256 of the bytes written)."""
    with path.open("rb") as fh:
        info = tar.gettarinfo(arcname=name, fileobj=fh)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(fh)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def backup_create(output: Path) -> BackupResult:
    """Write an archive of the database and MEDIA_ROOT to `output` (a file, or a folder to put a
    dated file in). The archive appears only when it is complete."""
    vendor = _vendor()
    output = Path(output)
    if output.is_dir() or str(output).endswith(os.sep):
        output.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")  # Beijing time, like every page
        output = output / f"qhsta-backup-{stamp}.tar"
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise BackupError(f"{output} exists already; choose another name")
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(prefix="qhsta-backup-", dir=output.parent) as tmp:
        work = Path(tmp)
        if vendor == "postgresql":
            dump_name = PG_DUMP
            tables, migrations, evidence = _pg_dump(work / PG_DUMP)
        else:
            dump_name = SQLITE_DUMP
            tables, migrations, evidence = _sqlite_copy(work / SQLITE_DUMP)

        members: dict[str, dict] = {}
        partial = output.with_name(output.name + ".partial")
        warnings = [] if tables else ["the database has no tables: is DATABASE_URL the right one?"]
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            members[dump_name] = _add(tar, work / dump_name, dump_name)
            for path in _media_files(media_root):
                name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                try:
                    members[name] = _add(tar, path, name)
                except FileNotFoundError:  # removed since it was listed: not in any dumped row
                    warnings.append(f"{path} disappeared during the backup")
            for stored, expected in evidence:
                member = members.get(MEDIA_PREFIX + "evidence/" + stored)
                if member is None:
                    warnings.append(f"evidence file {stored} is named in the database but missing")
                elif expected and member["sha256"] != expected:
                    warnings.append(
                        f"evidence file {stored} differs from the SHA-256 of its upload"
                    )
            manifest = {
                "format": FORMAT,
                "created_at": timezone.localtime().isoformat(),  # with its +08:00
                "database": {
                    "vendor": vendor,
                    "file": dump_name,
                    "name": str(connection.settings_dict["NAME"]),
                },
                "tables": tables,
                "migrations": migrations,
                "members": members,
                "warnings": warnings,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)
        os.replace(partial, output)
    return BackupResult(
        path=output,
        tables=tables,
        files=sum(1 for name in members if name.startswith(MEDIA_PREFIX)),
        bytes=output.stat().st_size,
        warnings=warnings,
    )


def _pg_dump(target: Path):
    """pg_dump of the snapshot the row counts were taken in."""
    pg_dump = _tool("pg_dump")
    env, args = _pg_env_and_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tables = _count_rows(_table_names())
        migrations = _migrations_applied()
        evidence = _evidence_rows()
        result = subprocess.run(  # noqa: S603 -- fixed arguments, no shell
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return tables, migrations, evidence


def _sqlite_copy(target: Path):
    """SQLite's online backup API: a consistent copy while the portal keeps running."""
    connection.ensure_connection()
    source = connection.connection
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
    copy = sqlite3.connect(target)
    try:
        names = sorted(
            r[0]
            for r in copy.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        tables = {n: copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in names:
            for app, name in copy.execute(
                "SELECT app, name FROM django_migrations ORDER BY app, name"
            ):
                migrations.setdefault(app, []).append(name)
        evidence = []
        if "tasks_evidence" in names:
            evidence = list(copy.execute("SELECT file, sha256 FROM tasks_evidence"))
    finally:
        copy.close()
    return tables, migrations, evidence


# ---- restore ------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and "\x00" not in name
        and all(part not in ("", ".") for part in path.parts)
    )


def archive_verify(archive: Path) -> dict:
    """Read the whole archive and check it against its manifest; returns the manifest or raises
    BackupError saying what is wrong. Changes nothing."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    try:
        with tarfile.open(archive, "r:") as tar:
            try:
                raw = tar.extractfile(MANIFEST)
            except KeyError:
                raise BackupError(
                    f"{archive} has no {MANIFEST}: it is cut short or not a portal backup; "
                    "nothing was restored"
                ) from None
            try:
                manifest = json.loads(raw.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise BackupError(
                    f"the manifest of {archive} is damaged ({exc}); nothing was restored"
                ) from None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(
                    f"{archive} is not a backup of format {FORMAT} this version reads"
                )
            expected = manifest.get("members") or {}
            if manifest.get("database", {}).get("file") not in expected:
                raise BackupError("the manifest names no database dump")
            seen = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isfile():
                    raise BackupError(
                        f"the archive holds {member.name!r}, which is not a plain file"
                    )
                if not _safe_member_name(member.name) or not (
                    member.name in (PG_DUMP, SQLITE_DUMP) or member.name.startswith(MEDIA_PREFIX)
                ):
                    raise BackupError(
                        f"the archive holds a file outside its folders: {member.name!r}"
                    )
                if member.name not in expected:
                    raise BackupError(
                        f"the archive holds {member.name!r}, which its manifest does not list"
                    )
                if member.name in seen:
                    raise BackupError(f"the archive holds {member.name!r} twice")
                seen.add(member.name)
                digest = hashlib.sha256()
                fh = tar.extractfile(member)
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                if (
                    member.size != expected[member.name]["size"]
                    or digest.hexdigest() != expected[member.name]["sha256"]
                ):
                    raise BackupError(
                        f"{member.name} in {archive} does not match its checksum: the archive is "
                        "damaged; nothing was restored"
                    )
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(
                    f"{len(missing)} file(s) of the manifest are missing from the archive, "
                    f"first {missing[0]!r}; nothing was restored"
                )
    except tarfile.TarError as exc:
        raise BackupError(
            f"{archive} cannot be read as an archive ({exc}); nothing was restored"
        ) from None
    except EOFError:
        raise BackupError(f"{archive} is cut short; nothing was restored") from None
    return manifest


def restore_archive(archive: Path, *, replace: bool = False) -> RestoreResult:
    """Restore the database and files of `archive` into the configured database and MEDIA_ROOT.

    Refuses (BackupError, nothing changed) a damaged archive, one of another database kind, one
    with migrations this code does not have, and a database with tables already unless
    `replace`; existing files that differ from the archive are refused unless `replace`."""
    vendor = _vendor()
    manifest = archive_verify(archive)
    source = manifest["database"]["vendor"]
    if source != vendor:
        raise BackupError(f"the archive holds a {source} database; this portal uses {vendor}")
    try:
        known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    except Exception as exc:  # a broken migration graph in the code, whatever its kind
        raise BackupError(
            f"this code's migrations cannot be read ({exc}); nothing was restored"
        ) from None
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            f"the archive comes from a newer version of the portal (migration {unknown[0]} is "
            "unknown here); install that version first"
        )
    existing = [t for t in _table_names() if t in manifest["tables"]]
    if existing and not replace:
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} already has the portal's tables; "
            "restore into an empty database, or pass --replace to replace its contents (stop the "
            "web and worker processes first)"
        )
    media_root = Path(settings.MEDIA_ROOT)
    to_write, kept = [], 0
    for name, meta in manifest["members"].items():
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = media_root / name[len(MEDIA_PREFIX) :]
        if target.exists():
            if sha256_file(target) == meta["sha256"]:
                kept += 1
                continue
            if not replace:
                raise BackupError(
                    f"{target} exists with other contents; pass --replace to overwrite it"
                )
        to_write.append(name)

    # Checked: now change things.
    dump = manifest["database"]["file"]
    with (
        tempfile.TemporaryDirectory(prefix="qhsta-restore-") as tmp,
        tarfile.open(archive, "r:") as tar,
    ):
        work = Path(tmp)
        tar.extract(dump, work, filter="data")
        if sha256_file(work / dump) != manifest["members"][dump]["sha256"]:
            raise BackupError(
                "the archive changed while it was being restored; nothing was restored"
            )
        if vendor == "postgresql":
            _pg_restore(work / dump, replace=bool(existing))
        else:
            _sqlite_restore(work / dump)
        for name in to_write:
            target = media_root / name[len(MEDIA_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".restoring")
            with tar.extractfile(name) as src, partial.open("wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            if sha256_file(partial) != manifest["members"][name]["sha256"]:
                partial.unlink()
                raise BackupError(f"{name} changed while it was being restored")
            os.replace(partial, target)

    counts = _count_rows([t for t in manifest["tables"] if t in _table_names()])
    differing = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differing:
        table, (want, got) = next(iter(differing.items()))
        raise BackupError(
            f"after the restore table {table} has {got} rows, the backup {want} "
            f"({len(differing)} table(s) differ)"
        )
    return RestoreResult(tables=counts, files_written=len(to_write), files_kept=kept)


def _pg_restore(dump: Path, *, replace: bool) -> None:
    pg_restore = _tool("pg_restore")
    env, args = _pg_env_and_args()
    connection.close()  # pg_restore needs no lock of ours
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    result = subprocess.run(  # noqa: S603 -- fixed arguments, no shell
        [*command, *args, str(dump)], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore failed, the database is as it was (one transaction): {result.stderr.strip()}"
        )


def _sqlite_restore(dump: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces the whole database, in one step
    finally:
        source.close()
    if name != ":memory:" and not name.startswith("file:"):
        connection.close()
