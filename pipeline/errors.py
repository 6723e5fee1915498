"""Every error a user can see, with a stable code, in one place.

The CLI prints ``<source>: <message>`` on one line and exits non-zero; JSON
Lines output records ``{"code", "message"}`` for a failed document. For the
``output_*`` codes (and the format and option codes after them) the
"source" is the ``-o`` path or the option: they are refusals made before any
work starts, and the CLI exits 2.
"""

from __future__ import annotations

MESSAGES = {
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
    "no_text_layer": "no text layer; OCR is not supported",
    "no_main_text": "the HTML page has no main text",
    "image": "the file is {what}, not a document; OCR is not supported",
    "archive": "the file is {what}; unpack it and give the documents inside",
    "other_office": (
        "the file is {what}, which vntasks does not read; save it as .docx, .pdf or .txt"
    ),
    "no_supported_files": "the directory holds no supported files ({supported})",
    "unreadable": "the file cannot be read ({reason})",
    "timeout": "extraction took longer than {limit:g} seconds (--timeout-per-doc); stopped",
    "out_of_memory": "ran out of memory while extracting; stopped",
    "crashed": "extraction failed ({reason}); this is a bug, please report it",
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
}


class VntasksError(Exception):
    """An input the pipeline refuses (or an output or option the command line
    refuses), with a code from :data:`MESSAGES`."""

    def __init__(self, code: str, source: str, **details: object) -> None:
        self.code = code
        self.source = source
        self.message = MESSAGES[code].format(**details)
        # Refusals of the command line as a whole name no file.
        super().__init__(f"{source}: {self.message}" if source else self.message)
