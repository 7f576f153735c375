"""The secretariat's topic management: create and edit topics, name their moderators, archive
and reopen them. The secretariat only: anonymous people sign in, everyone else gets 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from dialogues import selectors, services
from dialogues.forms import TopicForm, TopicStatusForm
from dialogues.views.links import topic_url
from eca_portal.forms import form_errors_attach
from members.access import SecretariatRequiredMixin, secretariat_required


class TopicCreateView(SecretariatRequiredMixin, FormView):
    template_name = "dialogues/topic_form.html"
    form_class = TopicForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "moderator_choices": selectors.moderator_candidates()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            topic = services.topic_create(
                acting_user=self.request.user,
                title=data["title"],
                description=data["description"],
                visibility=data["visibility"],
                moderators=data["moderators"],
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The topic “%(title)s” is open.") % {"title": topic.title})
        return redirect(topic_url(topic))


class TopicEditView(SecretariatRequiredMixin, FormView):
    template_name = "dialogues/topic_form.html"
    form_class = TopicForm

    def get_topic(self):
        if not hasattr(self, "topic"):
            self.topic = selectors.topic_get_for_user(
                user=self.request.user, slug=self.kwargs["slug"]
            )
        return self.topic

    def get_form_kwargs(self):
        topic = self.get_topic()
        return {
            **super().get_form_kwargs(),
            "moderator_choices": selectors.moderator_candidates(topic=topic),
        }

    def get_initial(self):
        topic = self.get_topic()
        return {
            "title": topic.title,
            "description": topic.description,
            "visibility": topic.visibility,
            "moderators": [moderator.pk for moderator in topic.moderators.all()],
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.get_topic(),
            topic_url=topic_url(self.get_topic()),
            status_form=kwargs.pop("status_form", None) or TopicStatusForm(prefix="status"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                topic = services.topic_update(
                    topic=self.get_topic(),
                    acting_user=self.request.user,
                    title=data["title"],
                    description=data["description"],
                    visibility=data["visibility"],
                )
                services.topic_moderators_set(
                    topic=topic, acting_user=self.request.user, moderators=data["moderators"]
                )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The topic is saved."))
        return redirect(topic_url(topic))


def _topic_status_change(request, slug, *, service, success):
    topic = selectors.topic_get_for_user(user=request.user, slug=slug)
    form = TopicStatusForm(request.POST, prefix="status")
    if not form.is_valid():
        # The edit page again, with the reason's error and what was typed.
        view = TopicEditView()
        view.setup(request, slug=slug)
        view.topic = topic
        topic_form = TopicForm(
            initial=view.get_initial(),
            moderator_choices=selectors.moderator_candidates(topic=topic),
        )
        return view.render_to_response(view.get_context_data(form=topic_form, status_form=form))
    service(topic=topic, acting_user=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, success)
    return redirect(topic_url(topic))


@require_POST
@secretariat_required
def topic_archive(request, slug):
    return _topic_status_change(
        request,
        slug,
        service=services.topic_archive,
        success=_("The topic is archived: it stays readable, and nobody can write in it."),
    )


@require_POST
@secretariat_required
def topic_reopen(request, slug):
    return _topic_status_change(
        request,
        slug,
        service=services.topic_reopen,
        success=_("The topic is open again."),
    )
