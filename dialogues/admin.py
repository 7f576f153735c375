"""The dialogues in the Django admin: read-mostly.

Everything that changes a dialogue goes through dialogues.services (which keep the rendered
HTML, search vectors, counters and the moderation log consistent), so the admin shows the data
and lets the secretariat correct a topic's title and description, nothing more.
"""

from django.contrib import admin

from dialogues.models import (
    Attachment,
    Flag,
    Follow,
    Mention,
    ModerationAction,
    Outcome,
    OutcomeEndorsement,
    OutcomeRevision,
    Post,
    PostRevision,
    ReadState,
    Thread,
    Topic,
    UsefulMark,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "visibility", "status", "created_at"]
    list_filter = ["visibility", "status"]
    search_fields = ["title", "slug"]
    fields = [
        "title",
        "description",
        "slug",
        "visibility",
        "status",
        "moderators",
        "created_by",
        "created_at",
        "archived_at",
    ]
    # Visibility, status and moderators change through the services (they log and prune).
    readonly_fields = [
        "slug",
        "visibility",
        "status",
        "moderators",
        "created_by",
        "created_at",
        "archived_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostInline(ReadOnlyInline):
    model = Post
    fields = ["number", "author", "organisation", "created_at", "hidden_at"]
    readonly_fields = fields
    ordering = ["number"]


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "topic",
        "kind",
        "author",
        "organisation",
        "post_count",
        "is_pinned",
        "is_locked",
        "last_activity_at",
    ]
    list_filter = ["kind", "is_pinned", "is_locked", "topic"]
    search_fields = ["title"]
    list_select_related = ["topic", "author", "organisation"]
    date_hierarchy = "last_activity_at"
    inlines = [PostInline]
    exclude = ["last_post"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "file"]
    readonly_fields = fields


class PostRevisionInline(ReadOnlyInline):
    model = PostRevision
    fields = ["created_at", "edited_by", "body"]
    readonly_fields = fields


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "organisation", "created_at", "edited_at", "hidden_at"]
    list_filter = ["hidden_at", "thread__topic"]
    search_fields = ["body_text", "thread__title"]
    list_select_related = ["thread", "author", "organisation"]
    exclude = ["search_vector", "body_html"]
    raw_id_fields = ["thread", "reply_to"]
    inlines = [AttachmentInline, PostRevisionInline]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["post", "flagged_by", "created_at", "resolved_at", "resolution"]
    list_filter = ["resolution"]
    list_select_related = ["post__thread", "flagged_by"]
    raw_id_fields = ["post"]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "topic", "thread", "post"]
    list_filter = ["action"]
    list_select_related = ["actor", "topic", "thread", "post"]
    raw_id_fields = ["post", "thread"]


class OutcomeRevisionInline(ReadOnlyInline):
    model = OutcomeRevision
    fields = ["version", "author", "created_at", "summary"]
    readonly_fields = fields


class OutcomeEndorsementInline(ReadOnlyInline):
    model = OutcomeEndorsement
    fields = ["organisation", "endorsed_by", "outcome_version", "created_at", "withdrawn_at"]
    readonly_fields = fields


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["thread", "version", "concluded_by", "created_at", "updated_at"]
    list_select_related = ["thread", "concluded_by"]
    exclude = ["summary_html"]
    inlines = [OutcomeRevisionInline, OutcomeEndorsementInline]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["user", "topic", "thread", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["user", "topic", "thread"]


@admin.register(ReadState)
class ReadStateAdmin(ReadOnlyAdmin):
    list_display = ["user", "thread", "last_read_post_number", "updated_at"]
    list_select_related = ["user", "thread"]


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdmin):
    list_display = ["user", "post", "created_at"]
    list_select_related = ["user", "post__thread"]


@admin.register(UsefulMark)
class UsefulMarkAdmin(ReadOnlyAdmin):
    list_display = ["user", "post", "created_at"]
    list_select_related = ["user", "post__thread"]
