"""Plain factories for the test suite (factory-boy)."""

import datetime as dt

import factory
from django.utils import timezone

from applications.models import Application, Category, Gender, Honour, Leader
from gangwei.models import Campaign, Organisation, OrgKind, User

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["year"]

    year = 2021
    notice_number = "柳妇通〔2020〕42号"
    title = "2021年度柳州市巾帼文明岗创建"
    opens_at = shanghai(2020, 8, 1, 0, 0, 0)
    apply_closes_at = shanghai(2020, 9, 20, 23, 59, 59)
    first_review_closes_at = shanghai(2020, 10, 16, 23, 59, 59)
    assessment_closes_at = shanghai(2021, 6, 30, 23, 59, 59)
    naming_closes_at = shanghai(2021, 8, 31, 23, 59, 59)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.REVIEWING_BODY
    name = factory.Sequence(lambda n: f"测试区妇女联合会{n}")
    short_name = factory.Sequence(lambda n: f"测试区妇联{n}")
    code = factory.Sequence(lambda n: f"T{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.APPLICANT
    name = factory.Sequence(lambda n: f"柳州市测试单位{n}")
    parent = factory.SubFactory(BodyFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "测试"
    organisation = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "Gangwei-2021-test")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete application that passes every rule of DESIGN §4 (in draft until submitted)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory)
    applicant_name = factory.LazyAttribute(lambda o: f"{o.unit.name}客服班组")
    post_name = "客服班组"
    parent_unit = factory.LazyAttribute(lambda o: o.unit.name)
    category = Category.TEAM
    staff_total = 5
    staff_women = 3
    contact_name = "韦小红"
    contact_title = "班组长"
    contact_phone = "13807720000"
    achievements = "班组坚持优质服务，连续三年零投诉。"
    unit_opinion = "情况属实，同意申报。"
    pledge = True

    @factory.post_generation
    def rows(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            Leader.objects.create(application=self, name="覃丽", gender=Gender.FEMALE, title="班组长", phone="13907721111")
            Honour.objects.create(application=self, year="2019", title="柳州市三八红旗集体", issuer="柳州市妇联")


def now() -> dt.datetime:
    return timezone.now()


def pdf_bytes(pages: int = 1) -> bytes:
    """A small, valid PDF of blank A4 pages, as the upload check wants (it parses with pypdf)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def force_update(applications, **values) -> int:
    """QuerySet.update of applications (around the model: no version, no event, no transition), as
    a test sets a state up; then the counts applications.tally keeps are made true again."""
    from applications import tally

    changed = applications.update(**values)
    tally.recount()
    return changed
