"""Every named URL of the portal, requested by every kind of person, against our agency's objects.

The table below is the permission model written out (docs/design.md §2 and §8): logged out →
the login page; another agency's object → 404; visible but the role is too low → 403; a POST-only
action asked with GET → 405. A URL added to the URLconf without a row here fails
`test_every_named_url_has_a_row_in_the_table`, so nobody ships a page whose permissions were never
thought through.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from activities.imports.batches import import_batch_create
from activities.models import Activity, Attachment, PlanItem, Publicity, RectificationItem, StudyPlan
from activities.views.sign_in import sign_in_token
from reports.models import ExportJob, Summary
from studyportal.accounts.models import Organization, Role
from tests.activities.uploads import PNG_BYTES
from tests.factories import (
    ActivityFactory,
    OrganizationFactory,
    RectificationItemFactory,
    RoleAssignmentFactory,
    UserFactory,
)

ACTORS = ("anonymous", "staff", "recorder", "secretary", "admin", "committee_admin", "outsider")

# Expected outcomes. LOGIN: a redirect to the login page. DONE: a redirect elsewhere (the action went
# through, or was refused with a message on the page it returns to).
LOGIN, DONE = "login", "done"

# Namespaces and names that are Django's, not the portal's.
NOT_OURS = {"admin", "set_language"}

YEAR = 2022
FINAL_YEAR = 2021  # a year whose summary is already final, so that "reopen" has something to reopen

# name: (method, arguments (from the `world` objects), query string)
REQUESTS = {
    "home": ("get", None, ""),
    "login": ("get", None, ""),
    "logout": ("post", None, ""),
    "password_change": ("get", None, ""),
    "otp_setup": ("get", None, ""),
    "otp_verify": ("get", None, ""),
    # activities
    "activities:list": ("get", None, ""),
    "activities:new": ("get", None, ""),
    "activities:calendar": ("get", None, ""),
    "activities:my_record": ("get", None, ""),
    "activities:export": ("get", None, ""),
    "activities:detail": ("get", lambda w: {"pk": w.submitted.pk}, ""),
    "activities:edit": ("get", lambda w: {"pk": w.draft.pk}, ""),
    "activities:submit": ("post", lambda w: {"pk": w.draft.pk}, ""),
    "activities:approve": ("post", lambda w: {"pk": w.submitted.pk}, ""),
    "activities:return": ("post", lambda w: {"pk": w.submitted.pk}, ""),
    "activities:delete": ("post", lambda w: {"pk": w.draft.pk}, ""),
    "activities:attachment_add": ("post", lambda w: {"pk": w.draft.pk}, ""),
    "activities:qr": ("get", lambda w: {"pk": w.draft.pk}, ""),
    "activities:qr_code": ("get", lambda w: {"pk": w.draft.pk}, ""),
    "activities:roster": ("get", lambda w: {"pk": w.draft.pk}, ""),
    "activities:sign_in": ("get", lambda w: {"pk": w.draft.pk, "token": sign_in_token(w.draft)}, ""),
    "activities:attachment_download": ("get", lambda w: {"pk": w.attachment.pk}, ""),
    # imports
    "imports:upload": ("get", None, ""),
    "imports:preview": ("get", lambda w: {"pk": w.batch.pk}, ""),
    "imports:confirm": ("post", lambda w: {"pk": w.batch.pk}, ""),
    "imports:approve": ("post", lambda w: {"pk": w.batch.pk}, ""),
    "imports:template": ("get", lambda w: {"ledger_type": "activities"}, ""),
    # rectification, points, publicity, plans, norms
    "records:rectification_list": ("get", None, ""),
    "records:rectification_new": ("get", None, ""),
    "records:rectification_export": ("get", None, ""),
    "records:rectification_detail": ("get", lambda w: {"pk": w.item.pk}, ""),
    "records:rectification_edit": ("get", lambda w: {"pk": w.item.pk}, ""),
    "records:rectification_progress": ("post", lambda w: {"pk": w.item.pk}, ""),
    "records:rectification_start": ("post", lambda w: {"pk": w.item.pk}, ""),
    "records:rectification_complete": ("post", lambda w: {"pk": w.item.pk}, ""),
    "records:rectification_reopen": ("post", lambda w: {"pk": w.item.pk}, ""),
    "records:rectification_close": ("post", lambda w: {"pk": w.item.pk}, ""),
    "records:points": ("get", None, "org=agency"),
    "records:points_threshold": ("post", None, "org=agency"),
    "records:publicity_list": ("get", None, "org=agency"),
    "records:publicity_new": ("get", None, ""),
    "records:publicity_edit": ("get", lambda w: {"pk": w.placement.pk}, ""),
    "records:plans": ("get", None, "org=agency"),
    "records:plan_detail": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "records:plan_item_new": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "records:plan_activity_options": ("get", lambda w: {"year": YEAR}, "org=agency&month=3"),
    "records:plan_item_edit": ("get", lambda w: {"year": YEAR, "pk": w.plan_item.pk}, ""),
    "records:plan_item_delete": ("post", lambda w: {"year": YEAR, "pk": w.plan_item.pk}, ""),
    "records:plan_item_fulfil": ("post", lambda w: {"year": YEAR, "pk": w.plan_item.pk}, ""),
    "records:norms": ("get", None, "org=agency"),
    # the annual summary and its exports
    "reports:index": ("get", None, ""),
    "reports:summary": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "reports:section": ("get", lambda w: {"year": YEAR, "key": "leading"}, "org=agency"),
    "reports:section_edit": ("get", lambda w: {"year": YEAR, "key": "leading"}, "org=agency"),
    "reports:section_regenerate": ("post", lambda w: {"year": YEAR, "key": "leading"}, "org=agency"),
    "reports:finalize": ("post", lambda w: {"year": YEAR}, "org=agency"),
    "reports:reopen": ("post", lambda w: {"year": FINAL_YEAR}, "org=agency"),
    "reports:sources": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:docx": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:xlsx": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:markdown": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:html": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:print": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:archive": ("get", lambda w: {"year": YEAR}, "org=agency"),
    "exports:archive_zip": ("get", lambda w: {"year": YEAR}, "org=agency"),
    # A finished background export of the ledger, asked for by the secretary.
    "exports:job": ("get", lambda w: {"pk": _secretarys_export(w).pk}, ""),
    "exports:job_download": ("get", lambda w: {"pk": _secretarys_export(w).pk}, ""),
    # dashboard
    "dashboard:index": ("get", None, "org=agency"),
    "dashboard:overview": ("get", None, ""),
    "dashboard:overview_xlsx": ("get", None, ""),
    "dashboard:review_approve": ("post", lambda w: {"pk": w.submitted.pk}, ""),
    "dashboard:review_return": ("post", lambda w: {"pk": w.submitted.pk}, ""),
    # notifications: each person's own inbox, bell and e-mail choice
    "notifications:inbox": ("get", None, ""),
    "notifications:bell": ("get", None, ""),
    "notifications:email": ("post", None, ""),
    # people and branches
    "people:list": ("get", None, "org=agency"),
    "people:new": ("get", None, "org=agency"),
    "person_record": ("get", lambda w: {"pk": w.people["staff"].pk}, ""),
    "people:edit": ("get", lambda w: {"pk": w.people["staff"].pk}, ""),
    "people:move": ("get", lambda w: {"pk": w.people["staff"].pk}, ""),
    "people:active": ("post", lambda w: {"pk": w.people["staff"].pk}, ""),
    "people:password": ("post", lambda w: {"pk": w.people["staff"].pk}, ""),
    "people:branch_new": ("get", None, "org=agency"),
    "people:branch": ("get", lambda w: {"pk": w.branch.pk}, ""),
    "people:branch_rename": ("post", lambda w: {"pk": w.branch.pk}, ""),
    "people:party_group_rename": ("post", lambda w: {"pk": w.branch.pk}, ""),
    "people:branch_roles": ("post", lambda w: {"pk": w.branch.pk}, ""),
    "people:branch_move": ("post", lambda w: {"pk": w.branch.pk}, ""),
    "people:branch_close": ("post", lambda w: {"pk": w.branch.pk}, ""),
}


def _secretarys_export(w):
    job = ExportJob.objects.create(
        user=w.people["secretary"], organization=w.agency, year=YEAR, status=ExportJob.Status.DONE
    )
    job.file.save("ledgers.xlsx", ContentFile(b"workbook"))
    return job


# fmt: off
# name:                                  anonymous staff recorder secretary admin committee outsider
EXPECTED = {
    "home":                                (LOGIN, 200, 200, 200, 200, 200, 200),
    "notifications:inbox":                 (LOGIN, 200, 200, 200, 200, 200, 200),
    "notifications:bell":                  (LOGIN, 200, 200, 200, 200, 200, 200),
    # POSTed without a choice: refused with a message on the inbox.
    "notifications:email":                 (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE),
    # A logged-in person asking for the login page is sent on to their home page.
    "login":                               (200, DONE, DONE, DONE, DONE, DONE, DONE),
    "logout":                              (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "password_change":                     (LOGIN, 200, 200, 200, 200, 200, 200),
    "otp_setup":                           (LOGIN, 200, 200, 200, 200, 200, 200),
    "otp_verify":                          (LOGIN, 200, 200, 200, 200, 200, 200),
    # Lists, calendars and exports without an object show each person their own scope.
    "activities:list":                     (LOGIN, 200, 200, 200, 200, 200, 200),
    "activities:new":                      (LOGIN, 200, 200, 200, 200, 200, 200),
    "activities:calendar":                 (LOGIN, 200, 200, 200, 200, 200, 200),
    "activities:my_record":                (LOGIN, 200, 200, 200, 200, 200, 200),
    "activities:export":                   (LOGIN, 200, 200, 200, 200, 200, 200),
    "activities:detail":                   (LOGIN, 200, 200, 200, 200, 200, 404),
    # The draft is the recorder's: other staff do not see it until it is submitted (issue 14).
    "activities:edit":                     (LOGIN, 404, 200, 200, 200, 200, 404),
    "activities:submit":                   (LOGIN, 404, DONE, DONE, DONE, DONE, 404),
    "activities:approve":                  (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    # Without a comment the return is refused with a message on the page the reviewer came from.
    "activities:return":                   (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "activities:delete":                   (LOGIN, 404, DONE, DONE, DONE, DONE, 404),
    "activities:attachment_add":           (LOGIN, 404, DONE, DONE, DONE, DONE, 404),
    "activities:qr":                       (LOGIN, 404, 200, 200, 200, 200, 404),
    "activities:qr_code":                  (LOGIN, 404, 200, 200, 200, 200, 404),
    "activities:roster":                   (LOGIN, 404, 200, 200, 200, 200, 404),
    # Only the agency's own people sign in, to the draft too; the committee is not its attendee.
    "activities:sign_in":                  (LOGIN, 200, 200, 200, 200, 403, 404),
    # The photo is the draft's: hidden from other staff with the draft.
    "activities:attachment_download":      (LOGIN, 404, 200, 200, 200, 200, 404),
    # Importing is for recorders and up, anywhere they hold that role.
    "imports:upload":                      (LOGIN, 403, 200, 200, 200, 200, 200),
    # An upload waiting for confirmation is its uploader's alone (it is a private file, not a record).
    "imports:preview":                     (LOGIN, 404, 200, 404, 404, 404, 404),
    "imports:confirm":                     (LOGIN, 404, DONE, 404, 404, 404, 404),
    # Approving a recorder's imported records together is the secretary's, as approving one is.
    "imports:approve":                     (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "imports:template":                    (LOGIN, 403, 200, 200, 200, 200, 200),
    "records:rectification_list":         (LOGIN, 200, 200, 200, 200, 200, 200),
    "records:rectification_new":          (LOGIN, 403, 200, 200, 200, 200, 200),
    "records:rectification_export":       (LOGIN, 200, 200, 200, 200, 200, 200),
    "records:rectification_detail":       (LOGIN, 200, 200, 200, 200, 200, 404),
    "records:rectification_edit":         (LOGIN, 403, 200, 200, 200, 200, 404),
    # An empty progress note is bad input: the page comes back with the form's message.
    "records:rectification_progress":     (LOGIN, 403, 400, 400, 400, 400, 404),
    "records:rectification_start":        (LOGIN, 403, DONE, DONE, DONE, DONE, 404),
    "records:rectification_complete":     (LOGIN, 403, DONE, DONE, DONE, DONE, 404),
    "records:rectification_reopen":       (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "records:rectification_close":        (LOGIN, 403, 403, 400, 400, 400, 404),
    # Members' study points are the secretary's to see, the low threshold the administrator's to set.
    "records:points":                     (LOGIN, 403, 403, 200, 200, 200, 404),
    "records:points_threshold":           (LOGIN, 403, 403, 403, DONE, DONE, 404),
    "records:publicity_list":             (LOGIN, 200, 200, 200, 200, 200, 404),
    "records:publicity_new":              (LOGIN, 403, 200, 200, 200, 200, 200),
    "records:publicity_edit":             (LOGIN, 403, 200, 200, 200, 200, 404),
    "records:plans":                      (LOGIN, 200, 200, 200, 200, 200, 404),
    "records:plan_detail":                (LOGIN, 200, 200, 200, 200, 200, 404),
    "records:plan_item_new":              (LOGIN, 403, 200, 200, 200, 200, 404),
    "records:plan_activity_options":      (LOGIN, 403, 200, 200, 200, 200, 404),
    "records:plan_item_edit":             (LOGIN, 403, 200, 200, 200, 200, 404),
    "records:plan_item_delete":           (LOGIN, 403, DONE, DONE, DONE, DONE, 404),
    "records:plan_item_fulfil":           (LOGIN, 403, DONE, DONE, DONE, DONE, 404),
    "records:norms":                      (LOGIN, 200, 200, 200, 200, 200, 404),
    "reports:index":                       (LOGIN, 200, 200, 200, 200, 200, 200),
    "reports:summary":                     (LOGIN, 200, 200, 200, 200, 200, 404),
    "reports:sources":                     (LOGIN, 200, 200, 200, 200, 200, 404),
    "reports:section":                     (LOGIN, 200, 200, 200, 200, 200, 404),
    "reports:section_edit":                (LOGIN, 403, 403, 200, 200, 200, 404),
    "reports:section_regenerate":          (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "reports:finalize":                    (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "reports:reopen":                      (LOGIN, 403, 403, 403, DONE, DONE, 404),
    "exports:docx":                        (LOGIN, 200, 200, 200, 200, 200, 404),
    # The ledger workbook names people: the secretary's and the administrator's.
    "exports:xlsx":                        (LOGIN, 403, 403, 200, 200, 200, 404),
    "exports:markdown":                    (LOGIN, 200, 200, 200, 200, 200, 404),
    "exports:html":                        (LOGIN, 200, 200, 200, 200, 200, 404),
    "exports:print":                       (LOGIN, 200, 200, 200, 200, 200, 404),
    # The study archive names people, as the ledger does.
    "exports:archive":                     (LOGIN, 403, 403, 200, 200, 200, 404),
    "exports:archive_zip":                 (LOGIN, 403, 403, 200, 200, 200, 404),
    # A background export is its asker's alone, as an upload waiting for confirmation is.
    "exports:job":                         (LOGIN, 404, 404, 200, 404, 404, 404),
    "exports:job_download":                (LOGIN, 404, 404, 200, 404, 404, 404),
    "dashboard:index":                     (LOGIN, 403, 403, 200, 200, 200, 404),
    # The side-by-side overview is for administrators; the outsider is a secretary.
    "dashboard:overview":                  (LOGIN, 403, 403, 403, 200, 200, 403),
    "dashboard:overview_xlsx":             (LOGIN, 403, 403, 403, 200, 200, 403),
    "dashboard:review_approve":            (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "dashboard:review_return":             (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    # People and branches are managed by the secretary and the administrators of the scope.
    "people:list":                         (LOGIN, 403, 403, 200, 200, 200, 404),
    "people:new":                          (LOGIN, 403, 403, 200, 200, 200, 404),
    "person_record":                         (LOGIN, 403, 403, 200, 200, 200, 404),
    "people:edit":                         (LOGIN, 403, 403, 200, 200, 200, 404),
    "people:move":                         (LOGIN, 403, 403, 200, 200, 200, 404),
    "people:active":                       (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    # The new initial password is shown on the answer, once.
    "people:password":                     (LOGIN, 403, 403, 200, 200, 200, 404),
    "people:branch_new":                   (LOGIN, 403, 403, 200, 200, 200, 404),
    "people:branch":                       (LOGIN, 403, 403, 200, 200, 200, 404),
    # An empty name or no agency chosen is bad input: the page comes back with the form's message.
    "people:branch_rename":                (LOGIN, 403, 403, 400, 400, 400, 404),
    # Without a group named, the branch's page says so.
    "people:party_group_rename":           (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "people:branch_roles":                 (LOGIN, 403, 403, DONE, DONE, DONE, 404),
    "people:branch_move":                  (LOGIN, 403, 403, 400, 400, 400, 404),
    # A branch with members is not closed: refused with a message on the branch's page.
    "people:branch_close":                 (LOGIN, 403, 403, DONE, DONE, DONE, 404),
}
# fmt: on


def _named_urls(patterns=None, namespace=""):
    """Every URL name reachable from the root URLconf, with its namespaces ("records:points")."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _ours(name: str) -> bool:
    return name.split(":")[0] not in NOT_OURS


