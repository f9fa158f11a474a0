"""The demo organizations, people and accounts of `seed_demo` (docs/design.md §7).

The bureau is the agency of the model summary (docs/design.md §6: 县工业和信息化局, year 2022); its
people are invented.
Everything here is looked up by code or username first, so running it again changes nothing.
"""

from django.db import transaction

from studyportal.accounts.models import Organization, Role, RoleAssignment, User

DEMO_PASSWORD = "demo-pass-2022"

COMMITTEE = ("xzjggw", "县直机关工委")
BUREAU = ("gongxinju", "县工业和信息化局")
BUREAU_BRANCH = ("gongxinju-dzb", "县工业和信息化局机关党支部")
NEIGHBOUR = ("fagaiju", "县发展和改革局")
NEIGHBOUR_BRANCH = ("fagaiju-dzb", "县发展和改革局机关党支部")

# username, real name, position, party member, leadership
BUREAU_PEOPLE = [
    ("linjianhua", "林建华", "党组书记、局长", True, True),
    ("chenzhiming", "陈志明", "党组成员、副局长", True, True),
    ("huangliping", "黄丽萍", "党组成员、副局长", True, True),
    ("zhengguoqiang", "郑国强", "党组成员、总工程师", True, True),
    ("secretary", "吴秀英", "机关党支部书记、办公室主任", True, False),
    ("recorder", "张晓燕", "机关党支部组织委员", True, False),
    ("staff", "李明", "科员", True, False),
    ("liuyang", "刘洋", "综合股股长", True, False),
    ("zhoujing", "周静", "工业股股长", True, False),
    ("xuwei", "徐伟", "信息化股股长", True, False),
    ("sunli", "孙丽", "科员", True, False),
    ("mahui", "马辉", "科员", True, False),
    ("zhuqiang", "朱强", "科员", True, False),
    ("hujie", "胡杰", "科员", False, False),
    ("guoting", "郭婷", "科员", True, False),
    ("heping", "何平", "办事员", False, False),
    ("gaofeng", "高峰", "科员", True, False),
    ("luoxia", "罗霞", "科员", True, False),
    ("liangchen", "梁晨", "办事员", True, False),
    ("songyu", "宋宇", "科员", False, False),
]

NEIGHBOUR_PEOPLE = [
    ("fgj_secretary", "王海涛", "机关党支部书记", True, False),
    ("wangjun", "王军", "党组书记、局长", True, True),
    ("yangfan", "杨帆", "科员", True, False),
    ("xiefang", "谢芳", "科员", True, False),
    ("tangbo", "唐波", "科员", False, False),
]

# username → (role, organization code); these accounts log in with DEMO_PASSWORD.
DEMO_ACCOUNTS = {
    "staff": (Role.STAFF, "gongxinju"),
    "recorder": (Role.RECORDER, "gongxinju"),
    "secretary": (Role.SECRETARY, "gongxinju"),
    "admin": (Role.ADMIN, "xzjggw"),
    "fgj_secretary": (Role.SECRETARY, "fagaiju"),
}


def _org(code, name, kind, parent=None):
    org = Organization.objects.filter(code=code).first()
    if org is None:
        org = Organization.objects.create(code=code, name=name, kind=kind, parent=parent)
    return org


def _party_group(people: list, index: int) -> str:
    """Both branches keep party groups (they hold 党小组会): the first half of the members in one, the rest
    in another."""
    return "第一党小组" if index < len(people) // 2 else "第二党小组"


def _person(username, real_name, position, party_member, leader, agency, branch, party_group=""):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            real_name=real_name,
            position=position,
            agency=agency,
            branch=branch,
            party_group=party_group if party_member else "",
            is_party_member=party_member,
            is_leader=leader,
        )
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def seed_organizations_and_people() -> dict:
    committee = _org(*COMMITTEE, Organization.Kind.COMMITTEE)
    bureau = _org(*BUREAU, Organization.Kind.AGENCY, committee)
    bureau_branch = _org(*BUREAU_BRANCH, Organization.Kind.BRANCH, bureau)
    neighbour = _org(*NEIGHBOUR, Organization.Kind.AGENCY, committee)
    neighbour_branch = _org(*NEIGHBOUR_BRANCH, Organization.Kind.BRANCH, neighbour)
    if bureau.low_points_threshold is None:
        bureau.low_points_threshold = 8000
        bureau.save(update_fields=["low_points_threshold"])

    people = {}
    for index, row in enumerate(BUREAU_PEOPLE):
        people[row[0]] = _person(*row, bureau, bureau_branch, _party_group(BUREAU_PEOPLE, index))
    for index, row in enumerate(NEIGHBOUR_PEOPLE):
        people[row[0]] = _person(*row, neighbour, neighbour_branch, _party_group(NEIGHBOUR_PEOPLE, index))
    people["admin"] = _person("admin", "赵永刚", "县直机关工委管理员", True, False, committee, None)

    orgs = {org.code: org for org in (committee, bureau, bureau_branch, neighbour, neighbour_branch)}
    for username, (role, org_code) in DEMO_ACCOUNTS.items():
        user = people[username]
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        if username == "admin":
            user.is_staff = user.is_superuser = True
        user.save()
        RoleAssignment.objects.get_or_create(user=user, organization=orgs[org_code], role=role)
    # Everyone else in an agency may see and record for it.
    for user in people.values():
        if user.username not in DEMO_ACCOUNTS and user.agency_id:
            RoleAssignment.objects.get_or_create(user=user, organization=user.agency, role=Role.STAFF)
    return {"orgs": orgs, "people": people}
