"""Importing a list of people: accounts for new people, updates for known ones, matched by name."""

import pytest

from activities.imports.engine import ledger_import
from studyportal.accounts.models import Organization, Role, RoleAssignment, User
from tests.activities.test_import_activities import model_counts
from tests.activities.test_ledger import FORMATS, csv_bytes, ledger_file

PEOPLE = [
    ["测试局干部职工名单"],
    ["姓名", "用户名（username）", "职务", "党支部", "党员", "领导班子"],
    ["陈局长", "chenjuzhang", "党组书记、局长", "测试局机关党支部", "是", "是"],
    ["刘科员", "", "科员", "测试局第二党支部", "Y", "N"],
    ["何办事员", "", "办事员", "", "✗", "否"],
]


def run(data, organization, user, name="people.csv", dry_run=False):
    return ledger_import(
        ledger_type="people", data=data, filename=name, organization=organization, user=user, dry_run=dry_run
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_new_people_get_accounts_without_a_password_and_a_staff_role(
    fmt, tmp_path, agency, branch, admin_user
):
    data, name = ledger_file(fmt, PEOPLE, tmp_path)
    result = run(data, agency, admin_user, name)
    assert result.errors == [] and result.created == 3

    chen = User.objects.get(real_name="陈局长")
    assert chen.username == "chenjuzhang" and chen.agency == agency and chen.branch == branch
    assert chen.is_party_member and chen.is_leader and chen.position == "党组书记、局长"
    assert not chen.has_usable_password()  # the admin issues an initial password later
    assert RoleAssignment.objects.filter(user=chen, organization=agency, role=Role.STAFF).exists()

    liu = User.objects.get(real_name="刘科员")
    assert liu.username.startswith("u") and liu.username.isascii()
    new_branch = liu.branch
    assert (new_branch.name, new_branch.kind, new_branch.parent) == ("测试局第二党支部", "branch", agency)
    assert liu.is_party_member and not liu.is_leader

    he = User.objects.get(real_name="何办事员")
    assert he.branch is None and not he.is_party_member


def test_people_imported_twice_are_not_duplicated(agency, branch, admin_user):
    run(csv_bytes(PEOPLE), agency, admin_user)
    usernames = set(User.objects.values_list("username", flat=True))
    before = model_counts()
    result = run(csv_bytes(PEOPLE), agency, admin_user)
    assert (result.created, result.unchanged) == (0, 3)
    assert model_counts() == before
    assert set(User.objects.values_list("username", flat=True)) == usernames


def test_a_known_person_is_updated_and_keeps_their_login(agency, branch, staff, admin_user):
    rows = [["姓名", "职务", "领导班子"], ["张三", "副局长", "是"]]
    result = run(csv_bytes(rows), agency, admin_user)
    assert (result.created, result.updated) == (0, 1)
    staff.refresh_from_db()
    assert staff.position == "副局长" and staff.is_leader and staff.username == "t_staff"
    assert staff.check_password("test-pass-123")


def test_the_same_name_in_another_agency_is_a_different_person(agency, other_agency, outsider, admin_user):
    rows = [["姓名"], ["外单位书记"]]
    result = run(csv_bytes(rows), agency, admin_user)
    assert result.created == 1
    assert User.objects.filter(real_name="外单位书记").count() == 2


def test_generated_usernames_are_stable_and_unique(agency, other_agency, admin_user, committee_admin):
    run(csv_bytes([["姓名"], ["同名人"]]), agency, admin_user)
    # People lists are the administrator's to import (issue 13): the committee's covers both agencies.
    run(csv_bytes([["姓名"], ["同名人"]]), other_agency, committee_admin)
    usernames = list(User.objects.filter(real_name="同名人").values_list("username", flat=True))
    assert len(set(usernames)) == 2


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["", "", "科员", "", "", ""], "姓名", "必须填写"),
        (["新人", "t_outsider", "", "", "", ""], "用户名（username）", "已被占用"),
        (["新人", "有 空格", "", "", "", ""], "用户名（username）", "用户名"),
        (["新人", "", "", "另一局党支部", "", ""], "党支部", "其他单位"),
        (["新人", "", "", "", "可能", ""], "党员", "是"),
        (["陈局长", "", "", "", "", ""], "姓名", "重复"),
    ],
)
def test_a_bad_person_row_is_named_and_nothing_is_written(
    row, column, words, agency, branch, other_branch, outsider, admin_user
):
    before = model_counts()
    result = run(csv_bytes([*PEOPLE, row]), agency, admin_user)
    assert model_counts() == before
    assert [(issue.row, issue.column) for issue in result.errors] == [(6, column)]
    assert words in result.errors[0].message


def test_a_people_dry_run_creates_no_accounts_or_branches(agency, branch, admin_user):
    before = model_counts()
    result = run(csv_bytes(PEOPLE), agency, admin_user, dry_run=True)
    assert result.ok and result.created == 3
    assert model_counts() == before
    assert not Organization.objects.filter(name="测试局第二党支部").exists()


def test_the_command_imports_people(agency, branch, admin_user, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(PEOPLE, "gb18030"))
    call_command("import_ledger", str(path), "--org", "agency", "--type", "people")
    assert User.objects.filter(agency=agency, real_name__in=["陈局长", "刘科员", "何办事员"]).count() == 3


@pytest.mark.parametrize("rows", [2, 40])
def test_checking_a_people_list_costs_the_same_queries_however_long_it_is(
    rows, agency, branch, admin_user, django_assert_num_queries
):
    data = csv_bytes(
        [PEOPLE[1]] + [[f"新人{n}", f"user{n}", "", "测试局机关党支部", "也许", ""] for n in range(rows)]
    )
    # 1: the importer's roles (who may import people); 2: the agency's people; 3: the branches named;
    # 4: the usernames already taken.
    with django_assert_num_queries(4):
        result = run(data, agency, admin_user)
    assert len(result.errors) == rows
