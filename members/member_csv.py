"""The secretariat's import and export of members as CSV: one format for both ways, so that an
exported file imported again changes nothing.

One row per organisation and person: the organisation's columns, then one person (a
representative, or an invitation still pending) by email address and role. An organisation
without people has one row with the person's columns empty; an organisation with three people
has three rows whose organisation columns agree.

People are never given accounts by an import: a person who is not yet a representative of the
organisation is *invited* (members.services.representative_invite), and becomes one by signing
up (or in) and accepting, as with any invitation. So the portal never holds a password or an
account the person did not create, and they agree to the terms themselves.

Trying a file (the dry run) and applying it run the same code: the dry run is an application in
a transaction that is rolled back, so the report it shows is exactly what "Apply" will do.
"""

import codecs
import csv
import datetime
import io
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_record
from members import geography
from members.models import (
    FoundingNetwork,
    Organisation,
    OrganisationKind,
    Representative,
    RepresentativeInvitation,
)
from members.permissions import is_secretariat

COLUMNS = [
    "organisation_slug",
    "organisation_name",
    "kind",
    "country",
    "region_code",
    "nuts_code",
    "website",
    "founding_network",
    "member_since",
    "person_email",
    "person_role",
]
ORGANISATION_COLUMNS = COLUMNS[:9]
# The organisation's fields an import sets, in the order of the columns.
ORGANISATION_FIELDS = {
    "organisation_name": "name",
    "kind": "kind",
    "country": "country",
    "region_code": "region_code",
    "nuts_code": "nuts_code",
    "website": "website",
    "founding_network": "founding_network",
    "member_since": "member_since",
}
MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); the
# export writes such a cell with a leading apostrophe, which the import takes off again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Result:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class RowReport:
    line: int
    organisation: str
    person: str
    result: str = Result.UNCHANGED
    notes: list = field(default_factory=list)


# --- Reading the file ----------------------------------------------------------------------


