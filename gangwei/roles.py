"""What a user is, from the kind of the organisation they belong to."""

from django.contrib.auth.models import AnonymousUser

from gangwei.models import OrgKind, User


class Role:
    APPLICANT = "applicant"
    REVIEWER = "reviewer"
    CITY = "city"


ROLE_BY_KIND = {
    OrgKind.APPLICANT: Role.APPLICANT,
    OrgKind.REVIEWING_BODY: Role.REVIEWER,
    OrgKind.CITY: Role.CITY,
}

ROLE_LABELS = {Role.APPLICANT: "申报单位", Role.REVIEWER: "初审单位", Role.CITY: "市妇联宣发部"}


def role_of(user: User | AnonymousUser) -> str | None:
    if not user.is_authenticated or user.organisation_id is None:
        return None
    return ROLE_BY_KIND.get(user.organisation.kind)


def is_applicant(user) -> bool:
    return role_of(user) == Role.APPLICANT


def is_reviewer(user) -> bool:
    return role_of(user) == Role.REVIEWER


def is_city(user) -> bool:
    return role_of(user) == Role.CITY
