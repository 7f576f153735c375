"""The joint initiatives in the Django admin: read-mostly.

Everything that changes an initiative goes through initiatives.services (which keep the status
history, the change log, the lead, the search vector and the discussion thread consistent and
mail the partners), so the admin shows the data. The one thing the secretariat edits here is
the funding-source vocabulary.
"""

from django.contrib import admin

from initiatives.models import (
    Commitment,
    FundingSource,
    Initiative,
    InitiativeDocument,
    InitiativeEvent,
    InitiativePartner,
    NewsUpdate,
    PartnerRequest,
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
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "name_de", "slug"]
    search_fields = ["name", "name_fr", "name_de", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # A source that initiatives use stays (the foreign key protects it); others may go.
        if obj is not None and obj.initiatives.exists():
            return False
        return super().has_delete_permission(request, obj)


class PartnerInline(ReadOnlyInline):
    model = InitiativePartner
    fields = ["organisation", "role", "joined_at", "left_at"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = InitiativeEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "organisation", "note"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "lead_organisation", "funding_source", "created_at"]
    list_filter = ["status", "funding_source", "themes"]
    search_fields = ["title", "slug", "summary", "lead_organisation__name"]
    list_select_related = ["lead_organisation", "funding_source"]
    date_hierarchy = "created_at"
    exclude = ["search_vector", "description_html"]
    inlines = [PartnerInline, EventInline]


@admin.register(PartnerRequest)
class PartnerRequestAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "organisation", "kind", "role", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["initiative__title", "organisation__name"]
    list_select_related = ["initiative", "organisation"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "organisation", "kind", "amount", "created_at", "superseded_at"]
    list_filter = ["kind"]
    search_fields = ["initiative__title", "organisation__name", "description"]
    list_select_related = ["initiative", "organisation"]


@admin.register(NewsUpdate)
class NewsUpdateAdmin(ReadOnlyAdmin):
    list_display = ["title", "initiative", "organisation", "created_at"]
    search_fields = ["title", "initiative__title"]
    list_select_related = ["initiative", "organisation"]
    exclude = ["body_html"]


@admin.register(InitiativeDocument)
class InitiativeDocumentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "initiative", "organisation", "size", "created_at"]
    search_fields = ["original_name", "title", "initiative__title"]
    list_select_related = ["initiative", "organisation"]
    # No link to the file: documents are served only through a view that checks the reader.
    exclude = ["file"]


@admin.register(InitiativeEvent)
class InitiativeEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "initiative", "kind", "actor", "organisation"]
    list_filter = ["kind"]
    search_fields = ["initiative__title", "note"]
    list_select_related = ["initiative", "actor", "organisation"]
