"""The French and German catalogues: complete, compiled, and covering every string in the code."""

import ast
import contextlib
import gettext
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

PROJECT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fr", "de"]
# What `make messages` does not look at: tests, the virtualenv and other hidden directories,
# collected static files and uploads.
NOT_SOURCE = {"tests", "locale", "staticfiles", "media", "node_modules"}
FIX = (
    "Run `make messages`, translate the new strings in locale/*/LC_MESSAGES/django.po and compile."
)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: dict = field(default_factory=dict)  # "msgstr" or "msgstr[n]" -> text
    flags: set = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)


def po_entries(path):
    """The entries of a .po file (obsolete "#~" ones left out); the header is the first."""
    entries, entry, keyword = [], Entry(), None
    for line in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if keyword:
                entries.append(entry)
            entry, keyword = Entry(), None
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if keyword.startswith("msgstr"):
                entry.msgstrs[keyword] += value
            else:
                setattr(entry, keyword, getattr(entry, keyword) + value)
        else:
            keyword, _, quoted = line.partition(" ")
            if keyword.startswith("msgstr"):
                entry.msgstrs[keyword] = _unquote(quoted)
            else:
                setattr(entry, keyword, _unquote(quoted))
    return entries


def _unquote(quoted):
    # A .po string is a C string literal: \" \\ \n \t, the rest as written.
    return ast.literal_eval(quoted)


def catalogue(language, root=PROJECT):
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def messages(language, root=PROJECT):
    """The translatable entries (not the header)."""
    return [entry for entry in po_entries(catalogue(language, root)) if entry.msgid]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = po_entries(catalogue(language))
    assert entries and entries[0].msgid == "", "the catalogue has no header"
    assert len(entries) > 1, "the catalogue has no messages"
    fuzzy = [entry.msgid or "(header)" for entry in entries if "fuzzy" in entry.flags]
    untranslated = [
        entry.msgid for entry in entries[1:] if not entry.msgstrs or not all(entry.msgstrs.values())
    ]
    assert not fuzzy, f"fuzzy entries in {language}: {fuzzy}\n{FIX}"
    assert not untranslated, f"untranslated in {language}: {untranslated}\n{FIX}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    mo_path = catalogue(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing. Run `make messages`."
    with mo_path.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = []
    for entry in messages(language):
        if not all(entry.msgstrs.values()):
            continue  # untranslated: the test above reports it
        if entry.msgid_plural is None:
            expected = {"msgstr": entry.msgstrs["msgstr"]}
            if entry.msgctxt is None:
                found = {"msgstr": compiled.gettext(entry.msgid)}
            else:
                found = {"msgstr": compiled.pgettext(entry.msgctxt, entry.msgid)}
        else:
            expected, found = entry.msgstrs, {}
            for count in [0, 1, 2, 3, 5, 11, 21, 100, 1_000_000]:
                form = f"msgstr[{compiled.plural(count)}]"
                if entry.msgctxt is None:
                    found[form] = compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                else:
                    found[form] = compiled.npgettext(
                        entry.msgctxt, entry.msgid, entry.msgid_plural, count
                    )
        if found != expected:
            stale.append(entry.msgid)
    assert not stale, f"{mo_path} is out of date for {stale}. Run `make messages`."


@pytest.fixture(scope="module")
def extracted_messages(tmp_path_factory):
    """The msgids `make messages` finds in the code now, from a copy of the project's sources."""
    if not shutil.which("xgettext"):
        pytest.skip(
            "GNU gettext (xgettext) is not installed, so the code's strings cannot be extracted "
            "to compare with the catalogues (apt-get install gettext)."
        )
    copy = tmp_path_factory.mktemp("sources")
    for child in PROJECT.iterdir():
        if child.name.startswith(".") or child.name in NOT_SOURCE:
            continue
        if child.is_dir() and not child.name.endswith(".egg-info"):
            shutil.copytree(
                child,
                copy / child.name,
                ignore=shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.mo", "*.po"),
            )
        elif child.suffix == ".py":
            shutil.copy(child, copy)
    (copy / "locale").mkdir()
    # makemessages writes next to LOCALE_PATHS[0]: point it at the copy, never at locale/.
    with override_settings(LOCALE_PATHS=[copy / "locale"]), contextlib.chdir(copy):
        call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    return {entry.key for entry in messages("fr", root=copy)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_exactly_the_strings_of_the_code(language, extracted_messages):
    committed = {entry.key for entry in messages(language)}
    missing = sorted(msgid for _, msgid in extracted_messages - committed)
    obsolete = sorted(msgid for _, msgid in committed - extracted_messages)
    assert not missing and not obsolete, (
        f"strings in the code without a {language} translation: {missing}\n"
        f"{language} translations of strings no longer in the code: {obsolete}\n{FIX}"
    )


def test_allauth_messages_the_portal_translates_are_still_allauths():
    """If allauth rewords one of them, the portal's formal translation silently stops applying."""
    import allauth

    from accounts.allauth_messages import ALLAUTH_MESSAGES_TRANSLATED_BY_THE_PORTAL

    allauth_catalogue = Path(allauth.__file__).parent / "locale/de/LC_MESSAGES/django.po"
    allauth_msgids = {entry.msgid for entry in po_entries(allauth_catalogue)}
    reworded = [m for m in ALLAUTH_MESSAGES_TRANSLATED_BY_THE_PORTAL if m not in allauth_msgids]
    assert not reworded, f"no longer in allauth's catalogue: {reworded}"