def test_every_named_url_has_a_row_in_the_table():
    portal = {name for name in _named_urls() if _ours(name)}
    assert portal - set(EXPECTED) == set(), "add the new URL to EXPECTED and REQUESTS"
    assert set(EXPECTED) - portal == set(), "a URL in the table no longer exists"
    assert set(REQUESTS) == set(EXPECTED)


class World:
    pass


def add_draft_and_upload(w, branch, recorder):
    """The recorder's draft of today with an attachment, and an upload waiting for confirmation."""
    # Dated today, so that its sign-in code is still valid (it closes at the end of the day).
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    w.draft = ActivityFactory(
        organization=branch, recorded_by=recorder, status=Activity.Status.DRAFT, date=today
    )
    w.attachment = Attachment.objects.create(
        activity=w.draft,
        file=ContentFile(PNG_BYTES, name="photo.png"),
        original_name="photo.png",
        content_type="image/png",
        size=len(PNG_BYTES),
        uploaded_by=recorder,
    )
    csv = "日期,标题,媒体,级别,形式\n2022-04-01,一篇稿件,县融媒体中心,县级,文章\n"
    w.batch = import_batch_create(
        organization=w.agency, ledger_type="publicity", filename="上稿.csv", data=csv.encode(), by=recorder
    )


def _build_world():
    """Our agency's cast, as in tests/conftest.py, and one of each object the URLs point at."""
    w = World()
    committee = OrganizationFactory(code="committee", name="测试机关工委", kind=Organization.Kind.COMMITTEE)
    w.agency = OrganizationFactory(code="agency", name="测试局", parent=committee)
    branch = w.branch = OrganizationFactory(
        code="branch", name="测试局机关党支部", kind=Organization.Kind.BRANCH, parent=w.agency
    )
    other_agency = OrganizationFactory(code="other", name="另一局", parent=committee)
    other_branch = OrganizationFactory(
        code="other-branch", name="另一局党支部", kind=Organization.Kind.BRANCH, parent=other_agency
    )
    w.people = {
        "staff": UserFactory(agency=w.agency, branch=branch, role=Role.STAFF),
        "recorder": UserFactory(agency=w.agency, branch=branch, role=Role.RECORDER),
        "secretary": UserFactory(agency=w.agency, branch=branch, role=Role.SECRETARY),
        "admin": UserFactory(agency=w.agency, branch=branch, role=Role.ADMIN),
        "committee_admin": UserFactory(agency=committee),
        "outsider": UserFactory(agency=other_agency, branch=other_branch, role=Role.SECRETARY),
    }
    RoleAssignmentFactory(user=w.people["committee_admin"], organization=committee, role=Role.ADMIN)
    recorder, secretary = w.people["recorder"], w.people["secretary"]
    add_draft_and_upload(w, branch, recorder)
    w.submitted = ActivityFactory(organization=branch, recorded_by=recorder, status=Activity.Status.SUBMITTED)
    w.item = RectificationItemFactory(agency=w.agency, owner=secretary, created_by=recorder)
    w.placement = Publicity.objects.create(
        agency=w.agency,
        date=datetime.date(YEAR, 3, 5),
        title="学习型机关建设见闻",
        outlet="县融媒体中心",
        level=Publicity.Level.COUNTY,
        created_by=recorder,
    )
    plan = StudyPlan.objects.create(agency=w.agency, year=YEAR, title="2022年学习计划")
    w.plan_item = PlanItem.objects.create(plan=plan, month=3, topic="学习党的二十大精神")
    Summary.objects.create(agency=w.agency, year=FINAL_YEAR, status=Summary.Status.FINAL)
    return w


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the ~480 cases: each test runs inside its own savepoint (pytest-django's `db`),
    so whatever a POST changes is rolled back before the next case, and the world stays as built."""
    media_root = tmp_path_factory.mktemp("media")
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast_hasher):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _build_world()
            world.media_root = media_root
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_world, db, settings):
    settings.MEDIA_ROOT = shared_world.media_root
    return shared_world


def _url(name, world):
    _method, arguments, query = REQUESTS[name]
    path = reverse(name, kwargs=arguments(world) if arguments else None)
    query = query.replace("org=agency", f"org={world.agency.code}")
    return f"{path}?{query}" if query else path


CASES = [
    pytest.param(name, actor, expected, id=f"{name}-{actor}")
    for name, row in EXPECTED.items()
    for actor, expected in zip(ACTORS, row, strict=True)
]


@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_each_url_answers_each_person_as_the_table_says(client, world, name, actor, expected):
    if actor != "anonymous":
        client.force_login(world.people[actor])
    method = REQUESTS[name][0]
    response = getattr(client, method)(_url(name, world))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


POST_ONLY = [name for name, (method, _a, _q) in REQUESTS.items() if method == "post"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_post_only_action_asked_with_get_is_refused_and_changes_nothing(client, world, name):
    client.force_login(world.people["admin"])
    assert client.get(_url(name, world)).status_code == 405
    world.draft.refresh_from_db()
    world.submitted.refresh_from_db()
    assert (world.draft.status, world.submitted.status) == (Activity.Status.DRAFT, Activity.Status.SUBMITTED)
    assert world.draft.deleted_at is None
    assert RectificationItem.objects.get(pk=world.item.pk).status == RectificationItem.Status.NOT_STARTED


# ---------------------------------------------------------------------------- spoiled numbers
# Every URL of the table with its numbers spoiled (issue 13, findings 4–5): years, ids, pages, months
# and organization codes huge, negative, zero or not numbers at all. The portal answers with a page, a
# redirect, 400 or 404, never a server error.

JUNK = ["0", "-1", "10000", "99999999999", "12345678901234567890", "1e9", "abc", "", " 2022", "２０２２"]
QUERY_NAMES = ["year", "page", "org", "month", "organization", "person", "kind", "status"]


def _paths(name, w) -> tuple[str, list[str]]:
    """The URL as the table gives it, and with each numeric part of its path replaced by junk that
    still matches the pattern."""
    _method, arguments, _query = REQUESTS[name]
    if not arguments:
        return reverse(name), []
    kwargs = arguments(w)
    # Reversing checks the converter; the spoiled paths are built by hand from the good one.
    good = reverse(name, kwargs=kwargs)
    spoiled = [
        good.replace(f"/{value}/", f"/{junk}/", 1)
        for value in kwargs.values()
        if isinstance(value, int)
        for junk in ("0", "10000", "99999999999", "12345678901234567890")
    ]
    return good, spoiled


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_no_spoiled_number_in_a_url_gives_a_server_error(client, world, name):
    client.raise_request_exception = False
    client.force_login(world.people["admin"])
    method = REQUESTS[name][0]
    failures = []
    good, spoiled = _paths(name, world)
    # A GET of the good path carries each junk value in each query parameter, where the view goes on
    # to read them; a spoiled path carries each junk value in every parameter at once. A POST
    # carries no data: one request per spoiled path (or the good one) is the whole test.
    if method == "get":
        requests = [(good, {key: junk}) for key in QUERY_NAMES for junk in JUNK]
        requests += [(path, dict.fromkeys(QUERY_NAMES, junk)) for path in spoiled for junk in JUNK]
    else:
        requests = [(path, None) for path in spoiled or [good]]
    for path, query in requests:
        response = getattr(client, method)(path, query)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path}?{query or ''} → {response.status_code}")
    assert not failures, "\n".join(failures)
