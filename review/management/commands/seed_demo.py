"""python manage.py seed_demo [--stage apply|review|training|assessment|naming] [--reset]

Fills the database with a believable demo: the 14 初审 bodies and the city (from the fixtures, if
missing), four applicant units in 城中区, 鱼峰区 and 柳北区, one user for every role (printed, with
one shared password), a demo campaign whose given stage is open now, and applications in every
state that the campaign has reached by then.

The demo campaign is the one of next year (made from the 2021 campaign like the admin's "copy to
next year" action), with its dates moved around today. Applications are created and moved through
the real services (`application_create`, `application_submit`, `review_decide`, `summary_file`;
`workflow.transition` for the city's later steps), so their numbers, timelines, checklists, ranks,
filings and messages (queued in the outbox, never delivered) are real. The workflow refuses an
action whose stage window is closed, so while it seeds, the command opens every window of the demo
campaign (opens_at in the past, every deadline in the future) and sets the stage's dates once it is
done, in the same transaction. The campaign's history records both changes, under the admin user.

Idempotent: organisations, users and applications are found by their names; an application whose
timeline already is a beginning of the one the stage needs is moved on, one that is further along
(somebody went on with it in the demo) is left alone, and one that went another way is replaced.
`--reset` replaces every demo application (and the demo bodies' filings).

The parts live in review/management/demo/ (one module each); this file parses the arguments, runs
them in order and prints what was made.
"""

import datetime as dt
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.test.utils import override_settings

