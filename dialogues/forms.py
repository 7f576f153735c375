"""Forms of the dialogues' reading and writing pages. They validate input; dialogues.services
write. (The moderation, outcome, search and topic management forms: dialogues.forms_moderation.)
"""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from dialogues.attachments import ALLOWED_EXTENSIONS, MAX_ATTACHMENTS_PER_POST, max_bytes
from dialogues.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Follow, Thread
from members.models import PolicyTheme

ATTACHMENT_ACCEPT = ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)


# --- Attachments: several files in one field --------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (the service checks their number, kind and size); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data]
        single_clean = super().clean
        return [
            cleaned for cleaned in (single_clean(upload, initial) for upload in uploads) if cleaned
        ]


def _attachments_field():
    return MultipleFileField(label=_("Attachments (optional)"))


def _attachments_help() -> str:
    return _(
        "Up to %(count)d files of at most %(size)s each: PDF, Word, Excel, PowerPoint, "
        "OpenDocument, or PNG, JPEG or WebP images. Documents with macros are refused."
    ) % {"count": MAX_ATTACHMENTS_PER_POST, "size": filesizeformat(max_bytes())}


# --- Writing ----------------------------------------------------------------------------------

BODY_HELP = _(
    "Formatting with Markdown: **bold**, *italic*, [a link](https://example.eu), a line "
    "starting with - for a list or > for a quotation. To mention someone, type @ and the "
    "start of their name, or write @[Full Name](user:number) as listed below."
)


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=BODY_MAX_LENGTH,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 10, "class": "post-body"}),
        error_messages={
            "required": _("Your message is empty. Write something before posting."),
            "max_length": _(
                "A message has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )


class _AttachmentsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is a setting: read it when the form is built, not at import.
        self.fields["attachments"].help_text = _attachments_help()


class ThreadForm(_AttachmentsMixin, forms.Form):
    """Start a thread: its title, kind, themes and opening post."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A short question or statement that says what the thread is about."),
        error_messages={
            "required": _("Give the thread a title."),
            "max_length": _(
                "A title has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of thread"),
        choices=Thread.Kind.choices,
        initial=Thread.Kind.DISCUSSION,
        widget=forms.RadioSelect,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Policy themes (optional)"),
        queryset=PolicyTheme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Help members who follow these themes find the thread."),
    )
    body = _body_field(_("Your opening message"))
    attachments = _attachments_field()


class PostForm(_AttachmentsMixin, forms.Form):
    """A reply: its message, attachments, and the number of the post it answers (optional)."""

    body = _body_field(_("Your reply"))
    attachments = _attachments_field()
    reply_to = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The post you reply to could not be found."),
            "min_value": _("The post you reply to could not be found."),
        },
    )


class PostEditForm(_AttachmentsMixin, forms.Form):
    body = _body_field(_("Your message"))
    attachments = MultipleFileField(label=_("Add attachments (optional)"))


# --- Reading ----------------------------------------------------------------------------------


class ThreadFilterForm(forms.Form):
    """A topic's thread list by kind and policy theme (GET, so it can be bookmarked). A value
    that does not validate is reported and left out; the other filter still applies."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Thread.Kind.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of thread.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Policy theme"),
        required=False,
        queryset=PolicyTheme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
        error_messages={"invalid_choice": _("This policy theme does not exist.")},
    )

    def valid_filters(self) -> dict:
        """The filters that validated (kind="" and theme=None when not given or invalid)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"kind": cleaned.get("kind") or None, "theme": cleaned.get("theme")}


class FollowForm(forms.Form):
    """Follow, mute, or forget the choice ("")."""

    state = forms.ChoiceField(
        choices=[("", _("Neither")), *Follow.State.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose to follow or to mute.")},
    )
