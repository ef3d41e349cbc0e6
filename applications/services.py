"""Writes to applications. Views parse the request and call exactly one of these."""

import functools
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects

from applications import phrases
from applications.eligibility import submission_errors
from applications.mail import notify_unit, organisation_recipients, split_recipients
from applications.models import Application, Attachment, Honour, Leader, MessageKind, NumberCounter, Status
from applications.uploads import check_quota, check_upload, quota_of
from applications.workflow import (
    ATTACHABLE,
    EDITABLE,
    Action,
    Note,
    TransitionNotAllowed,
    note_for,
    record_note,
    transition,
)
from gangwei.deadlines import StageClosed, require_stage_open
from gangwei.models import Campaign, Organisation, Stage, User
from gangwei.roles import Role, role_of
from gangwei.written_sql import column, table

APPLICATION_FIELDS = [
    "applicant_name",
    "post_name",
    "parent_unit",
    "category",
    "staff_total",
    "staff_women",
    "is_special_post",
    "special_reason",
    "contact_name",
    "contact_title",
    "contact_phone",
    "achievements",
    "unit_opinion",
    "pledge",
]
LEADER_FIELDS = ["name", "gender", "title", "phone"]
HONOUR_FIELDS = ["year", "title", "issuer"]


class DuplicateForm(Exception):
    """The same new form was posted again: `application` is the one the first post made."""

    def __init__(self, application: Application):
        self.application = application
        super().__init__(phrases.DUPLICATE_POST)


class StaleForm(Exception):
    """The form was loaded before somebody else saved the application."""

    message = phrases.STALE_FORM


def _require_applicant(user: User, application: Application | None = None) -> None:
    if role_of(user) != Role.APPLICANT:
        raise PermissionDenied(phrases.ONLY_APPLICANT)
    if application is not None and application.unit_id != user.organisation_id:
        raise PermissionDenied(phrases.ONLY_APPLICANT)


def rows_digest(leaders: list[dict], honours: list[dict]) -> str:
    """The digest of the rows as _write_rows writes them (Application.rows_digest)."""
    rows = [
        [[str(row.get(k) or "") for k in LEADER_FIELDS] for row in leaders],
        [[str(row.get(k) or "") for k in HONOUR_FIELDS] for row in honours],
    ]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def _rows(application: Application, leaders: list[dict], honours: list[dict]) -> tuple[list, list]:
    return (
        [
            Leader(application=application, position=i, **{k: row.get(k) or "" for k in LEADER_FIELDS})
            for i, row in enumerate(leaders)
        ],
        [
            Honour(application=application, position=i, **{k: row.get(k) or "" for k in HONOUR_FIELDS})
            for i, row in enumerate(honours)
        ],
    )


def _write_rows(application: Application, leaders: list[dict], honours: list[dict]) -> tuple[list, list]:
    """Replace the application's rows, unless they are the rows stored (its rows_digest, which the
    caller saves with the application: a form saved or submitted with its rows unchanged writes four
    statements fewer). Returns the rows (the snapshot reads them, not the table)."""
    digest = rows_digest(leaders, honours)
    new_leaders, new_honours = _rows(application, leaders, honours)
    if application.rows_digest == digest:
        return new_leaders, new_honours
    application.leaders.all().delete()
    application.honours.all().delete()
    application.rows_digest = digest
    return Leader.objects.bulk_create(new_leaders), Honour.objects.bulk_create(new_honours)


def application_create(
    *,
    user: User,
    campaign: Campaign,
    data: dict,
    leaders: list[dict],
    honours: list[dict],
    form_token: str = "",
) -> Application:
    """A new draft for the user's unit, while the APPLY window is open.

    `form_token` identifies the new form the data came from: posting the same form twice raises
    DuplicateForm with the first application instead of making a copy.
    """
    _require_applicant(user)
    require_stage_open(campaign, Stage.APPLY, user.organisation)
    existing = _by_form_token(user, form_token)
    if existing is not None:
        raise DuplicateForm(existing)
    try:
        with transaction.atomic():
            application = Application(campaign=campaign, unit=user.organisation, form_token=form_token)
            for name in APPLICATION_FIELDS:
                setattr(application, name, data.get(name))
            application.full_clean(exclude=["key", "number", "form_token"])
            application.rows_digest = rows_digest(leaders, honours)
            application.save()
            new_leaders, new_honours = _rows(application, leaders, honours)
            Leader.objects.bulk_create(new_leaders)
            Honour.objects.bulk_create(new_honours)
            record_note(application=application, action=Note.CREATE, actor=user)
    except IntegrityError:
        existing = _by_form_token(user, form_token)
        if existing is None:
            raise
        raise DuplicateForm(existing) from None
    return application


