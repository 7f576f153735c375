"""What may be attached to a post, checked by content and not only by name.

A PDF must start with the PDF signature; an OOXML document (docx/xlsx/pptx) must be a zip with
[Content_Types].xml declaring the main part of that format, and no macros; an ODF document
(odt/ods/odp) must be a zip whose `mimetype` entry names that format; an image must open in
Pillow as that format. The extension must agree with the content, so a renamed executable (or
a spreadsheet renamed .pdf) is refused. The size limit is DIALOGUES_ATTACHMENT_MAX_BYTES.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_POST = 10
# Reading a member-supplied zip: look at a few small entries only, never extract.
_ZIP_MAX_ENTRIES = 5000
_ZIP_SMALL_ENTRY_BYTES = 1024 * 1024

_OOXML = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/presentation.xml",
    ),
}
_ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
_IMAGES = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
ALLOWED_EXTENSIONS = ["pdf", *_OOXML, *_ODF, *_IMAGES]


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    content_type: str
    size: int


def max_bytes() -> int:
    return getattr(settings, "DIALOGUES_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _refuse(message, code):
    raise ValidationError(message, code=code)


def _not_what_it_claims(name):
    _refuse(
        _("“%(name)s” is not the kind of file its name says it is.") % {"name": name},
        "content_mismatch",
    )


def _read_head(upload, length):
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _check_zip(upload, name):
    head = _read_head(upload, 4)
    if head != b"PK\x03\x04":
        _not_what_it_claims(name)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        _not_what_it_claims(name)
    infos = archive.infolist()
    if len(infos) > _ZIP_MAX_ENTRIES:
        _not_what_it_claims(name)
    return archive, {info.filename: info for info in infos}


def _read_small(archive, info, name):
    if info.file_size > _ZIP_SMALL_ENTRY_BYTES:
        _not_what_it_claims(name)
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        _not_what_it_claims(name)


def _check_ooxml(upload, name, extension):
    content_type, main_part = _OOXML[extension]
    archive, entries = _check_zip(upload, name)
    with archive:
        if "[Content_Types].xml" not in entries or main_part not in entries:
            _not_what_it_claims(name)
        declared = _read_small(archive, entries["[Content_Types].xml"], name)
        if b"macroEnabled" in declared or any(
            entry.lower().endswith("vbaproject.bin") for entry in entries
        ):
            _refuse(
                _("Documents with macros cannot be attached; save it without macros."),
                "macros",
            )
        # The main part's type names the family (wordprocessingml, spreadsheetml,
        # presentationml): a document, a template or a slideshow of the right application.
        if content_type.rsplit(".", 1)[0].encode() + b"." not in declared:
            _not_what_it_claims(name)
    upload.seek(0)
    return content_type


def _check_odf(upload, name, extension):
    content_type = _ODF[extension]
    archive, entries = _check_zip(upload, name)
    with archive:
        if "mimetype" not in entries:
            _not_what_it_claims(name)
        declared = _read_small(archive, entries["mimetype"], name).strip()
        if declared != content_type.encode():
            _not_what_it_claims(name)
    upload.seek(0)
    return content_type


def _check_image(upload, name, extension):
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _not_what_it_claims(name)
    upload.seek(0)
    if image_format != _IMAGES[extension]:
        _not_what_it_claims(name)
    return _IMAGE_TYPES[image_format]


def attachment_check(upload) -> CheckedFile:
    """Check an uploaded file; returns what to store about it, or raises ValidationError."""
    name = PurePath(upload.name or "").name.strip()[:255] or "attachment"
    limit = max_bytes()
    if upload.size > limit:
        _refuse(
            _("“%(name)s” is too large: attachments are at most %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            "too_large",
        )
    if upload.size == 0:
        _refuse(_("“%(name)s” is empty.") % {"name": name}, "empty")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        _refuse(
            _(
                "“%(name)s” cannot be attached: attach PDF, Word, Excel, PowerPoint, "
                "OpenDocument or PNG/JPEG/WebP image files."
            )
            % {"name": name},
            "file_type",
        )
    if extension == "pdf":
        if not _read_head(upload, 1024).startswith(b"%PDF-"):
            _not_what_it_claims(name)
        content_type = "application/pdf"
    elif extension in _OOXML:
        content_type = _check_ooxml(upload, name, extension)
    elif extension in _ODF:
        content_type = _check_odf(upload, name, extension)
    else:
        content_type = _check_image(upload, name, extension)
    return CheckedFile(original_name=name, content_type=content_type, size=upload.size)
