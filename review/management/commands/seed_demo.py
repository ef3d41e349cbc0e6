"""python manage.py seed_demo [--stage apply|review|training|assessment|naming] [--reset]

Fills the database with a believable demo: the 14 初审 bodies and the city (from the fixtures, if
missing), three applicant units in 城中区 and 鱼峰区, one user for every role (printed, with one shared
password), a demo campaign whose given stage is open now, and applications in every state that the
campaign has reached by then.

The demo campaign is the one of next year (made from the 2021 campaign like the admin's "copy to
next year" action), with its dates moved around today. Applications are created and moved through
the real services (`application_create`, `application_submit`, `workflow.transition`), so their
numbers and timelines are real. The workflow refuses an action whose stage window is closed, so
while it seeds, the command opens every window of the demo campaign (opens_at in the past, every
deadline in the future) and sets the stage's dates once it is done, in the same transaction. The
campaign's history records both changes, under the admin user.

Idempotent: organisations, users and applications are found by their names; an application whose
timeline already is a beginning of the one the stage needs is moved on, one that is further along
(somebody went on with it in the demo) is left alone, and one that went another way is replaced.
`--reset` replaces every demo application.
"""

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.test.utils import override_settings
from django.utils import timezone

from applications.models import Application, Category, Gender
from applications.services import (
    application_create,
    application_data,
    application_submit,
    application_update,
    application_withdraw,
)
from applications.workflow import Action, transition
from gangwei.dates import format_datetime
from gangwei.models import Campaign, Organisation, OrgKind, Stage, User
from gangwei.validators import DEMO_PASSWORD, uscc_check_char

STAGES = ["apply", "review", "training", "assessment", "naming"]
STAGE_OPEN = {
    "apply": Stage.APPLY,
    "review": Stage.FIRST_REVIEW,
    "training": Stage.TRAINING,
    "assessment": Stage.ASSESSMENT,
    "naming": Stage.NAMING,
}

# Days from today (Asia/Shanghai): opens_at at 00:00:00, then each deadline at 23:59:59 of its day
# (apply, first review, assessment = training, naming). Every stage before the given one has closed.
SCHEDULE = {
    "apply": (-30, 30, 60, 240, 300),
    "review": (-60, -3, 25, 200, 260),
    "training": (-150, -120, -90, 60, 120),
    "assessment": (-240, -210, -180, 20, 80),
    "naming": (-330, -300, -270, -30, 30),
}

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
]

REVIEWERS = [("chengzhong", "CZ", "城中区妇联审核员"), ("yufeng", "YF", "鱼峰区妇联审核员")]

# What the demo actors write along the way.
RECOMMEND_OPINION = "经审核，该岗位符合《通知》规定的五项创建条件，材料真实齐全，同意推荐。"
NOTES = {
    Action.RECOMMEND: RECOMMEND_OPINION,
    Action.REPORT: "随本单位汇总表报送市妇联宣发部。",
    Action.PASS: "经市妇联考核，符合巾帼文明岗标准，考核合格。",
    Action.FAIL: "经市妇联考核，岗位创建工作计划和服务标准尚不完善，考核不合格。",
    Action.NAME: "授予柳州市巾帼文明岗荣誉称号，吸纳为柳州市巾帼志愿者队伍。",
    Action.NOT_NAME: "公示期间收到异议，经核实暂不予命名。",
}