def _by_form_token(user: User, form_token: str) -> Application | None:
    if not form_token:
        return None
    return Application.objects.filter(unit_id=user.organisation_id, form_token=form_token).first()


def application_update(
    *, application: Application, user: User, version: int, data: dict, leaders: list[dict], honours: list[dict]
) -> Application:
    """Save the form over a draft (or a returned application), refusing a stale form."""
    _require_applicant(user, application)
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("campaign", "unit").get(pk=application.pk)
        stage = EDITABLE.get(locked.status)
        if stage is None:
            if _same_content(locked, data, leaders, honours):
                raise DuplicateForm(locked)  # the same form posted again after it was submitted
            raise PermissionDenied(phrases.NOT_EDITABLE.format(status=locked.get_status_display()))
        require_stage_open(locked.campaign, stage, locked.unit)
        if locked.version != version:
            if _same_content(locked, data, leaders, honours):
                return locked  # the same save arrived twice (a double click): nothing to do
            raise StaleForm()
        for name in APPLICATION_FIELDS:
            setattr(locked, name, data.get(name))
        # The key, number, form token, campaign and unit are the locked row's own, unchanged here:
        # nothing to validate (each would cost a query).
        locked.full_clean(exclude=["key", "number", "form_token", "campaign", "unit"])
        locked.version += 1
        _write_rows(locked, leaders, honours)  # before the save: it sets the rows' digest
        locked.save()
        record_note(application=locked, action=Note.EDIT, actor=user)
    return locked


def _same_content(application: Application, data: dict, leaders: list[dict], honours: list[dict]) -> bool:
    stored, stored_leaders, stored_honours = application_data(application)
    incoming = {name: data.get(name) for name in APPLICATION_FIELDS}
    rows = ([{k: row.get(k) or "" for k in LEADER_FIELDS} for row in leaders],
            [{k: row.get(k) or "" for k in HONOUR_FIELDS} for row in honours])
    return (stored, stored_leaders, stored_honours) == (incoming, *rows)


def application_data(application: Application) -> tuple[dict, list[dict], list[dict]]:
    """The application's fields and rows as plain data, the shape the rules and snapshots use."""
    data = {name: getattr(application, name) for name in APPLICATION_FIELDS}
    return data, *_stored_rows(application)


def _stored_rows(application: Application) -> tuple[list[dict], list[dict]]:
    """The 岗位负责人 and 曾获荣誉 rows as dicts, each in its order: those prefetched with the application,
    else both tables in ONE statement (every form page reads them; their columns are text, which
    neither database converts)."""
    cache = getattr(application, "_prefetched_objects_cache", {})
    if "leaders" in cache and "honours" in cache:
        return (
            [{k: getattr(row, k) for k in LEADER_FIELDS} for row in application.leaders.all()],
            [{k: getattr(row, k) for k in HONOUR_FIELDS} for row in application.honours.all()],
        )
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(connection.vendor), [application.pk, application.pk])
        found = cursor.fetchall()
    leaders = [dict(zip(LEADER_FIELDS, row[1 : 1 + len(LEADER_FIELDS)], strict=True)) for row in found if row[0] == 0]
    honours = [dict(zip(HONOUR_FIELDS, row[1 : 1 + len(HONOUR_FIELDS)], strict=True)) for row in found if row[0] == 1]
    return leaders, honours


@functools.cache
def _rows_sql(vendor: str) -> str:
    """SELECT kind, fields… of Leader (kind 0) UNION ALL Honour (kind 1, its fields padded with '')
    of one application, ordered as their Meta (position, id) within each kind."""
    width = max(len(LEADER_FIELDS), len(HONOUR_FIELDS))

    def part(kind: int, model, fields: list[str]) -> str:
        columns = [column(model, name) for name in fields] + ["''"] * (width - len(fields))
        return (
            f"SELECT {kind} AS kind, {', '.join(columns)}, {column(model, 'position')} AS position, "
            f"{column(model, 'id')} AS id FROM {table(model)} WHERE {column(model, 'application')} = %s"
        )

    return f"{part(0, Leader, LEADER_FIELDS)} UNION ALL {part(1, Honour, HONOUR_FIELDS)} ORDER BY kind, position, id"


