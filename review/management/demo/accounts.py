"""The organisations and the demo users: the city and the 14 初审 bodies (fixtures), the demo units,
and one user of every role, all with the public demo password."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from gangwei.models import Campaign, Organisation, OrgKind, User
from gangwei.validators import DEMO_PASSWORD, uscc_check_char

FIXTURES = settings.BASE_DIR / "fixtures"


@dataclass(frozen=True)
class UnitSpec:
    username: str
    body_code: str
    name: str
    short_name: str
    credit_prefix: str  # the first 17 characters; the check character is computed
    contact_name: str
    contact_phone: str
    email: str


UNITS = [
    UnitSpec(
        "unit1", "CZ", "柳州市工人医院", "市工人医院", "12450202MB0000011", "覃秀兰", "13807721021", "unit1@example.org"
    ),
    UnitSpec(
        "unit2",
        "CZ",
        "柳州银行股份有限公司城中支行",
        "柳州银行城中支行",
        "91450202MA0000022",
        "韦晓玲",
        "13807721032",
        "unit2@example.org",
    ),
    UnitSpec(
        "unit3",
        "YF",
        "柳州螺蛳粉产业园运营管理有限公司",
        "螺蛳粉产业园",
        "91450203MA0000033",
        "黄春梅",
        "13807721043",
        "unit3@example.org",
    ),
    UnitSpec(
        "unit4",
        "LB",
        "柳州市柳北区政务服务中心",
        "柳北区政务服务中心",
        "11450205MB0000044",
        "陆美玲",
        "13807721054",
        "unit4@example.org",
    ),
]

# (username, body code, display name): one reviewer for each body that has demo units.
REVIEWERS = [
    ("chengzhong", "CZ", "城中区妇联审核员"),
    ("yufeng", "YF", "鱼峰区妇联审核员"),
    ("liubei", "LB", "柳北区妇联审核员"),
]


# The city's other demo staff who score posts in the 考核 (besides `city`).
ASSESSORS = [("assessor1", "考核组成员（何勤）"), ("assessor2", "考核组成员（许柯）")]


def ensure_fixtures(out: Callable[[str], None]) -> None:
    """Load the city and the 14 初审 bodies, and the 2021 campaign, unless they are there."""
    organisations = json.loads((FIXTURES / "organisations.json").read_text(encoding="utf-8"))
    codes = [row["fields"]["code"] for row in organisations]
    if Organisation.objects.filter(code__in=codes).count() < len(codes):
        present = set(Organisation.objects.filter(code__in=codes).values_list("pk", flat=True))
        clash = Organisation.objects.filter(pk__in=[row["pk"] for row in organisations]).exclude(pk__in=present)
        if clash.exists():
            raise CommandError(
                "无法载入 fixtures/organisations.json：其主键已被其他组织占用（"
                + "、".join(clash.values_list("name", flat=True))
                + "）。请使用新的数据库。"
            )
        call_command("loaddata", FIXTURES / "organisations.json", verbosity=0)
        out("已载入 fixtures/organisations.json（市妇联及14个初审单位）。")
    if not Campaign.objects.filter(year=2021).exists():
        call_command("loaddata", FIXTURES / "campaign_2021.json", verbosity=0)
        out("已载入 fixtures/campaign_2021.json（2021年度，柳妇通〔2020〕42号）。")


def _user(username: str, organisation: Organisation | None, display: str, **extra) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.organisation = organisation
    user.first_name = display
    user.is_active = True
    for name, value in extra.items():
        setattr(user, name, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def users() -> dict[str, User]:
    """Every demo user by username (admin, city, the reviewers, the units), made or brought back."""
    found = {
        "admin": _user("admin", None, "系统管理员", is_staff=True, is_superuser=True, email="admin@example.org"),
    }
    city = Organisation.objects.filter(kind=OrgKind.CITY).order_by("pk").first()
    found["city"] = _user("city", city, "宣发部工作人员", email="city@example.org")
    # Two more of the city's staff: with `city`, the three assessors of the demo's 考核.
    for username, display in ASSESSORS:
        found[username] = _user(username, city, display, email=f"{username}@example.org")
    for username, code, display in REVIEWERS:
        body = Organisation.objects.get(code=code)
        found[username] = _user(username, body, display, email=f"{username}@example.org")
    for spec in UNITS:
        body = Organisation.objects.get(code=spec.body_code)
        unit, _ = Organisation.objects.get_or_create(kind=OrgKind.APPLICANT, name=spec.name, defaults={"parent": body})
        unit.parent = body
        unit.short_name = spec.short_name
        unit.credit_code = spec.credit_prefix + uscc_check_char(spec.credit_prefix)
        unit.contact_name = spec.contact_name
        unit.contact_phone = spec.contact_phone
        unit.save()
        found[spec.username] = _user(spec.username, unit, spec.contact_name, email=spec.email, phone=spec.contact_phone)
    return found


def reviewer_of(users: dict[str, User], body: Organisation) -> User:
    return next(users[name] for name, code, _ in REVIEWERS if code == body.code)


ROLE_LABELS = {
    "admin": "管理员（Django admin）",
    "city": "市妇联宣发部",
    **{name: "市妇联宣发部（考核人员）" for name, _ in ASSESSORS},
    **{name: "初审单位" for name, _, _ in REVIEWERS},
    **{spec.username: "申报单位" for spec in UNITS},
}