from applications.models import Application, Status
from applications.workflow import Action
from gangwei.dates import format_datetime
from gangwei.validators import DEMO_PASSWORD
from review.management.demo import ACTORS, accounts, apply, city
from review.management.demo import review as first_review
from review.management.demo.campaign import STAGE_OPEN, STAGES, all_open, demo_campaign, set_dates
from review.management.demo.context import Demo
from review.management.demo.specs import APPLICATIONS, ApplicationSpec
from review.models import SummaryReport
from review.selectors import places_of


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _history(application: Application) -> list[str]:
    return list(
        application.events.filter(action__in=Action.values)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


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
        # Seeding sends no mail: the decisions' messages stay in the outbox (applications.Message)
        # and anything sent directly goes nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            with transaction.atomic():
                accounts.ensure_fixtures(self.stdout.write)
                users = accounts.users()
                campaign, final_dates = demo_campaign(stage, users["admin"])
                demo = Demo(campaign=campaign, users=users, out=self.stdout.write)
                self._applications(demo, stage, final_dates, reset)
        self._report(demo, stage)

    # -- applications ------------------------------------------------------------------------------

    def _plan(self, demo: Demo, stage: str, reset: bool) -> list[tuple[ApplicationSpec, Application | None, list]]:
        """For each spec: the application to move on (None: to create) and the steps still to take."""
        work = []
        for spec in APPLICATIONS:
            unit = demo.users[spec.unit].organisation
            wanted = spec.path(stage)
            application = (
                Application.objects.filter(campaign=demo.campaign, unit=unit, applicant_name=spec.name)
                .order_by("pk")
                .first()
            )
            if application is not None:
                done = _history(application)
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
                # Its body's filing counted it: the body files again once its decisions are made.
                first_review.forget_filing(demo, unit.parent)
            work.append((spec, None, wanted))
        return work

    def _applications(self, demo: Demo, stage: str, final_dates: dict, reset: bool) -> None:
        admin = demo.users["admin"]
        work = self._plan(demo, stage, reset)
        if not any(application is None or steps for _, application, steps in work):
            set_dates(demo.campaign, final_dates, admin, f"seed_demo：{stage} 阶段开放")
            return
        # Every window open while the demo actors work; the stage's own dates afterwards.
        set_dates(demo.campaign, all_open(final_dates), admin, "seed_demo：生成演示数据时临时开放各阶段")
        first_review.quotas(demo)
        # The steps up to 报送, for every application; then each body that reports files its 汇总表
        # (all its recommendations at once); then what the city does with the reported ones.
        after_filing, reporting = [], {}
        for spec, application, steps in work:
            if application is None:
                application = apply.create(demo, spec)
            cut = steps.index(Action.REPORT) if Action.REPORT in steps else len(steps)
            application = self._run(demo, spec, application, steps[:cut])
            after_filing.append((spec, application, steps[cut + 1 :]))
            if cut < len(steps):
                reporting[application.unit.parent_id] = application.unit.parent
        for body in sorted(reporting.values(), key=lambda body: body.display_order):
            first_review.file_summary(demo, body)
        self._city(demo, stage, after_filing)
        set_dates(demo.campaign, final_dates, admin, f"seed_demo：{stage} 阶段开放")

    def _city(self, demo: Demo, stage: str, after_filing: list) -> None:
        """The city's stages in the order the city works: the training of every reported post, the
        考核 of each, one 公示 of the passed posts (with the demo's objection), then the naming."""
        if stage not in ("training", "assessment", "naming"):
            return
        reported = Application.objects.filter(
            campaign=demo.campaign,
            unit__in=[demo.users[spec.username].organisation for spec in accounts.UNITS],
            status__in=[Status.REPORTED, Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED],
        ).order_by("unit__parent__display_order", "pk")
        city.prepare(demo, list(reported))
        assessing, naming = (Action.PASS, Action.FAIL), (Action.NAME, Action.NOT_NAME)
        for spec, application, steps in after_filing:
            self._run(demo, spec, application, [step for step in steps if step in assessing])
        if stage != "naming":
            return
        calendar_note = city.ensure_calendar()
        if calendar_note:
            self.stdout.write(calendar_note)
        publicity = city.publish(demo)
        if publicity is None:
            return
        for _spec, application, steps in after_filing:
            if Action.NOT_NAME in steps:
                city.object_to(demo, publicity, Application.objects.get(pk=application.pk))
        city.end_period(publicity)
        for spec, application, steps in after_filing:
            self._run(demo, spec, application, [step for step in steps if step in naming])

    @staticmethod
    def _run(demo: Demo, spec: ApplicationSpec, application: Application, steps: list[str]) -> Application:
        for action in steps:
            application = Application.objects.select_related("campaign", "unit__parent").get(pk=application.pk)
            application = ACTORS[action](demo, spec, application, action)
        return application

    # -- what the user reads -------------------------------------------------------------------

    def _report(self, demo: Demo, stage: str) -> None:
        campaign, users = demo.campaign, demo.users
        campaign.refresh_from_db()
        out = self.stdout.write

        def when(value: dt.datetime) -> str:
            return format_datetime(value)

        out("")
        out(f"演示年度：{campaign.title}（{campaign.year_label}），现在开放：{STAGE_OPEN[stage].label}")
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
        units = [users[spec.username].organisation for spec in accounts.UNITS]
        applications = (
            Application.objects.filter(campaign=campaign, unit__in=units)
            .select_related("unit__parent")
            .order_by("unit__parent__display_order", "pk")
        )
        rows = [("申报编号", "申报单位（岗位）", "初审单位", "状态")]
        rows += [(a.number or "—", a.display_name, a.unit.parent.label, a.get_status_display()) for a in applications]
        for line in _table(rows):
            out("  " + line)

        self._review_report(demo, stage)

        out("")
        out(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        labels = accounts.ROLE_LABELS
        rows = [("角色", "用户名", "所属组织")]
        rows += [
            (labels[username], username, user.organisation.name if user.organisation else "—")
            for username, user in users.items()
        ]
        for line in _table(rows):
            out("  " + line)
        out("")

    def _review_report(self, demo: Demo, stage: str) -> None:
        """Each demo body's filing, and in the review stage its places (later every place has moved on)."""
        if stage == "apply":
            return
        out = self.stdout.write
        bodies = [demo.users[name].organisation for name, _, _ in accounts.REVIEWERS]
        filings = {
            report.body_id: report
            for report in SummaryReport.objects.filter(campaign=demo.campaign, reopened_at__isnull=True)
        }
        out("")
        out("初审：")
        rows = [("初审单位", "推荐名额", "汇总表") if stage == "review" else ("初审单位", "汇总表")]
        for body in bodies:
            report = filings.get(body.pk)
            filing = f"已报送（{report.rows}条，{format_datetime(report.filed_at)}）" if report else "未报送"
            places = [places_of(demo.campaign, body).text] if stage == "review" else []
            rows.append((body.label, *places, filing))
        for line in _table(rows):
            out("  " + line)