def _snapshot(application: Application) -> dict:
    data, leaders, honours = application_data(application)
    return {**data, "leaders": leaders, "honours": honours}


def _assign_number(application: Application) -> list[str]:
    """Give the application its 申报编号 (year-body-sequence) at its first submission.

    The sequence comes from the (campaign, body) counter row, locked and incremented in the
    submission's transaction: one query whatever the number of applications (transition() has
    locked the body's row already, so submissions of one body queue there).
    """
    if application.number:
        return []
    body = application.unit.parent
    prefix = f"{application.campaign.year}-{body.code or body.pk}-"
    application.number = f"{prefix}{_next_sequence(application.campaign, body, prefix):03d}"
    return ["number"]


def _next_sequence(campaign: Campaign, body: Organisation, prefix: str) -> int:
    """The next sequence of the (campaign, body) counter row, incremented under its row lock in one
    statement (UPDATE … RETURNING: PostgreSQL, and SQLite from 3.35). The row is made on a body's
    first submission of the campaign, starting after any number already given with its prefix
    (numbers made outside this service, e.g. imported)."""
    quote = connection.ops.quote_name
    table, last = quote(NumberCounter._meta.db_table), quote("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE campaign_id = %s AND body_id = %s RETURNING {last}",
            [campaign.pk, body.pk],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    taken = Application.objects.filter(campaign=campaign, number__startswith=prefix).values_list("number", flat=True)
    last = max((_sequence(n) for n in taken), default=0)
    try:
        with transaction.atomic():
            NumberCounter.objects.create(campaign=campaign, body=body, last=last + 1)
    except IntegrityError:  # made by a concurrent first submission meanwhile
        return _next_sequence(campaign, body, prefix)
    return last + 1


def _sequence(number: str) -> int:
    try:
        return int(number.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0


def _submission_guard(application: Application) -> list[str]:
    # The rules read the rows here and the event's snapshot reads them again: fetch them once.
    prefetch_related_objects([application], "leaders", "honours")
    data, leaders, _ = application_data(application)
    errors = submission_errors(data=data, leaders=leaders)
    if errors:
        raise ValidationError(errors)
    return _assign_number(application)


def application_submit(*, application: Application, user: User) -> Application:
    """Submit (or resubmit after a return): every rule of DESIGN §4 is checked on the locked row."""
    _require_applicant(user, application)
    action = Action.RESUBMIT if application.status == Status.RETURNED else Action.SUBMIT
    with transaction.atomic():
        submitted = transition(
            application=application,
            action=action,
            actor=user,
            guard=_submission_guard,
            snapshot=_snapshot,
            savepoint=False,  # every refusal leaves this block, which rolls back
        )
        # The receipt is written with the submission and delivered by the worker (DESIGN §8).
        receipt = notify_unit(submitted, MessageKind.SUBMITTED)
    # Whom the receipt went to, for the page's message (spares reading the unit's users again).
    submitted.receipt_recipients = split_recipients(receipt.recipients)
    return submitted


def application_update_and_submit(
    *, application: Application, user: User, version: int, data: dict, leaders: list[dict], honours: list[dict]
) -> Application | None:
    """Save the form and submit it (the form's 提交 button) in ONE transaction.

    The two steps as separate transactions lock the row twice, read the window's deadline twice and
    read the rows back for the snapshot: here the save runs as transition()'s guard on the row it
    has locked (body first, then application: the order every writer keeps), so the window is
    checked once, on the locked row, exactly as the submission alone checks it (the editable stage
    of a draft or returned application is the stage of its SUBMIT or RESUBMIT), and the snapshot
    is taken from the rows just written.

    Every refusal (a closed window, a status changed meanwhile, a field or a rule failing) rolls the
    whole transaction back and returns None: the caller then runs the two steps, application_update
    then application_submit, so the user sees exactly what they always saw (the refusal of the save,
    or a saved draft with the rules' problems). A stale form raises StaleForm here directly, as the
    save would.
    """
    _require_applicant(user, application)
    if submission_errors(data=data, leaders=leaders):
        return None  # the rules refuse the typed data: the two steps save the draft and say why
    action = Action.RESUBMIT if application.status == Status.RETURNED else Action.SUBMIT
    written: dict[str, list] = {}
    notes: list = []  # the save's timeline line, written with the submission's

    def save_then_check(locked: Application) -> list[str]:
        if locked.version != version:
            if not _same_content(locked, data, leaders, honours):
                raise StaleForm()
            # The same save arrived twice (a double click): submit what is stored.
            prefetch_related_objects([locked], "leaders", "honours")
            written["leaders"], written["honours"] = list(locked.leaders.all()), list(locked.honours.all())
            fields = []
        else:
            for name in APPLICATION_FIELDS:
                setattr(locked, name, data.get(name))
            locked.full_clean(exclude=["key", "number", "form_token", "campaign", "unit"])
            locked.version += 1  # the save's version; transition() adds the submission's
            written["leaders"], written["honours"] = _write_rows(locked, leaders, honours)
            notes.append(note_for(application=locked, action=Note.EDIT, actor=user))
            fields = [*APPLICATION_FIELDS, "rows_digest"]
        stored = {name: getattr(locked, name) for name in APPLICATION_FIELDS}
        stored_leaders = [{k: getattr(row, k) for k in LEADER_FIELDS} for row in written["leaders"]]
        errors = submission_errors(data=stored, leaders=stored_leaders)
        if errors:
            raise ValidationError(errors)
        return fields + _assign_number(locked)

    def snapshot(locked: Application) -> dict:
        return {
            **{name: getattr(locked, name) for name in APPLICATION_FIELDS},
            "leaders": [{k: getattr(row, k) for k in LEADER_FIELDS} for row in written["leaders"]],
            "honours": [{k: getattr(row, k) for k in HONOUR_FIELDS} for row in written["honours"]],
        }

    try:
        with transaction.atomic():
            submitted = transition(
                application=application,
                action=action,
                actor=user,
                guard=save_then_check,
                snapshot=snapshot,
                notes=notes,
                savepoint=False,  # every refusal leaves this block, which rolls back
            )
            receipt = notify_unit(submitted, MessageKind.SUBMITTED)
    except (StageClosed, TransitionNotAllowed, PermissionDenied, ValidationError):
        return None
    submitted.receipt_recipients = split_recipients(receipt.recipients)
    return submitted


def application_withdraw(*, application: Application, user: User) -> Application:
    _require_applicant(user, application)
    return transition(application=application, action=Action.WITHDRAW, actor=user)


def receipt_recipients(application: Application) -> list[str]:
    """The e-mail addresses of the unit's active users, who get the submission receipt."""
    return organisation_recipients(application.unit)


def _attachment_stage(application: Application) -> Stage:
    stage = ATTACHABLE.get(application.status)
    if stage is None:
        raise PermissionDenied(phrases.ATTACHMENTS_FROZEN)
    return stage


def attachment_add(*, application: Application, user: User, upload: UploadedFile) -> Attachment:
    """Store an uploaded file after checking its content, while the application takes files and the
    quota (files, bytes) allows it. The quota is checked again under a lock on the application's row,
    so two uploads at once cannot both take the last place."""
    attachment_check_changeable(application=application, user=user)
    check_quota(quota_of(application.attachments.all()), upload.size)  # refuse early, before parsing
    checked = check_upload(upload)  # outside the lock: parsing and re-encoding take a while
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("campaign", "unit").get(
            pk=application.pk
        )
        attachment_check_changeable(application=locked, user=user)  # the status may have changed meanwhile
        check_quota(quota_of(locked.attachments.all()), len(checked.content))
        attachment = Attachment(
            application=locked,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=hashlib.sha256(checked.content).hexdigest(),
            uploaded_by=user,
        )
        attachment.file.save(upload.name or "upload", ContentFile(checked.content), save=False)
        attachment.save()
        record_note(application=locked, action=Note.UPLOAD, actor=user, note=attachment.original_name)
    return attachment


def attachment_check_changeable(*, application: Application, user: User) -> None:
    """PermissionDenied or StageClosed unless this user may add or delete attachments now."""
    _require_applicant(user, application)
    require_stage_open(application.campaign, _attachment_stage(application), application.unit)


def attachment_delete(*, attachment: Attachment, user: User) -> None:
    application = attachment.application
    attachment_check_changeable(application=application, user=user)
    with transaction.atomic():
        name = attachment.original_name
        stored = attachment.file.name
        attachment.delete()
        record_note(application=application, action=Note.DELETE_UPLOAD, actor=user, note=name)
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))
