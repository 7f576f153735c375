"""Attachments are checked by content, not by name, and stored with the post."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dialogues import services
from dialogues.attachments import attachment_check
from dialogues.models import Attachment
from tests.dialogues.factories import (
    PDF_BYTES,
    ThreadFactory,
    docx_file,
    exe_file,
    image_file,
    odt_file,
    pdf_file,
)


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [
        (pdf_file(), "application/pdf"),
        (image_file("map.png", "PNG"), "image/png"),
        (image_file("photo.jpg", "JPEG"), "image/jpeg"),
        (image_file("photo.webp", "WEBP"), "image/webp"),
        (
            docx_file(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (odt_file(), "application/vnd.oasis.opendocument.text"),
    ],
    ids=["pdf", "png", "jpeg", "webp", "docx", "odt"],
)
def test_real_documents_and_images_are_accepted(upload, content_type):
    checked = attachment_check(upload)
    assert checked.content_type == content_type
    assert checked.size == upload.size


@pytest.mark.parametrize(
    "upload",
    [
        exe_file("report.pdf"),
        exe_file("report.docx"),
        exe_file("photo.png"),
        exe_file("setup.exe"),
        image_file("report.pdf"),  # a PNG is not a PDF
        image_file("photo.jpg", "PNG"),  # a PNG is not a JPEG
        SimpleUploadedFile("notes.docx", b"PK\x03\x04 not really a zip"),
        docx_file("table.xlsx"),  # a Word document is not a spreadsheet
        odt_file("slides.odp"),  # an ODF text is not a presentation
        odt_file("sheet.ods", mimetype="application/zip"),
        SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
        SimpleUploadedFile("drawing.svg", b'<svg onload="alert(1)"/>'),
        SimpleUploadedFile("empty.pdf", b""),
    ],
    ids=lambda upload: upload.name,
)
def test_files_that_are_not_what_they_claim_are_refused(upload):
    with pytest.raises(ValidationError):
        attachment_check(upload)


def test_a_renamed_executable_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        attachment_check(exe_file("budget.pdf"))
    assert error.value.code == "content_mismatch"
    assert "“budget.pdf” is not the kind of file its name says it is." in error.value.messages


def test_documents_with_macros_are_refused():
    with pytest.raises(ValidationError) as error:
        attachment_check(docx_file(macros=True))
    assert error.value.code == "macros"


def test_the_size_limit_comes_from_settings_at_call_time(settings):
    settings.DIALOGUES_ATTACHMENT_MAX_BYTES = len(PDF_BYTES) - 1
    with pytest.raises(ValidationError) as error:
        attachment_check(pdf_file())
    assert error.value.code == "too_large"
    settings.DIALOGUES_ATTACHMENT_MAX_BYTES = len(PDF_BYTES)
    assert attachment_check(pdf_file()).size == len(PDF_BYTES)


def test_the_default_limit_is_ten_megabytes(settings):
    del settings.DIALOGUES_ATTACHMENT_MAX_BYTES  # not set in the project's settings
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"\n" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        attachment_check(big)
    assert error.value.code == "too_large"
    assert error.value.messages == ["“big.pdf” is too large: attachments are at most 10.0\xa0MB."]


@pytest.mark.django_db
def test_a_post_stores_its_attachments(member):
    thread = ThreadFactory(author=member, attachments=[pdf_file(), image_file()])
    attachments = list(Attachment.objects.filter(post__thread=thread).order_by("pk"))
    assert [a.original_name for a in attachments] == ["evaluation-report.pdf", "cluster-map.png"]
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
    stored = attachments[0].file
    assert stored.name.startswith("dialogues/attachments/") and stored.name.endswith(".pdf")
    assert "evaluation-report" not in stored.name  # the stored name cannot be guessed
    with stored.open("rb") as handle:
        assert handle.read() == PDF_BYTES


@pytest.mark.django_db
def test_a_bad_attachment_refuses_the_whole_post(member):
    thread = ThreadFactory(author=member)
    with pytest.raises(ValidationError) as error:
        services.post_create(
            thread=thread, author=member, body="See the report", attachments=[exe_file()]
        )
    assert "attachments" in error.value.message_dict
    thread.refresh_from_db()
    assert thread.post_count == 1
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_author_may_add_attachments_when_editing(member):
    thread = ThreadFactory(author=member)
    post = thread.posts.get()
    services.post_edit(post=post, acting_user=member, body=post.body, attachments=[pdf_file()])
    assert post.attachments.count() == 1
    assert not post.revisions.exists()  # the words did not change
