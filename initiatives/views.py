"""The initiatives' pages come later, on top of initiatives.selectors and initiatives.services.

Until then, the one URL that mails and Initiative.get_absolute_url point to exists, so that
links can be built; it answers 404.
"""

from django.http import Http404


def initiative_detail(request, slug):
    """Placeholder: the initiative's page replaces it."""
    raise Http404
