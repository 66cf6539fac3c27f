"""Which evidence files the portal takes (by the type their content is recognised as) and the
name each is offered for download under."""

ALLOWED_EVIDENCE = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


# other spellings of an extension that name the same type as ALLOWED_EVIDENCE's
_EVIDENCE_ALIASES = {"jpg": {"jpeg", "jpe"}}


def evidence_download_name(original_name: str, content_type: str) -> str:
    """The name a file is offered for download under: the uploader's name with the extension of
    the type its content was recognised as, so a PDF uploaded as `polyglot.html` downloads as
    `polyglot.pdf` (the uploader's own spelling, `scan.JPEG`, stays when it names that type)."""
    extension = ALLOWED_EVIDENCE.get(content_type, "bin")
    stem, dot, suffix = original_name.rpartition(".")
    if not dot:
        stem, suffix = original_name, ""
    if suffix.lower() in {extension, *_EVIDENCE_ALIASES.get(extension, ())} and stem.strip(". "):
        return original_name
    stem = stem.rstrip(". ") or "file"
    return f"{stem}.{extension}"
