"""Every error a user can see, with a stable code, in one place.

The CLI prints ``<source>: <message>`` on one line and exits non-zero; JSON
Lines output records ``{"code", "message"}`` for a failed document.
"""

from __future__ import annotations

MESSAGES = {
    "not_found": "no such file or directory",
    "not_a_file": "not a regular file",
    "empty": "the file is empty",
    "whitespace_only": "the file holds only whitespace",
    "binary": "the file holds binary data, not text",
    "decode": (
        "the text is in an unknown encoding: not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI"
    ),
    "unsupported": "unsupported file type {suffix!r}; supported: {supported}",
    "too_large": "the file is {size} bytes, over the limit of {limit} bytes",
    "no_text": "the document holds no text",
    "corrupt_docx": "the .docx file is corrupt or truncated ({reason})",
    "zip_bomb": (
        "the .docx would unpack to {size} bytes, over the limit of {limit} bytes; refused"
    ),
    "needs_libreoffice": (
        "reading .doc needs LibreOffice: install it (apt-get install libreoffice-writer) "
        "so that 'soffice' is on PATH, or save the file as .docx"
    ),
    "doc_conversion": "LibreOffice could not convert the .doc file ({reason})",
    "encrypted_pdf": "the PDF is encrypted; save an unprotected copy",
    "corrupt_pdf": "the PDF is corrupt or truncated ({reason})",
    "no_text_layer": "no text layer; OCR is not supported",
    "no_main_text": "the HTML page has no main text",
    "image": "the file is {what}, not a document; OCR is not supported",
    "archive": "the file is {what}; unpack it and give the documents inside",
    "other_office": (
        "the file is {what}, which vntasks does not read; save it as .docx, .pdf or .txt"
    ),
    "no_supported_files": "the directory holds no supported files ({supported})",
    "bad_issued": "--issued must be a date written YYYY-MM-DD, got {value!r}",
}


class VntasksError(Exception):
    """An input the pipeline refuses, with a code from :data:`MESSAGES`."""

    def __init__(self, code: str, source: str, **details: object) -> None:
        self.code = code
        self.source = source
        self.message = MESSAGES[code].format(**details)
        super().__init__(f"{source}: {self.message}")
