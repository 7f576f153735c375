"""Forms of the dialogues' pages: reading and writing, then moderation, outcomes, search and
topic management. They validate input; dialogues.services write."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from dialogues.attachments import ALLOWED_EXTENSIONS, MAX_ATTACHMENTS_PER_POST, max_bytes
from dialogues.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Flag, Follow, Thread, Topic
from dialogues.search import QUERY_MAX_LENGTH
from members.models import PolicyTheme
from members.permissions import representative_of

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


# --- Moderation, outcomes, search, cross-topic lists and topic management ---------------------

REASON_MAX_LENGTH = 1000
FLAG_REASON_MAX_LENGTH = 2000


def _reason_field(
    *, label, required=False, help_text="", max_length=REASON_MAX_LENGTH, required_message=None
):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": required_message or _("Give a reason."),
            "max_length": _(
                "Keep it to %(limit_value)d characters at most (this has %(show_value)d)."
            ),
        },
    )


def _theme_field():
    return forms.ModelChoiceField(
        label=_("Policy theme"),
        queryset=PolicyTheme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
        error_messages={"invalid_choice": _("This policy theme does not exist.")},
    )


def _topic_field(queryset, *, label=None, empty_label=None, required=False):
    return forms.ModelChoiceField(
        label=label or _("Topic"),
        queryset=queryset,
        to_field_name="slug",
        required=required,
        empty_label=empty_label if empty_label is not None else _("All topics"),
        error_messages={
            "invalid_choice": _("There is no such topic, or you cannot see it."),
            "required": _("Choose a topic."),
        },
    )


# --- Flags and moderation ---------------------------------------------------------------------


class FlagForm(forms.Form):
    reason = _reason_field(
        label=_("What is wrong with this post?"),
        required=True,
        max_length=FLAG_REASON_MAX_LENGTH,
        help_text=_(
            "For example: a personal attack, personal data, advertising, or off topic. Only the "
            "moderators read it; the author is not told who flagged the post."
        ),
        required_message=_("Say what is wrong with this post."),
    )


class PostHideForm(forms.Form):
    reason = _reason_field(
        label=_("Why is the post hidden?"),
        required=True,
        help_text=_("Members see that a moderator hid the post, and this reason."),
        required_message=_("Say why the post is hidden."),
    )


class PostRestoreForm(forms.Form):
    reason = _reason_field(
        label=_("Why is the post restored? (optional)"),
        help_text=_("Recorded in the moderation log."),
    )


class FlagResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Decision"),
        choices=Flag.Resolution.choices,
        error_messages={
            "required": _("Choose how the flag was resolved."),
            "invalid_choice": _("Choose how the flag was resolved."),
        },
    )
    note = _reason_field(label=_("Note (optional)"), help_text=_("Recorded in the moderation log."))


class ModerationReasonForm(forms.Form):
    """Lock, unlock, pin or unpin a thread: the reason goes to the moderation log."""

    reason = _reason_field(
        label=_("Reason (optional)"), help_text=_("Recorded in the moderation log.")
    )


class ThreadMoveForm(forms.Form):
    to_topic = forms.ModelChoiceField(
        label=_("Move to the topic"),
        queryset=Topic.objects.none(),
        empty_label=_("Choose a topic"),
        error_messages={
            "required": _("Choose the topic to move the thread to."),
            "invalid_choice": _("Choose one of the topics in the list."),
        },
    )
    reason = _reason_field(
        label=_("Reason (optional)"), help_text=_("Recorded in the moderation log.")
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_topic"].queryset = topics


class ThreadRenameForm(forms.Form):
    title = forms.CharField(
        label=_("New title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Give the thread a title."),
            "max_length": _(
                "A title has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )
    reason = _reason_field(
        label=_("Reason (optional)"), help_text=_("Recorded in the moderation log.")
    )


class ModerationLogFilterForm(forms.Form):
    topic = _topic_field(Topic.objects.none())

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


# --- Outcomes ---------------------------------------------------------------------------------


class OutcomeForm(forms.Form):
    summary = forms.CharField(
        label=_("Conclusions or recommendations"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the discussion concluded, in Markdown: **bold**, *italic*, lists, links. "
            "Member organisations can endorse it; every version is kept."
        ),
        error_messages={
            "required": _("Summarise the conclusions or recommendations."),
            "max_length": _(
                "An outcome has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )


class OutcomeFilterForm(forms.Form):
    topic = _topic_field(Topic.objects.none())
    theme = _theme_field()

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


# --- Search (the latest threads use dialogues.forms.ThreadFilterForm) --------------------------


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the dialogues"),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        help_text=_(
            'Words in thread titles and posts. Use "quotes" for a phrase, a minus sign to '
            "leave a word out, and or for either word."
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "max_length": _(
                "Search with at most %(limit_value)d characters (this has %(show_value)d)."
            )
        },
    )
    topic = _topic_field(Topic.objects.none(), label=_("In the topic"))

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


# --- Topics (the secretariat) -----------------------------------------------------------------


class ModeratorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        representative = representative_of(obj)
        name = obj.full_name or obj.email
        if representative is None:
            return name
        return f"{name} ({representative.organisation.name})"


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Give the topic a title."),
            "max_length": _(
                "A title has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the topic is for; shown on the list of topics and on the topic."),
    )
    visibility = forms.ChoiceField(
        label=_("Who reads it"),
        choices=Topic.Visibility.choices,
        initial=Topic.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who reads the topic.")},
    )
    moderators = ModeratorChoiceField(
        label=_("Moderators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People who represent member organisations. Moderators hide posts, lock, pin, move "
            "and rename threads in this topic; the secretariat moderates every topic."
        ),
        error_messages={"invalid_choice": _("Choose moderators from the list.")},
    )

    def __init__(self, *args, moderator_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderators"].queryset = moderator_choices


class TopicStatusForm(forms.Form):
    """Archive or reopen a topic."""

    reason = _reason_field(
        label=_("Reason (optional)"), help_text=_("Recorded in the moderation log.")
    )
