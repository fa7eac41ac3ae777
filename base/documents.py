"""What an uploaded document really is, read from its first bytes rather than taken
from the name or the type the browser claims: a PDF, a Word document (.docx), or a
JPEG or PNG picture."""

from __future__ import annotations

import zipfile
from typing import IO

PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG, PNG = "image/jpeg", "image/png"
SIGNATURES = {b"%PDF-": PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}


def document_type(file: IO[bytes]) -> str | None:
    """The content type of a PDF, Word document or picture, or None for anything else.
    Leaves the file at its start."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    found = next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)
    if found or not head.startswith(b"PK\x03\x04"):
        return found
    try:
        with zipfile.ZipFile(file) as archive:
            is_word = "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        is_word = False
    file.seek(0)
    return DOCX if is_word else None
