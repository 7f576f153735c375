"""Factories for the dialogues. Threads and posts are made through the services, as the app
makes them, so counters, rendered HTML and search vectors are always consistent."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dialogues import services
from dialogues.models import Post, Thread, Topic
from members.models import Organisation
from tests.members.factories import OrganisationFactory, RepresentativeFactory


def member_user(organisation=None, **user_fields):
    """A representative of an active member organisation (a new one unless given)."""
    kwargs = {"organisation": organisation} if organisation is not None else {}
    for field, value in user_fields.items():
        kwargs[f"user__{field}"] = value
    return RepresentativeFactory(**kwargs).user


def suspended_member_user(**user_fields):
    organisation = OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    return member_user(organisation, **user_fields)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Cluster policy topic {n}")
    slug = factory.Sequence(lambda n: f"cluster-policy-topic-{n}")
    description = "Where members compare their cluster programmes."
    visibility = Topic.Visibility.PUBLIC

    @factory.post_generation
    def moderators(self, create, extracted, **kwargs):
        if create and extracted:
            self.moderators.set(extracted)


class MembersOnlyTopicFactory(TopicFactory):
    visibility = Topic.Visibility.MEMBERS


class ThreadFactory(factory.django.DjangoModelFactory):
    """thread_create(); pass `author` (default: a new active member's representative)."""

    class Meta:
        model = Thread

    topic = factory.SubFactory(TopicFactory)
    author = factory.LazyFunction(member_user)
    title = factory.Sequence(lambda n: f"How do you fund cluster managements? ({n})")
    body = "We co-fund **cluster management** for three years. What do you do?"
    kind = Thread.Kind.DISCUSSION

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.thread_create(**kwargs)


class PostFactory(factory.django.DjangoModelFactory):
    """post_create(); pass `thread` and `author` (defaults: a new thread, a new member)."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.LazyFunction(member_user)
    body = "In our region the cluster contract runs for *five* years."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.post_create(**kwargs)


# --- Files for the attachment checks ----------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n"
)


def pdf_file(name="evaluation-report.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def image_file(name="cluster-map.png", image_format="PNG", size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def docx_file(name="indicators.docx", *, macros=False):
    import zipfile

    buffer = io.BytesIO()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    if macros:
        main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def odt_file(name="minutes.odt", mimetype="application/vnd.oasis.opendocument.text"):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def exe_file(name="report.pdf"):
    # The start of a Windows executable (MZ header, DOS stub), renamed.
    content = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
    content += b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200
    return SimpleUploadedFile(name, content, content_type="application/pdf")
