import pytest
from django.core.management import CommandError, call_command

from studyportal.accounts.demo import DEMO_PASSWORD
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
        ({"code": "x", "name": "X", "kind": "agency", "parent": "missing"}, "missing"),
        ({"code": "c", "name": "另一个", "kind": "committee"}, "已被使用"),
        ({"code": "b", "name": "支部", "kind": "branch", "parent": "c"}, "branch"),
    ],
)
def test_add_org_refuses_bad_input(kwargs, message):
    call_command("add_org", code="c", name="工委", kind="committee")
    with pytest.raises(CommandError, match=message):
        call_command("add_org", **kwargs)


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
