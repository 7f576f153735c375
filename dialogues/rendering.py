"""Markdown → safe HTML for posts and outcomes, and the @mention syntax.

markdown-it-py parses with the CommonMark preset plus tables and strikethrough, with raw HTML
off (it shows as text) and images off (an image becomes a plain link: no tracking pixels, and
the CSP allows our own images only). nh3 then sanitises the result against an allow-list, so
even a bug in the parser cannot let a script, an event handler or a javascript:/data: URL
through. The HTML is rendered once, when a post is written, and stored.

Mentions are written `@[Full Name](user:42)`: the editor inserts them (selectors.
mention_candidates_for_user finds the people). The id makes them unambiguous and stable across
name changes; the displayed name is always the person's current name from the database, never
the label the author typed, so a mention cannot impersonate anyone. A mention of someone who
may not be mentioned (unknown id, or a person who cannot read the thread) renders as plain text.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import nh3
from django.urls import reverse
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from dialogues.models import HEADLINE_START, HEADLINE_STOP

MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,150})\]\(user:(\d{1,12})\)")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "span",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"mention"}, "span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"user_id": int(match.group(2)), "label": match.group(1)}
    state.pos = match.end()
    return True


def _render_mention(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    person = (env.get("mentions") or {}).get(meta["user_id"])
    if person is None:
        return escape(f"@{meta['label']}")
    name = escape(f"@{person.full_name}")
    href = mention_url(person)
    if href:
        return f'<a class="mention" href="{escape(href)}">{name}</a>'
    return f'<span class="mention">{name}</span>'


def mention_url(person) -> str:
    """Where a mention links: the person on their organisation's page (people have no page of
    their own); empty for people outside the member organisations (the secretariat)."""
    representative = getattr(person, "representative", None)
    if representative is None:
        return ""
    slug = representative.organisation.slug
    return reverse("members:organisation_detail", kwargs={"slug": slug}) + f"#person-{person.pk}"


def _build_parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .disable(["image"])
    )
    md.inline.add_terminator_char("@")
    md.inline.ruler.before("link", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    return md


_parser = _build_parser()


@dataclass
class Rendered:
    html: str
    text: str
    mentioned: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not _visible(self.text)


def _visible(text: str) -> str:
    # Zero-width and other format characters do not make a message.
    return "".join(c for c in text if unicodedata.category(c) not in {"Cf", "Zs", "Cc"}).strip()


def _plain_text(tokens, mentions) -> str:
    """The words of the message without markup, paragraph by paragraph: what search indexes,
    what snippets and reply quotes show."""
    blocks = []
    for token in tokens:
        if token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
                elif child.type == "mention":
                    person = mentions.get(child.meta["user_id"])
                    parts.append(f"@{person.full_name if person else child.meta['label']}")
            blocks.append("".join(parts))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
    text = "\n".join(block.strip() for block in blocks if block.strip())
    return text.replace(HEADLINE_START, "").replace(HEADLINE_STOP, "")


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(
    source: str, *, resolve_mentions: Callable[[set[int]], Iterable] | None = None
) -> Rendered:
    """Render Markdown to sanitised HTML and plain text. `resolve_mentions(ids)` returns the
    people (users) who may be mentioned among those ids; without it no mention is linked."""
    env: dict = {}
    tokens = _parser.parse(source or "", env)
    for token in tokens:
        # A post's headings sit below the page's own h1/h2.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    ids = {
        child.meta["user_id"]
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "mention"
    }
    people = list(resolve_mentions(ids)) if (ids and resolve_mentions) else []
    env["mentions"] = {person.pk: person for person in people}
    html = _parser.renderer.render(tokens, _parser.options, env)
    return Rendered(
        html=sanitise(html), text=_plain_text(tokens, env["mentions"]), mentioned=people
    )


def mention_markup(person) -> str:
    """The text an editor inserts to mention `person`."""
    name = re.sub(r"[\[\]\n]", " ", person.full_name or person.email)[:150]
    return f"@[{name}](user:{person.pk})"
