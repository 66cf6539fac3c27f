"""Evidence uploads, one test per attack of the security review (docs/security.md):
the type is judged by the content, not the name or the browser's claim; the size limit holds
to the byte; nothing uploaded can run (stored under a random name with the sniffed extension,
outside the web root, not executable, sent only as an attachment with nosniff and a sandboxing
CSP); a name cannot reach outside the evidence folder nor into the response headers.
test_report_pages.py covers the basic cases (disguised script, HTML, executable, too large, the
scope of the download)."""

import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tasks import services
from tasks.models import Evidence, evidence_storage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 64
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@pytest.fixture
def officer(reporting):
    client = Client()
    client.force_login(reporting.users["xining_officer"])
    return client


@pytest.fixture
def report(reporting):
    return services.report_open(
        user=reporting.users["xining_officer"], assignment=reporting.xining, period=reporting.period
    )


def upload(client, report, name, content, content_type="application/pdf"):
    return client.post(
        f"/reports/{report.pk}/evidence/",
        {"evidence": SimpleUploadedFile(name, content, content_type)},
    )


# ---- content sniffing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("diagram.svg", SVG, "image/svg+xml"),  # an image that carries script
        ("scan.pdf", SVG, "application/pdf"),  # the same, claiming to be a PDF
        ("notes.txt", b"plain text " * 100, "text/plain"),
        ("macro.xlsm", b"PK\x03\x04" + b"\0" * 200, "application/vnd.ms-excel"),  # a bare zip
        ("empty.pdf", b"", "application/pdf"),
    ],
    ids=["svg", "svg-as-pdf", "text", "bare-zip", "empty"],
)
def test_the_type_is_judged_by_the_content_not_the_name_or_the_claim(
    officer, report, name, content, claimed
):
    response = upload(officer, report, name, content, claimed)
    assert response.status_code == 302
    assert not Evidence.objects.filter(report=report).exists()


def test_a_real_pdf_with_a_web_page_name_is_stored_and_served_as_a_pdf(officer, report):
    upload(officer, report, "index.html", PDF + b"<script>alert(1)</script>", "text/html")
    evidence = Evidence.objects.get(report=report)
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf")  # the extension follows the content
    response = officer.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


# ---- size limit ----------------------------------------------------------------------------


def test_the_size_limit_holds_to_the_byte(officer, report, settings):
    settings.EVIDENCE_MAX_BYTES = 4096
    at_limit = PDF + b"0" * (4096 - len(PDF))
    over = at_limit + b"0"
    upload(officer, report, "over.pdf", over)
    assert not Evidence.objects.filter(report=report).exists()
    page = officer.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "MB" in page  # the message names the limit
    upload(officer, report, "at-limit.pdf", at_limit)
    assert Evidence.objects.get(report=report).size == 4096


def test_the_default_limit_is_20_mb(settings):
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024  # deploy/nginx.conf allows 21m


# ---- no execution --------------------------------------------------------------------------


def test_nothing_uploaded_can_run(officer, report, settings):
    upload(officer, report, "photo.png", PNG, "image/png")
    evidence = Evidence.objects.get(report=report)
    path = Path(evidence.file.path)
    # outside the web root: not under the static files, not reachable by any URL but the view
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    assert Path(evidence_storage().location) == Path(settings.MEDIA_ROOT) / "evidence"
    assert officer.get(evidence.file.url).status_code == 404  # the storage's own URL serves nothing
    assert officer.get(f"/media/evidence/{evidence.file.name}").status_code == 404
    assert (
        officer.get(f"/static/../var/test-media/evidence/{evidence.file.name}").status_code == 404
    )
    # not executable on disk
    assert not stat.S_IMODE(os.stat(path).st_mode) & 0o111
    # served only as a download that a browser will neither sniff nor render
    response = officer.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "image/png"


# ---- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../etc/cron.d/job.pdf", "job.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\a\\年度总结.pdf", "年度总结.pdf"),
    ],
    ids=["dots", "backslashes", "absolute", "drive"],
)
def test_a_name_cannot_reach_outside_the_evidence_folder(officer, report, name, shown):
    upload(officer, report, name, PDF)
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == shown
    stored = Path(evidence.file.path).resolve()
    root = Path(evidence_storage().location).resolve()
    assert stored.is_relative_to(root)
    assert stored.stem not in shown and len(stored.stem) == 32  # a random name of its own
    assert stored.read_bytes() == PDF


def test_a_name_cannot_inject_response_headers(officer, report):
    upload(officer, report, 'a".pdf\r\nSet-Cookie: x=1', PDF)
    evidence = Evidence.objects.get(report=report)
    response = officer.get(f"/evidence/{evidence.pk}/")
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    assert disposition.startswith("attachment;")


# ---- download names ------------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 64


@pytest.mark.parametrize(
    ("name", "content", "offered"),
    [
        ("polyglot.html", PDF + b"<html><script>alert(1)</script></html>", "polyglot.pdf"),
        ("photo.svg", PNG, "photo.png"),
        ("年度总结.exe", PDF, "年度总结.pdf"),
        ("no-extension", PDF, "no-extension.pdf"),
        (".htaccess", PDF, "file.pdf"),
        ("report.pdf.html", PDF, "report.pdf.pdf"),
        ("scan.JPEG", JPEG, "scan.JPEG"),  # the uploader's spelling of the right type stays
        ("调查报告.pdf", PDF, "调查报告.pdf"),
    ],
    ids=["polyglot", "png-as-svg", "exe", "none", "dotfile", "double", "jpeg", "right"],
)
def test_a_download_is_named_with_the_extension_of_its_real_type(
    officer, report, name, content, offered
):
    upload(officer, report, name, content, "text/html")
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == name  # the record keeps what was uploaded
    response = officer.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == evidence.content_type
    if offered.isascii():
        assert response["Content-Disposition"] == f'attachment; filename="{offered}"'
    else:  # RFC 5987: filename*=utf-8''<percent-encoded>
        from urllib.parse import quote

        assert f"filename*=utf-8''{quote(offered)}" in response["Content-Disposition"]
    # the report page links the file under the name it downloads as
    page = officer.get(f"/reports/{report.pk}/edit/").content.decode()
    assert f">{offered}</a>" in page
    if offered != name:
        assert f">{name}</a>" not in page