@dataclass(frozen=True)
class ApplicationSpec:
    unit: str  # the username of the unit's account
    data: dict
    leaders: list[dict] = field(default_factory=list)
    honours: list[dict] = field(default_factory=list)
    # The transitions this application has gone through by each stage (each a beginning of the next).
    paths: dict[str, list[str]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # return / not recommend
    amendment: dict = field(default_factory=dict)  # saved after a return, before resubmitting

    @property
    def name(self) -> str:
        return self.data["applicant_name"]

    def path(self, stage: str) -> list[str]:
        return self.paths.get(stage, [])


def _leader(name: str, gender: str, title: str, phone: str) -> dict:
    return {"name": name, "gender": gender, "title": title, "phone": phone}


def _later(*steps: str, assessment: tuple = (), naming: tuple = ()) -> dict[str, list[str]]:
    """The path from the training stage on: `steps`, then what the assessment and naming add."""
    return {
        "training": list(steps),
        "assessment": [*steps, *assessment],
        "naming": [*steps, *naming],
    }


A, SUBMIT, WITHDRAW = Action, Action.SUBMIT, Action.WITHDRAW

APPLICATIONS = [
    ApplicationSpec(
        unit="unit1",
        data={
            "applicant_name": "柳州市工人医院儿科护理组",
            "post_name": "儿科护理组",
            "parent_unit": "柳州市工人医院",
            "category": Category.OFFICE,
            "staff_total": 28,
            "staff_women": 26,
            "contact_name": "覃秀兰",
            "contact_title": "护士长",
            "contact_phone": "0772-3825021",
            "achievements": (
                "儿科护理组现有护理人员28名，其中女性26名，承担全院儿科病区及儿科急诊的护理工作。"
                "护理组坚持“以患儿为中心”的服务理念，推行责任制整体护理和床旁交接班制度，"
                "制定了《儿科护理服务规范》和岗位责任清单，每月开展业务学习和技能操作考核。"
                "近三年累计护理患儿4.6万余人次，静脉穿刺一次成功率保持在96%以上，患者满意度连续三年超过98%，"
                "未发生护理差错事故。护理组组建“小橘灯”志愿服务队，走进社区和学校开展儿童急救、"
                "疫苗接种和科学育儿知识宣讲60余场，受益家庭3000余户。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[
            _leader("覃秀兰", Gender.FEMALE, "护士长", "13807721021"),
            _leader("韦春燕", Gender.FEMALE, "副护士长", "13807721022"),
        ],
        honours=[
            {"year": "2019", "title": "优质护理服务先进集体", "issuer": "柳州市卫生健康委员会"},
            {"year": "2020", "title": "抗击新冠肺炎疫情先进集体", "issuer": "柳州市工人医院"},
        ],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT, A.RECOMMEND],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, assessment=(A.PASS,), naming=(A.PASS, A.NAME)),
        },
    ),
    ApplicationSpec(
        unit="unit1",
        data={
            "applicant_name": "柳州市工人医院门诊导医服务台",
            "post_name": "门诊导医服务台",
            "parent_unit": "柳州市工人医院",
            "category": Category.TEAM,
            "staff_total": 9,
            "staff_women": 8,
            "contact_name": "莫丽娟",
            "contact_title": "导医组组长",
            "contact_phone": "13807721025",
            "achievements": (
                "门诊导医服务台共有工作人员9名，其中女性8名，负责门诊分诊导诊、预约挂号指导、"
                "老年人和残疾人陪诊等服务。服务台推行“首问负责制”，设立爱心轮椅和助老服务专窗，"
                "每天接待咨询1500余人次，帮助老年患者使用自助设备和手机预约挂号。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[_leader("莫丽娟", Gender.FEMALE, "导医组组长", "13807721025")],
        paths={
            # Withdrawn to add figures, submitted again, returned by 城中区妇联, amended and resubmitted.
            "apply": [SUBMIT, WITHDRAW],
            "review": [SUBMIT, WITHDRAW, SUBMIT, A.RETURN],
            **_later(
                SUBMIT,
                WITHDRAW,
                SUBMIT,
                A.RETURN,
                A.RESUBMIT,
                A.RECOMMEND,
                A.REPORT,
                assessment=(A.FAIL,),
                naming=(A.FAIL,),
            ),
        },
        reasons={A.RETURN: "主要事迹缺少近三年的服务数据和创建工作计划，请补充后重新提交。"},
        amendment={
            "achievements": (
                "门诊导医服务台共有工作人员9名，其中女性8名，负责门诊分诊导诊、预约挂号指导、"
                "老年人和残疾人陪诊等服务。服务台推行“首问负责制”，设立爱心轮椅和助老服务专窗，"
                "每天接待咨询1500余人次，帮助老年患者使用自助设备和手机预约挂号。"
                "近三年累计服务患者160余万人次，收到表扬信和锦旗42件。"
                "服务台制定了年度创建工作计划，每季度开展一次服务礼仪和应急处置培训。"
            )
        },
    ),
    ApplicationSpec(
        unit="unit2",
        data={
            "applicant_name": "柳州银行城中支行营业部",
            "post_name": "营业部",
            "parent_unit": "柳州银行股份有限公司城中支行",
            "category": Category.OFFICE,
            "staff_total": 12,
            "staff_women": 9,
            "contact_name": "韦晓玲",
            "contact_title": "综合办主任",
            "contact_phone": "0772-2861032",
            "achievements": (
                "营业部现有员工12名，其中女性9名，承担个人和对公存取款、开户结算、"
                "代发工资及社保卡业务。营业部坚持“客户至上、合规为本”，实行柜面服务标准化管理，"
                "设立爱心窗口和适老化服务区，为行动不便的老人提供上门服务。"
                "近三年累计办理业务28万余笔，无一笔差错，成功堵截电信诈骗11起，为群众挽回损失86万元；"
                "组织员工走进社区、市场开展金融知识宣传40余场。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[
            _leader("韦晓玲", Gender.FEMALE, "营业部经理", "13807721032"),
            _leader("罗建华", Gender.MALE, "副经理", "13807721033"),
        ],
        honours=[{"year": "2020", "title": "文明规范服务示范网点", "issuer": "柳州市银行业协会"}],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, naming=(A.PASS,)),
        },
    ),
    ApplicationSpec(
        # A draft left incomplete: no women count, no leader, no 主要事迹 yet.
        unit="unit2",
        data={
            "applicant_name": "柳州银行城中支行小微金融服务团队",
            "post_name": "小微金融服务团队",
            "parent_unit": "柳州银行股份有限公司城中支行",
            "category": Category.OFFICE,
            "staff_total": 6,
            "contact_name": "韦晓玲",
        },
    ),
    ApplicationSpec(
        unit="unit3",
        data={
            "applicant_name": "柳州螺蛳粉产业园质检班组",
            "post_name": "质检班组",
            "parent_unit": "柳州螺蛳粉产业园运营管理有限公司",
            "category": Category.TEAM,
            "staff_total": 15,
            "staff_women": 11,
            "contact_name": "黄春梅",
            "contact_title": "质量管理部部长",
            "contact_phone": "13807721043",
            "achievements": (
                "质检班组现有检验员15名，其中女性11名，负责园区入驻企业原辅料、半成品和成品螺蛳粉的"
                "抽样检验。班组建立了从原料入园到成品出库的全过程检验台账，"
                "编写《袋装螺蛳粉检验作业指导书》，牵头开展食品安全快检技能比武。"
                "近三年累计完成检验批次1.2万余批，协助企业整改问题120余项，园区产品抽检合格率保持100%。"
                "班组成员利用业余时间为周边村屯妇女开展食品加工技能培训，带动300余名妇女就近就业。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[
            _leader("黄春梅", Gender.FEMALE, "质量管理部部长", "13807721043"),
            _leader("蓝彩霞", Gender.FEMALE, "质检班班长", "13807721044"),
        ],
        honours=[{"year": "2020", "title": "工人先锋号", "issuer": "柳州市总工会"}],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT, A.RECOMMEND, A.REPORT],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, assessment=(A.PASS,), naming=(A.PASS, A.NAME)),
        },
    ),
    ApplicationSpec(
        # Complete and exactly at the 60% line (3 of 5): ready to submit in the apply stage.
        unit="unit3",
        data={
            "applicant_name": "柳州螺蛳粉产业园电商直播运营部",
            "post_name": "电商直播运营部",
            "parent_unit": "柳州螺蛳粉产业园运营管理有限公司",
            "category": Category.NEW_ORG,
            "staff_total": 5,
            "staff_women": 3,
            "contact_name": "黄春梅",
            "contact_title": "质量管理部部长",
            "contact_phone": "13807721043",
            "achievements": (
                "电商直播运营部成立于2020年3月，现有工作人员5名，其中女性3名，"
                "负责园区公共直播间运营和入驻企业主播培训，已帮助20余家企业开设网店，"
                "累计开展直播带货300余场。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[_leader("梁小凤", Gender.FEMALE, "运营部主管", "13807721046")],
        paths={
            "review": [SUBMIT, A.NOT_RECOMMEND],
            **_later(SUBMIT, A.NOT_RECOMMEND),
        },
        reasons={A.NOT_RECOMMEND: "该部门成立时间较短，创建工作计划和岗位责任制尚不完善，建议明年再行申报。"},
    ),
]

BLANK = {
    "applicant_name": "",
    "post_name": "",
    "parent_unit": "",
    "category": "",
    "staff_total": None,
    "staff_women": None,
    "is_special_post": False,
    "special_reason": "",
    "contact_name": "",
    "contact_title": "",
    "contact_phone": "",
    "achievements": "",
    "unit_opinion": "",
    "pledge": False,
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


class Command(BaseCommand):
    help = "演示数据：各角色的演示账号、当前开放指定阶段的演示年度，以及该阶段可达的各种状态的申报（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--stage", choices=STAGES, default="apply", help="现在开放的阶段（默认 apply：申报）。")
        parser.add_argument("--reset", action="store_true", help="删除并重新生成全部演示申报。")

    def handle(self, *args, stage: str, reset: bool, **options):
        # The demo password is public (README) and no form accepts it (DemoPasswordValidator); only
        # this command sets it, and only on a demo, never on a production database (DEBUG off).
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo 只用于本地演示，会把演示账号的密码设为公开的演示密码，不能在生产环境（DEBUG 关闭）运行。"
                "本地演示请用 make run，或以 DEBUG=true 运行本命令。"
            )
        # Seeding sends no mail: the submission receipts would only fill the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            with transaction.atomic():
                self._ensure_fixtures()
                users = self._users()
                campaign, final_dates = self._campaign(stage, users["admin"])
                self._applications(campaign, stage, users, final_dates, reset)
        self._report(campaign, stage, users)

    # -- organisations and users ---------------------------------------------------------------

    def _ensure_fixtures(self) -> None:
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
            self.stdout.write("已载入 fixtures/organisations.json（市妇联及14个初审单位）。")
        if not Campaign.objects.filter(year=2021).exists():
            call_command("loaddata", FIXTURES / "campaign_2021.json", verbosity=0)
            self.stdout.write("已载入 fixtures/campaign_2021.json（2021年度，柳妇通〔2020〕42号）。")

    def _user(self, username: str, organisation: Organisation | None, display: str, **extra) -> User:
        user, _ = User.objects.get_or_create(username=username)
        user.organisation = organisation
        user.first_name = display
        user.is_active = True
        for name, value in extra.items():
            setattr(user, name, value)
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _users(self) -> dict[str, User]:
        users = {
            "admin": self._user(
                "admin", None, "系统管理员", is_staff=True, is_superuser=True, email="admin@example.org"
            ),
        }
        city = Organisation.objects.filter(kind=OrgKind.CITY).order_by("pk").first()
        users["city"] = self._user("city", city, "宣发部工作人员", email="city@example.org")
        for username, code, display in REVIEWERS:
            body = Organisation.objects.get(code=code)
            users[username] = self._user(username, body, display, email=f"{username}@example.org")
        for spec in UNITS:
            body = Organisation.objects.get(code=spec.body_code)
            unit, _ = Organisation.objects.get_or_create(
                kind=OrgKind.APPLICANT, name=spec.name, defaults={"parent": body}
            )
            unit.parent = body
            unit.short_name = spec.short_name
            unit.credit_code = spec.credit_prefix + uscc_check_char(spec.credit_prefix)
            unit.contact_name = spec.contact_name
            unit.contact_phone = spec.contact_phone
            unit.save()
            users[spec.username] = self._user(
                spec.username, unit, spec.contact_name, email=spec.email, phone=spec.contact_phone
            )
        return users

    # -- the campaign ----------------------------------------------------------------------------

    def _campaign(self, stage: str, admin: User) -> tuple[Campaign, dict]:
        """Next year's campaign (made from 2021's like the admin action does), and its stage dates."""
        today = timezone.localdate()
        opens, apply, first_review, assessment, naming = (today + dt.timedelta(days=d) for d in SCHEDULE[stage])
        midnight, last_second = dt.time(0, 0, 0), dt.time(23, 59, 59)
        dates = {
            "opens_at": timezone.make_aware(dt.datetime.combine(opens, midnight)),
            "apply_closes_at": timezone.make_aware(dt.datetime.combine(apply, last_second)),
            "first_review_closes_at": timezone.make_aware(dt.datetime.combine(first_review, last_second)),
            "assessment_closes_at": timezone.make_aware(dt.datetime.combine(assessment, last_second)),
            "naming_closes_at": timezone.make_aware(dt.datetime.combine(naming, last_second)),
        }
        year = today.year + 1
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            base = Campaign.objects.get(year=2021)
            # The copy leaves the notice number blank (as the admin action does); the demo has one.
            notice = {"notice_number": f"柳妇通〔{year - 1}〕42号（演示）"}
            campaign = Campaign(**{**base.shifted(year - base.year), **notice, **dates})
            self._save_campaign(campaign, admin, f"seed_demo：创建演示年度（{stage}）")
        return campaign, dates

    def _save_campaign(self, campaign: Campaign, admin: User, reason: str) -> None:
        campaign._history_user = admin
        campaign._change_reason = reason
        campaign.full_clean()
        campaign.save()

    def _set_dates(self, campaign: Campaign, dates: dict, admin: User, reason: str) -> None:
        if all(getattr(campaign, name) == value for name, value in dates.items()):
            return
        for name, value in dates.items():
            setattr(campaign, name, value)
        self._save_campaign(campaign, admin, reason)

    # -- applications ------------------------------------------------------------------------------

    def _applications(self, campaign: Campaign, stage: str, users: dict, final_dates: dict, reset: bool) -> None:
        work: list[tuple[ApplicationSpec, Application | None, list[str]]] = []
        for spec in APPLICATIONS:
            unit = users[spec.unit].organisation
            wanted = spec.path(stage)
            application = (
                Application.objects.filter(campaign=campaign, unit=unit, applicant_name=spec.name)
                .order_by("pk")
                .first()
            )
            if application is not None:
                done = self._history(application)
                if not reset and done == wanted[: len(done)]:
                    work.append((spec, application, wanted[len(done) :]))
                    continue
                if not reset and wanted == done[: len(wanted)]:
                    self.stdout.write(
                        f"保留：{spec.name}（已办理到“{application.get_status_display()}”，加 --reset 可重新生成）"
                    )
                    continue
                try:
                    application.delete()
                except ProtectedError:
                    self.stdout.write(f"保留：{spec.name}（已有关联记录，无法替换）")
                    continue
            work.append((spec, None, wanted))

        if not any(application is None or steps for _, application, steps in work):
            self._set_dates(campaign, final_dates, users["admin"], f"seed_demo：{stage} 阶段开放")
            return
        # Every window open while the demo actors work; the stage's own dates afterwards.
        all_open = {
            "opens_at": final_dates["opens_at"],
            **{name: final_dates["naming_closes_at"] for name in final_dates if name != "opens_at"},
        }
        self._set_dates(campaign, all_open, users["admin"], "seed_demo：生成演示数据时临时开放各阶段")
        for spec, application, steps in work:
            if application is None:
                application = self._create(spec, campaign, users)
            for action in steps:
                application = self._act(spec, application, action, users)
        self._set_dates(campaign, final_dates, users["admin"], f"seed_demo：{stage} 阶段开放")

    @staticmethod
    def _history(application: Application) -> list[str]:
        return list(
            application.events.filter(action__in=Action.values)
            .order_by("created_at", "id")
            .values_list("action", flat=True)
        )

    def _create(self, spec: ApplicationSpec, campaign: Campaign, users: dict) -> Application:
        return application_create(
            user=users[spec.unit],
            campaign=campaign,
            data={**BLANK, **spec.data},
            leaders=spec.leaders,
            honours=spec.honours,
        )

    def _act(self, spec: ApplicationSpec, application: Application, action: str, users: dict) -> Application:
        application.refresh_from_db()
        applicant = users[spec.unit]
        reviewer = next(users[name] for name, code, _ in REVIEWERS if code == application.unit.parent.code)
        if action in (Action.SUBMIT, Action.RESUBMIT):
            if action == Action.RESUBMIT and spec.amendment:
                data, leaders, honours = application_data(application)
                application = application_update(
                    application=application,
                    user=applicant,
                    version=application.version,
                    data={**data, **spec.amendment},
                    leaders=leaders,
                    honours=honours,
                )
            return application_submit(application=application, user=applicant)
        if action == Action.WITHDRAW:
            return application_withdraw(application=application, user=applicant)
        actor = (
            reviewer
            if action in (Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND, Action.REPORT)
            else users["city"]
        )
        note = spec.reasons.get(action) or NOTES.get(action, "")
        application = transition(application=application, action=action, actor=actor, note=note)
        if action in (Action.RECOMMEND, Action.NOT_RECOMMEND):
            # The 初审 body's 意见 lives on the application (附件1 prints it in its last cell).
            Application.objects.filter(pk=application.pk).update(review_opinion=note, review_opinion_at=timezone.now())
        return application

    # -- what the user reads -------------------------------------------------------------------

    def _report(self, campaign: Campaign, stage: str, users: dict) -> None:
        campaign.refresh_from_db()
        out = self.stdout.write

        def when(value: dt.datetime) -> str:
            return format_datetime(value)

        out("")
        out(
            f"演示年度：{campaign.title}（{campaign.year_label}），现在开放：{STAGE_OPEN[stage].label}"
        )
        dates = [
            ("申报开始", when(campaign.opens_at)),
            ("申报截止", when(campaign.apply_closes_at)),
            ("初审截止", when(campaign.first_review_closes_at)),
            ("考核截止（培训同）", when(campaign.assessment_closes_at)),
            ("命名截止", when(campaign.naming_closes_at)),
        ]
        for line in _table(dates):
            out("  " + line)

        out("")
        out("演示申报：")
        units = [users[spec.username].organisation for spec in UNITS]
        applications = (
            Application.objects.filter(campaign=campaign, unit__in=units)
            .select_related("unit__parent")
            .order_by("unit__parent__display_order", "pk")
        )
        rows = [("申报编号", "申报单位（岗位）", "初审单位", "状态")]
        rows += [(a.number or "—", a.display_name, a.unit.parent.label, a.get_status_display()) for a in applications]
        for line in _table(rows):
            out("  " + line)

        out("")
        out(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        labels = {"admin": "管理员（Django admin）", "city": "市妇联宣发部"}
        labels.update({name: "初审单位" for name, _, _ in REVIEWERS})
        labels.update({spec.username: "申报单位" for spec in UNITS})
        rows = [("角色", "用户名", "所属组织")]
        rows += [
            (labels[username], username, user.organisation.name if user.organisation else "—")
            for username, user in users.items()
        ]
        for line in _table(rows):
            out("  " + line)
        out("")
