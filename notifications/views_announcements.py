"""The secretariat's announcements: list, write a draft, look at it, send it, and follow the
sending (read from the database, so the progress survives a reload)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from eca_portal.forms import form_errors_attach
from eca_portal.pagination import ForgivingPaginationMixin
from members.access import SecretariatRequiredMixin, secretariat_required
from members.geography import country_name
from notifications import announcements
from notifications.forms import AnnouncementForm
from notifications.models import Announcement


class AnnouncementListView(SecretariatRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "notifications/announcement_list.html"
    context_object_name = "announcements"
    paginate_by = 25

    def get_queryset(self):
        return (
            Announcement.objects.select_related("author")
            .annotate(given=Count("notifications"))
            .order_by("-created_at", "-pk")
        )


class AnnouncementFormView(SecretariatRequiredMixin, FormView):
    """Write a new draft, or edit one (a sent announcement is not edited: 404)."""

    template_name = "notifications/announcement_form.html"
    form_class = AnnouncementForm

    def dispatch(self, request, *args, **kwargs):
        self.announcement = None
        if "pk" in kwargs:
            self.announcement = get_object_or_404(
                Announcement, pk=kwargs["pk"], status=Announcement.Status.DRAFT
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.announcement is None:
            return {}
        return {
            "title": self.announcement.title,
            "body": self.announcement.body,
            "countries": self.announcement.countries,
            "themes": list(self.announcement.themes.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(announcement=self.announcement, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            announcement = announcements.announcement_save(
                acting_user=self.request.user,
                title=data["title"],
                body=data["body"],
                countries=data["countries"],
                themes=data["themes"],
                announcement=self.announcement,
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft is saved. Check it, then send it."))
        return redirect("announcements:detail", pk=announcement.pk)


@secretariat_required
def announcement_detail(request, pk):
    announcement = get_object_or_404(
        Announcement.objects.select_related("author").prefetch_related("themes"), pk=pk
    )
    context = {
        "announcement": announcement,
        "country_names": [country_name(code) for code in announcement.countries],
        "audience_count": (
            announcements.announcement_audience(announcement).count()
            if announcement.status == Announcement.Status.DRAFT
            else announcement.recipient_count
        ),
        "progress": announcements.announcement_progress(announcement=announcement),
    }
    return render(request, "notifications/announcement_manage.html", context)


@require_POST
@secretariat_required
def announcement_send(request, pk):
    announcement = get_object_or_404(Announcement, pk=pk)
    try:
        announcements.announcement_send(announcement=announcement, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Sending has started. This page shows how far it is."))
    return redirect(reverse("announcements:detail", kwargs={"pk": pk}))
