"""Every error a user can see, with a stable code, in one place.

The CLI prints ``<source>: <message>`` on one line and exits non-zero; JSON
Lines output records ``{"code", "message"}`` for a failed document. For the
``output_*`` codes (and the format and option codes after them) the
"source" is the ``-o`` path or the option: they are refusals made before any
work starts, and the CLI exits 2.
"""

from __future__ import annotations

# Refusals of one input: a batch goes on and writes each as an error line
# (pipeline/schema/error-line-v1.schema.json lists these codes).
INPUT_MESSAGES = {
    "not_found": "no such file or directory",
    "not_a_file": "not a regular file",
    "special_file": "is a {kind}, not a regular file; refused",
    "symlink_loop": "is a symbolic link that loops back on itself",
    "broken_link": "is a symbolic link to {target}, which does not exist",
    "empty": "the file is empty",
    "whitespace_only": "the file holds only whitespace",
    "binary": "the file holds binary data, not text",
    "decode": (
        "the text is in an unknown encoding: not UTF-8, UTF-16, UTF-32, Windows-1258, TCVN3 or VNI"
    ),
    "unsupported": "unsupported file type {suffix!r}; supported: {supported}",
    "too_large": "the file is {size} bytes, over the limit of {limit} bytes (--max-bytes)",
    "too_many_chars": (
        "the text is {size} characters, over the limit of {limit} characters (--max-chars)"
    ),
    "too_many_pages": "the PDF has {count} pages, over the limit of {limit} pages (--max-pages)",
    "no_text": "the document holds no text",
    "corrupt_docx": "the .docx file is corrupt or truncated ({reason})",
    "zip_bomb": (
        "the .docx would unpack to {size} bytes, over the limit of {limit} bytes "
        "(--max-unpacked-bytes)"
    ),
    "too_many_parts": (
        "the .docx holds {count} parts, over the limit of {limit}; a Word document "
        "has a few dozen"
    ),
    "needs_libreoffice": (
        "reading .doc needs LibreOffice: install it (apt-get install libreoffice-writer) "
        "so that 'soffice' is on PATH, or save the file as .docx"
    ),
    "doc_conversion": "LibreOffice could not convert the .doc file ({reason})",
    "encrypted_pdf": "the PDF is encrypted; save an unprotected copy",
    "corrupt_pdf": "the PDF is corrupt or truncated ({reason})",
    "no_text_layer": (
        "no text layer, and OCR is off (--ocr never); give --ocr auto to read the scan"
    ),
    "needs_tesseract": (
        "{what}; reading it needs Tesseract OCR with its Vietnamese model: install them "
        "(apt-get install {packages}){detail}"
    ),
    "ocr_off": "the file is {what}, and OCR is off (--ocr never); give --ocr auto to read it",
    "ocr_no_text": (
        "OCR found no text on its {pages} page(s): blank, or a picture without writing"
    ),
    "ocr_too_many_pages": (
        "the scan has {pages} pages to OCR, over the limit of {limit}; raise it with "
        "--ocr-max-pages"
    ),
    "ocr_timeout": (
        "OCR of page {page} took over {seconds} s; refused (raise the limit with --ocr-timeout)"
    ),
    "ocr_failed": "Tesseract failed on page {page} ({reason})",
    "corrupt_image": "the file is {what}, but it cannot be opened ({reason})",
    "no_main_text": "the HTML page has no main text",
    "image": "the file is {what}; vntasks reads scans as PNG, JPEG or TIFF pictures or PDF",
    "archive": "the file is {what}; unpack it and give the documents inside",
    "other_office": (
        "the file is {what}, which vntasks does not read; save it as .docx, .pdf or .txt"
    ),
    "no_supported_files": "the directory holds no supported files ({supported})",
    "unreadable": "the file cannot be read ({reason})",
    "timeout": "extraction took longer than {limit:g} seconds (--timeout-per-doc); stopped",
    "out_of_memory": "ran out of memory while extracting; stopped",
    "crashed": "extraction failed ({reason}); this is a bug, please report it",
}

# Refusals of the command line as a whole, before any input is read.
COMMAND_MESSAGES = {
    # Outputs (pipeline/output.py).
    "output_exists": "the file exists; add --force to replace it{hint}",
    "output_partial": (
        "an interrupted run left {partial}; add --resume to carry on from it "
        "or --force to start again"
    ),
    "output_is_input": "is one of the inputs; writing there would destroy it",
    "output_special": (
        "is a {kind}, not a regular file; refused (leave out -o to write to standard output)"
    ),
    "output_symlink": "is a symbolic link to {target}; give the path it points to instead",
    "output_unwritable": "cannot be written: {reason}",
    "output_collision": (
        "would be written for two inputs ({first} and {second}); rename one, "
        "or write them all to one file"
    ),
    "format_mismatch": (
        "the name says {implied} but --format says {given}; make them agree"
    ),
    "unknown_extension": (
        "cannot tell the format from {suffix!r}; give --format ({formats})"
    ),
    "force_and_resume": "--force starts again and --resume carries on; give one of them",
    "resume_needs_lines": "--resume needs JSON Lines written to a file with -o (a .jsonl name)",
    # Options.
    "bad_epoch": "must be a number of seconds since 1970-01-01 UTC, got {value!r}",
    "bad_date": "must be a date written YYYY-MM-DD, got {value!r}",
    "no_such_date": "{value} does not exist: {reason}",
    "unknown_doc_type": "unknown document type {value!r}; known types: {known}",
}

# Refusals of the HTTP service (pipeline/server.py); the "source" is the
# request's field, the uploaded file's name, or nothing.
SERVER_MESSAGES = {
    "request_too_large": "the request body is over the limit of {limit} bytes",
    "text_too_long": "the text is {size} characters, over the limit of {limit} characters",
    "empty_request": (
        'the request has no body; send JSON {{"text": …}} or upload a file '
        "(multipart/form-data, field 'file')"
    ),
    "media_type": (
        "the request is {media_type}; send application/json or multipart/form-data"
    ),
    "bad_json": "the body is not valid JSON ({reason})",
    "bad_request": "{reason}",
    "server_timeout": (
        "the extraction took longer than {limit:g} s, the server's limit; send a shorter "
        "text or start the server with a longer --timeout"
    ),
    "no_register": (
        "the server was started without a register, so it answers /extract only; "
        "start it with vntasks serve --db to query tasks and documents"
    ),
    "no_document": "no document with id {id!r} in the register",
    "no_route": "no such path",
    "method_not_allowed": "{method} is not allowed here",
    "internal": "internal error; the server's log has the details",
}

MESSAGES = {**INPUT_MESSAGES, **COMMAND_MESSAGES, **SERVER_MESSAGES}


class VntasksError(Exception):
    """An input the pipeline refuses (or an output or option the command line
    refuses), with a code from :data:`MESSAGES`."""

    def __init__(self, code: str, source: str, **details: object) -> None:
        self.code = code
        self.source = source
        self.message = MESSAGES[code].format(**details)
        # Refusals of the command line as a whole name no file.
        super().__init__(f"{source}: {self.message}" if source else self.message)
