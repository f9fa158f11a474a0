import io

import pytest
from django.core.management import CommandError, call_command

from demo.people import DEMO_PASSWORD
from studyportal.accounts.models import Organization, RoleAssignment, User


@pytest.mark.django_db
def test_add_org_builds_the_tree():
    call_command("add_org", code="c", name="工委", kind="committee")
    call_command("add_org", code="a", name="某局", kind="agency", parent="c")
    call_command("add_org", code="b", name="某局党支部", kind="branch", parent="a")
    branch = Organization.objects.get(code="b")
    assert branch.parent.code == "a"
    assert set(Organization.objects.get(code="c").subtree().values_list("code", flat=True)) == {"c", "a", "b"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"code": "x", "name": "X", "kind": "agency", "parent": "missing"},
            "没有代码为 missing 的组织。请核对代码",
        ),
        ({"code": "c", "name": "另一个", "kind": "committee"}, "代码 c 已被工委使用，请换一个代码"),
        ({"code": "d", "name": "工委", "kind": "committee"}, "已有名为工委的组织"),
        (
            {"code": "b", "name": "支部", "kind": "branch", "parent": "c"},
            "党支部不能设在工委（机关工委）之下",
        ),
        ({"code": "b", "name": "支部", "kind": "branch"}, "请用 --parent 指定所属单位的代码"),
        ({"code": "有 空格", "name": "支部", "kind": "agency"}, "只能包含字母、数字"),
    ],
)
def test_add_org_refuses_bad_input(kwargs, message):
    call_command("add_org", code="c", name="工委", kind="committee")
    with pytest.raises(CommandError, match=message):
        call_command("add_org", **kwargs)


@pytest.mark.django_db
def test_add_org_without_a_parent_makes_a_standalone_agency():
    out = io.StringIO()
    call_command("add_org", code="tjj", name="县统计局", kind="agency", stdout=out)
    agency = Organization.objects.get(code="tjj")
    assert agency.parent is None and agency.path == f"/{agency.pk}/"
    assert "已添加单位：县统计局（代码 tjj）" in out.getvalue()
    call_command("add_org", code="tjj-dzb", name="县统计局机关党支部", kind="branch", parent="tjj")
    assert Organization.objects.get(code="tjj-dzb").agency == agency


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_names_things_as_promised(client):
    call_command("seed_demo")
    counts = (Organization.objects.count(), User.objects.count(), RoleAssignment.objects.count())
    call_command("seed_demo")
    assert (Organization.objects.count(), User.objects.count(), RoleAssignment.objects.count()) == counts

    names = dict(Organization.objects.values_list("code", "name"))
    assert names["xzjggw"] == "县直机关工委"
    assert names["gongxinju"] == "县工业和信息化局"
    assert names["fagaiju"] == "县发展和改革局"
    bureau = Organization.objects.get(code="gongxinju")
    assert bureau.members.count() >= 20
    assert bureau.members.filter(is_leader=True).count() >= 3
    for username in ("staff", "recorder", "secretary", "admin"):
        assert client.login(username=username, password=DEMO_PASSWORD), username
