"""Searching the dialogues: thread titles and posts, ranked, with highlighted snippets.

Nobody finds what they may not read: selectors.post_search_for_user leaves out the topics the
person may not read and hidden posts (except for the topics they moderate)."""

import re

from django.utils.translation import gettext as _
from django.views.generic import ListView

from dialogues import selectors
from dialogues.forms import SearchForm
from dialogues.views.links import post_url, thread_url
from eca_portal.pagination import ForgivingPaginationMixin

SEARCH_PAGE_SIZE = 20
# Shorter searches match almost everything and say little.
QUERY_MIN_LENGTH = 2
_LETTERS_RE = re.compile(r"[^\W_]", re.UNICODE)


class SearchView(ForgivingPaginationMixin, ListView):
    template_name = "dialogues/search_results.html"
    context_object_name = "results"
    paginate_by = SEARCH_PAGE_SIZE

    def get_form(self):
        if not hasattr(self, "form"):
            self.form = SearchForm(
                self.request.GET or None,
                topics=selectors.topic_options_for_user(user=self.request.user),
            )
        return self.form

    def get_problem(self, form):
        """Why no search runs, in words ("" when it does)."""
        if not form.is_bound:
            return ""
        if not form.is_valid():
            return _("The search could not be run: correct it below.")
        query = form.cleaned_data["q"]
        if not query:
            return _("Type one or more words to search for.")
        if len(_LETTERS_RE.findall(query)) < QUERY_MIN_LENGTH:
            return _("Type at least %(count)d letters or digits to search for.") % {
                "count": QUERY_MIN_LENGTH
            }
        return ""

    def get_queryset(self):
        form = self.get_form()
        self.problem = self.get_problem(form)
        self.searched = form.is_bound and not self.problem
        self.results = selectors.post_search_for_user(
            user=self.request.user,
            query=form.cleaned_data["q"] if self.searched else "",
            topic=form.cleaned_data["topic"] if self.searched else None,
        )
        return self.results.posts

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The selector has counted (up to its cap): no second COUNT.
        paginator.count = self.results.count
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for post in context["results"]:
            post.permalink = post_url(post)
            post.thread_link = thread_url(post.thread)
        form = self.get_form()
        valid = form.is_bound and form.is_valid()
        context.update(
            form=form,
            problem=self.problem,
            searched=self.searched,
            capped=self.results.capped,
            query=form.cleaned_data["q"] if valid else "",
            search_topic=form.cleaned_data["topic"] if valid else None,
        )
        return context
