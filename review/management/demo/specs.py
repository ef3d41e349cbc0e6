"""The demo applications: what each unit fills in, and the path (the workflow actions, in order)
that each has gone by each stage. A stage's path is, where the story allows, a beginning of the
next stage's, so that seeding a later stage moves the same applications on.

The 初审 stage (`review`) leaves an application in every state of 初审: submitted and awaiting a
decision (城中区, 鱼峰区), returned for revision, resubmitted after a return (its 主要事迹 changed:
the reviewer's page shows the difference), recommended (two in 城中区, ranked; its quota is
QUOTAS), not recommended, and reported (柳北区 has filed its 汇总表). From `training` on every
body with recommendations has filed.
"""

from dataclasses import dataclass, field

from applications.models import Category, Gender
from applications.workflow import Action

# 推荐名额 of the demo campaign, by body code (no row: no limit).
QUOTAS = {"CZ": 3}

# What the demo actors write along the way.
RECOMMEND_OPINION = "经审核，该岗位符合《通知》规定的五项创建条件，材料真实齐全，同意推荐。"
NOTES = {
    Action.RECOMMEND: RECOMMEND_OPINION,
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
            # Withdrawn to add figures, submitted again, returned by 城中区妇联, amended and resubmitted
            # (awaiting the second decision in the review stage).
            "apply": [SUBMIT, WITHDRAW],
            "review": [SUBMIT, WITHDRAW, SUBMIT, A.RETURN, A.RESUBMIT],
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
            # 城中区's three places went to the hospital's posts and the 产科病区.
            **_later(SUBMIT, A.NOT_RECOMMEND),
        },
        reasons={A.NOT_RECOMMEND: "本辖区推荐名额有限，经集体研究，本年度暂不推荐，建议继续完善创建工作后再行申报。"},
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
            "review": [SUBMIT, A.RECOMMEND],
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
    ApplicationSpec(
        # Recommended second in 城中区 (rank 2) in the review stage.
        unit="unit1",
        data={
            "applicant_name": "柳州市工人医院产科病区",
            "post_name": "产科病区",
            "parent_unit": "柳州市工人医院",
            "category": Category.OFFICE,
            "staff_total": 22,
            "staff_women": 22,
            "contact_name": "潘丽华",
            "contact_title": "产科护士长",
            "contact_phone": "13807721027",
            "achievements": (
                "产科病区现有医护人员22名，全部为女性，承担全院孕产妇住院分娩和产后护理工作。"
                "病区推行“一对一”全程陪伴分娩和母婴同室护理，开设孕妇学校和母乳喂养咨询门诊，"
                "近三年安全接生新生儿5600余名，无孕产妇死亡，产妇满意度保持在98%以上。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[_leader("潘丽华", Gender.FEMALE, "产科护士长", "13807721027")],
        honours=[{"year": "2020", "title": "爱婴医院复核优秀科室", "issuer": "柳州市卫生健康委员会"}],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT, A.RECOMMEND],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, naming=(A.PASS,)),
        },
    ),
    ApplicationSpec(
        # Returned for revision in the review stage; not recommended later (not revised in time).
        unit="unit2",
        data={
            "applicant_name": "柳州银行城中支行个人金融部",
            "post_name": "个人金融部",
            "parent_unit": "柳州银行股份有限公司城中支行",
            "category": Category.OFFICE,
            "staff_total": 8,
            "staff_women": 6,
            "contact_name": "韦晓玲",
            "contact_title": "综合办主任",
            "contact_phone": "0772-2861032",
            "achievements": (
                "个人金融部现有员工8名，其中女性6名，负责个人储蓄、理财和消费信贷业务，"
                "为辖区居民提供上门开卡和养老金代发服务。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[_leader("吴小红", Gender.FEMALE, "个人金融部经理", "13807721035")],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT, A.RETURN],
            **_later(SUBMIT, A.RETURN, A.NOT_RECOMMEND),
        },
        reasons={
            A.RETURN: "主要事迹过于简略，请补充近三年的业务数据、服务群众的具体事例和创建工作计划后重新提交。",
            A.NOT_RECOMMEND: "退回修改后未在初审截止前重新提交，本年度不予推荐。",
        },
    ),
    ApplicationSpec(
        # Awaiting 鱼峰区's decision in the review stage.
        unit="unit3",
        data={
            "applicant_name": "柳州螺蛳粉产业园食品检测中心",
            "post_name": "食品检测中心",
            "parent_unit": "柳州螺蛳粉产业园运营管理有限公司",
            "category": Category.TEAM,
            "staff_total": 10,
            "staff_women": 7,
            "contact_name": "黄春梅",
            "contact_title": "质量管理部部长",
            "contact_phone": "13807721043",
            "achievements": (
                "食品检测中心现有检测人员10名，其中女性7名，承担园区企业产品的理化和微生物检测，"
                "取得检验检测机构资质认定，近三年出具检测报告8000余份，无一差错，"
                "并为园区企业免费开展检测技术培训30余场。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[_leader("蓝彩霞", Gender.FEMALE, "检测中心主任", "13807721044")],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, assessment=(A.PASS,), naming=(A.PASS, A.NAME)),
        },
    ),
    ApplicationSpec(
        # 柳北区 has decided everything and filed its 汇总表 by the review stage.
        unit="unit4",
        data={
            "applicant_name": "柳北区政务服务中心不动产登记窗口",
            "post_name": "不动产登记窗口",
            "parent_unit": "柳州市柳北区政务服务中心",
            "category": Category.OFFICE,
            "staff_total": 14,
            "staff_women": 11,
            "contact_name": "陆美玲",
            "contact_title": "窗口负责人",
            "contact_phone": "13807721054",
            "achievements": (
                "不动产登记窗口现有工作人员14名，其中女性11名，负责不动产登记受理、咨询和发证。"
                "窗口推行“一窗受理、并联办理”，一般登记压缩至3个工作日办结，开设延时和预约服务，"
                "近三年办理登记业务9.8万件，群众满意率99.6%，未发生一起有效投诉。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[
            _leader("陆美玲", Gender.FEMALE, "窗口负责人", "13807721054"),
            _leader("梁志强", Gender.MALE, "副主任", "13807721055"),
        ],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT, A.RECOMMEND, A.REPORT],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, assessment=(A.PASS,), naming=(A.PASS, A.NAME)),
        },
    ),
    ApplicationSpec(
        unit="unit4",
        data={
            "applicant_name": "柳北区政务服务中心企业开办专区",
            "post_name": "企业开办专区",
            "parent_unit": "柳州市柳北区政务服务中心",
            "category": Category.TEAM,
            "staff_total": 6,
            "staff_women": 5,
            "contact_name": "陆美玲",
            "contact_title": "窗口负责人",
            "contact_phone": "13807721054",
            "achievements": (
                "企业开办专区现有工作人员6名，其中女性5名，为新办企业提供营业执照、印章、发票和社保登记"
                "“一件事一次办”服务，企业开办时间压缩至半个工作日，近三年服务新办企业6200余户。"
            ),
            "unit_opinion": "情况属实，同意申报。",
            "pledge": True,
        },
        leaders=[_leader("覃海燕", Gender.FEMALE, "专区负责人", "13807721056")],
        paths={
            "apply": [SUBMIT],
            "review": [SUBMIT, A.RECOMMEND, A.REPORT],
            **_later(SUBMIT, A.RECOMMEND, A.REPORT, assessment=(A.PASS,), naming=(A.PASS, A.NOT_NAME)),
        },
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