def member_csv_parse(content: bytes) -> list[dict]:
    """The rows of an uploaded file as dicts of the COLUMNS (plus "line"), or a ValidationError
    whose message says what is wrong with the file as a whole."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d KB. Split it into smaller files.")
            % {"size": MAX_FILE_BYTES // 1024},
            code="too_large",
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError(_encoding_message(), code="encoding")
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(_encoding_message(), code="encoding") from None
    if "\x00" in text:
        raise ValidationError(_("This is not a CSV file."), code="binary")
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")

    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        missing = [column for column in COLUMNS if column not in header]
        unknown = [column for column in header if column and column not in COLUMNS]
        if missing or unknown:
            raise ValidationError(
                _(
                    "The first line must name the columns %(columns)s (missing: %(missing)s; "
                    "unknown: %(unknown)s)."
                )
                % {
                    "columns": ", ".join(COLUMNS),
                    "missing": ", ".join(missing) or "—",
                    "unknown": ", ".join(unknown) or "—",
                },
                code="columns",
            )
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(count)d rows. Split it into smaller files.")
                    % {"count": MAX_ROWS},
                    code="too_many_rows",
                )
            row = {"line": reader.line_num}
            for index, column in enumerate(header):
                if column:
                    row[column] = _cell_read(cells[index] if index < len(cells) else "")
            rows.append(row)
    except csv.Error as error:
        raise ValidationError(
            _("The file is not valid CSV (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": error},
            code="csv",
        ) from None
    if not rows:
        raise ValidationError(_("The file has no rows below its first line."), code="no_rows")
    return rows


def _encoding_message():
    return _(
        "The file is not in UTF-8. In your spreadsheet, save it as “CSV UTF-8” and upload it again."
    )


def _cell_read(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _cell_write(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# --- Writing the file ----------------------------------------------------------------------


def member_export_rows():
    """The rows of the export, in COLUMNS order: every organisation, each with its
    representatives (contacts first) and pending invitations. Three queries."""
    organisations = Organisation.objects.order_by("name", "pk").prefetch_related(
        Prefetch(
            "representatives",
            queryset=Representative.objects.select_related("user").order_by("role", "user__email"),
        ),
        Prefetch(
            "invitations",
            queryset=RepresentativeInvitation.objects.filter(
                status=RepresentativeInvitation.Status.PENDING
            ).order_by("role", "email"),
            to_attr="pending_invitations",
        ),
    )
    for organisation in organisations:
        values = [
            organisation.slug,
            organisation.name,
            organisation.kind,
            organisation.country,
            organisation.region_code,
            organisation.nuts_code,
            organisation.website,
            organisation.founding_network,
            organisation.member_since.isoformat() if organisation.member_since else "",
        ]
        people = [(r.user.email, r.role) for r in organisation.representatives.all()]
        people += [(i.email, i.role) for i in organisation.pending_invitations]
        for email, role in people or [("", "")]:
            yield [_cell_write(value) for value in [*values, email, role]]


def member_csv_write(stream) -> None:
    stream.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    writer.writerows(member_export_rows())


# --- Importing -----------------------------------------------------------------------------


class _DryRun(Exception):
    pass


def member_import_run(*, rows: list[dict], acting_user, apply: bool, filename: str = "") -> list:
    """Import the rows: organisations are created or updated, people invited. Row by row, each
    row in a savepoint, so a rejected row changes nothing; the whole file is one transaction.
    With apply=False everything is rolled back at the end (the dry run). Returns RowReports
    as dicts."""
    if not is_secretariat(acting_user):
        raise PermissionDenied
    reports = []
    try:
        with transaction.atomic():
            seen = {}
            for row in rows:
                reports.append(_row_import(row, acting_user=acting_user, seen=seen))
            if not apply:
                raise _DryRun
            _audit(acting_user=acting_user, reports=reports, filename=filename)
    except _DryRun:
        pass
    return [asdict(report) for report in reports]


def _audit(*, acting_user, reports, filename):
    counts = report_counts([asdict(report) for report in reports])
    audit_record(
        actor=acting_user,
        action="member_import_apply",
        object_type="members.import",
        object_label=filename[:255],
        changes={"rows": len(reports), **counts},
    )


class _RowRejected(Exception):
    def __init__(self, reasons):
        super().__init__(reasons)
        self.reasons = reasons


def _row_import(row: dict, *, acting_user, seen: dict) -> RowReport:
    report = RowReport(
        line=row["line"],
        organisation=row.get("organisation_name") or row.get("organisation_slug") or "",
        person=row.get("person_email", ""),
    )
    try:
        with transaction.atomic():
            values = _organisation_values(row)
            organisation, result, key = _organisation_import(row, values, report, acting_user, seen)
            report.result = result
            if row.get("person_email"):
                if _person_import(row, organisation, acting_user, report):
                    if report.result == Result.UNCHANGED:
                        report.result = Result.UPDATED
        # Remembered only once the row stands (a rejected row's savepoint is rolled back).
        seen.setdefault(key, (row["line"], values, organisation))
    except _RowRejected as rejection:
        report.result = Result.REJECTED
        report.notes = rejection.reasons
    except ValidationError as error:
        report.result = Result.REJECTED
        report.notes = _messages(error)
    except IntegrityError:
        report.result = Result.REJECTED
        report.notes = [_("The row conflicts with data changed meanwhile. Try the file again.")]
    return report


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        labels = {value: key for key, value in ORGANISATION_FIELDS.items()}
        return [
            f"{labels.get(name, name)}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _organisation_values(row: dict) -> dict:
    """The organisation's fields from the row, checked cell by cell (the model's own rules
    are checked by full_clean afterwards)."""
    reasons = []
    name = row.get("organisation_name", "")
    if not name:
        reasons.append(_("organisation_name: the organisation has no name."))
    kind = row.get("kind", "")
    if kind not in OrganisationKind.values:
        reasons.append(
            _("kind: “%(value)s” is not a kind of organisation (use %(choices)s).")
            % {"value": kind, "choices": ", ".join(OrganisationKind.values)}
        )
    country = row.get("country", "").upper()
    if country not in geography.ELIGIBLE_COUNTRIES:
        reasons.append(
            _("country: “%(value)s” is not the code of a country members come from.")
            % {"value": row.get("country", "")}
        )
    founding_network = row.get("founding_network", "")
    if founding_network and founding_network not in FoundingNetwork.values:
        reasons.append(
            _("founding_network: “%(value)s” is not known (use %(choices)s, or leave it empty).")
            % {"value": founding_network, "choices": ", ".join(FoundingNetwork.values)}
        )
    member_since = None
    if row.get("member_since"):
        try:
            member_since = datetime.date.fromisoformat(row["member_since"])
        except ValueError:
            reasons.append(
                _("member_since: write the date as YYYY-MM-DD (not “%(value)s”).")
                % {"value": row["member_since"]}
            )
    slug = row.get("organisation_slug", "")
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            reasons.append(_("organisation_slug: use lower-case letters, digits and hyphens only."))
    email = row.get("person_email", "")
    role = row.get("person_role", "")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            reasons.append(
                _("person_email: “%(value)s” is not an email address.") % {"value": email}
            )
        if role and role not in Representative.Role.values:
            reasons.append(
                _("person_role: “%(value)s” is not a role (use %(choices)s).")
                % {"value": role, "choices": ", ".join(Representative.Role.values)}
            )
    elif role:
        reasons.append(_("person_role: a role needs the person's email address."))
    if reasons:
        raise _RowRejected(reasons)
    return {
        "name": name,
        "kind": kind,
        "country": country,
        "region_code": row.get("region_code", "").upper(),
        "nuts_code": row.get("nuts_code", "").upper(),
        "website": row.get("website", ""),
        "founding_network": founding_network,
        "member_since": member_since,
    }


def _organisation_import(row, values, report, acting_user, seen):
    from members.services import _unique_slug, organisation_update

    slug = row.get("organisation_slug", "")
    key = slug or f"name:{values['name'].lower()}:{values['country']}"
    if key in seen:
        # The organisation's second (third…) person: its columns must agree with its first row.
        first_line, first_values, organisation = seen[key]
        if values != first_values:
            raise _RowRejected(
                [
                    _(
                        "The organisation's columns differ from line %(line)d, "
                        "which names the same organisation."
                    )
                    % {"line": first_line}
                ]
            )
        return organisation, Result.UNCHANGED, key
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
    else:
        matches = list(
            Organisation.objects.filter(name__iexact=values["name"], country=values["country"])[:2]
        )
        if len(matches) > 1:
            raise _RowRejected(
                [_("Several organisations have this name in this country: give organisation_slug.")]
            )
        organisation = matches[0] if matches else None

    if organisation is None:
        organisation = Organisation(slug=slug or _unique_slug(values["name"]), **values)
        organisation.full_clean()
        organisation.save()
        result = Result.CREATED
        report.notes.append(_("New organisation “%(slug)s”.") % {"slug": organisation.slug})
    else:
        changed = [
            column
            for column, field_name in ORGANISATION_FIELDS.items()
            if getattr(organisation, field_name) != values[field_name]
        ]
        if changed:
            organisation_update(organisation=organisation, acting_user=acting_user, data=values)
            result = Result.UPDATED
            report.notes.append(_("Changed: %(columns)s.") % {"columns": ", ".join(changed)})
        else:
            result = Result.UNCHANGED
    return organisation, result, key


def _person_import(row, organisation, acting_user, report) -> bool:
    """Invite the person, or change their role; True when something changed."""
    from members.services import MembershipError, representative_invite, representative_role_change

    email = row["person_email"]
    role = row.get("person_role") or Representative.Role.REPRESENTATIVE
    representative = (
        Representative.objects.select_related("organisation", "user")
        .filter(user__email__iexact=email)
        .first()
    )
    try:
        if representative is not None:
            if representative.organisation_id != organisation.pk:
                raise _RowRejected(
                    [
                        _("person_email: this person already represents %(organisation)s.")
                        % {"organisation": representative.organisation.name}
                    ]
                )
            if representative.role == role:
                return False
            representative_role_change(
                representative=representative, role=role, acting_user=acting_user
            )
            report.notes.append(
                _("%(email)s is now %(role)s.")
                % {"email": email, "role": Representative.Role(role).label}
            )
            return True
        invitation = organisation.invitations.filter(
            email__iexact=email, status=RepresentativeInvitation.Status.PENDING
        ).first()
        if invitation is not None:
            if invitation.role != role:
                raise _RowRejected(
                    [
                        _(
                            "person_email: this person is already invited as %(role)s; cancel "
                            "the invitation on the organisation's page first."
                        )
                        % {"role": Representative.Role(invitation.role).label}
                    ]
                )
            return False
        representative_invite(
            organisation=organisation, email=email, role=role, acting_user=acting_user
        )
    except MembershipError as error:
        raise _RowRejected([str(error)]) from None
    report.notes.append(
        _("%(email)s will be invited as %(role)s.")
        % {"email": email, "role": Representative.Role(role).label}
    )
    return True


def report_counts(reports: list[dict]) -> dict:
    counts = {Result.CREATED: 0, Result.UPDATED: 0, Result.UNCHANGED: 0, Result.REJECTED: 0}
    for report in reports:
        counts[report["result"]] += 1
    return counts


def report_summary(counts: dict) -> str:
    return ", ".join(
        [
            ngettext("%(n)d created", "%(n)d created", counts["created"])
            % {"n": counts["created"]},
            ngettext("%(n)d updated", "%(n)d updated", counts["updated"])
            % {"n": counts["updated"]},
            ngettext("%(n)d unchanged", "%(n)d unchanged", counts["unchanged"])
            % {"n": counts["unchanged"]},
            ngettext("%(n)d rejected", "%(n)d rejected", counts["rejected"])
            % {"n": counts["rejected"]},
        ]
    )
