"""Writes of the shared core."""

from django.db import transaction

from gangwei.models import Campaign, Organisation, OrgKind, User


def unit_register(
    *,
    unit_name: str,
    credit_code: str,
    parent: Organisation,
    contact_name: str,
    phone: str,
    email: str,
    username: str,
    password: str,
) -> User:
    """Create an applicant unit and its first user in one transaction."""
    with transaction.atomic():
        unit = Organisation.objects.create(
            kind=OrgKind.APPLICANT,
            name=unit_name.strip(),
            credit_code=credit_code,
            parent=parent,
            contact_name=contact_name.strip(),
            contact_phone=phone,
        )
        user = User(
            username=username,
            email=email,
            first_name=contact_name.strip(),
            phone=phone,
            organisation=unit,
        )
        user.set_password(password)
        user.save()
    return user


def campaign_copy_to_next_year(*, campaign: Campaign, user: User | None = None) -> Campaign:
    """A new campaign made from `campaign`, every date moved by one year, the notice number blank.

    Atomic (a savepoint inside an outer transaction), so that a caller may catch the
    IntegrityError of an existing year and go on using the connection.
    """
    new = Campaign(**campaign.shifted(1))
    new._history_user = user
    new._change_reason = f"由{campaign.year}年度复制，日期顺延一年"
    with transaction.atomic():
        new.save(force_insert=True)
    return new
