"""Who may open or do what: staff, recorder, secretary, admin, another agency's secretary, anonymous."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity, Attachment, Kind
from activities.services import activity as services

from .uploads import PNG_BYTES, upload

ROLES = ["staff", "recorder", "secretary", "admin_user", "outsider"]
LOGIN = "login"


@pytest.fixture
def record(staff, secretary, agency):
    """A record the staff member made, in the state the test asks for."""

    def make(status):
        activity = services.activity_create(
            by=staff,
            organization=agency,
            kind=Kind.WEEKLY_STUDY,
            date=datetime.date(2022, 5, 10),
            title="周学习",
        )
        if status != "draft":
            services.activity_submit(activity=activity, by=staff)
        if status == "approved":
            services.activity_approve(activity=activity, by=secretary)
        if status == "returned":
            services.activity_return(activity=activity, by=secretary, comment="补充")
        return activity

    return make


# (page, method, record status, {role: expected status})
MATRIX = [
    ("detail", "get", "submitted", {"staff": 200, "recorder": 200, "secretary": 200, "admin_user": 200}),
    ("edit", "get", "draft", {"staff": 200, "recorder": 200, "secretary": 200, "admin_user": 200}),
    ("edit", "get", "returned", {"staff": 200, "recorder": 200, "secretary": 200, "admin_user": 200}),
    ("edit", "get", "submitted", {"staff": 403, "recorder": 200, "secretary": 200, "admin_user": 200}),
    ("edit", "get", "approved", {"staff": 403, "recorder": 403, "secretary": 200, "admin_user": 200}),
    ("submit", "post", "draft", {"staff": 302, "recorder": 302, "secretary": 302, "admin_user": 302}),
    ("approve", "post", "submitted", {"staff": 403, "recorder": 403, "secretary": 302, "admin_user": 302}),
    ("return", "post", "submitted", {"staff": 403, "recorder": 403, "secretary": 302, "admin_user": 302}),
    ("delete", "post", "draft", {"staff": 302, "recorder": 302, "secretary": 302, "admin_user": 302}),
    ("delete", "post", "approved", {"staff": 403, "recorder": 403, "secretary": 302, "admin_user": 302}),
    ("qr", "get", "approved", {"staff": 200, "recorder": 200, "secretary": 200, "admin_user": 200}),
    ("attachment_add", "post", "draft", {"staff": 302, "recorder": 302, "secretary": 302, "admin_user": 302}),
    (
        "attachment_add",
        "post",
        "approved",
        {"staff": 403, "recorder": 403, "secretary": 302, "admin_user": 302},
    ),
]


def _request(client, method, url):
    if method == "get":
        return client.get(url)
    return client.post(url, {"comment": "请补充", "kind": "photo", "files": upload("a.png", PNG_BYTES)})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "method", "status", "expected"), MATRIX, ids=[f"{m[0]}-{m[2]}" for m in MATRIX]
)
def test_permission_matrix_of_the_record_pages(client, record, request, role, page, method, status, expected):
    activity = record(status)
    client.force_login(request.getfixturevalue(role))
    response = _request(client, method, reverse(f"activities:{page}", args=[activity.pk]))
    # Another agency's secretary learns nothing, not even that the record exists.
    assert response.status_code == expected.get(role, 404)


@pytest.mark.parametrize(
    ("page", "method", "status", "expected"), MATRIX, ids=[f"{m[0]}-{m[2]}" for m in MATRIX]
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, record, page, method, status, expected):
    activity = record(status)
    response = _request(client, method, reverse(f"activities:{page}", args=[activity.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse(LOGIN))


OPEN_PAGES = ["list", "new", "calendar", "my_record", "export"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", OPEN_PAGES)
def test_every_role_opens_the_general_pages(client, request, role, page):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(f"activities:{page}")).status_code == 200


@pytest.mark.parametrize("page", OPEN_PAGES)
def test_the_general_pages_need_a_login(client, db, page):
    response = client.get(reverse(f"activities:{page}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse(LOGIN))


WRONG_METHOD = [
    ("list", "post", False),
    ("calendar", "post", False),
    ("my_record", "post", False),
    ("export", "post", False),
    ("new", "put", False),
    ("detail", "post", True),
    ("edit", "delete", True),
    ("approve", "get", True),
    ("return", "get", True),
    ("submit", "get", True),
    ("delete", "get", True),
    ("attachment_add", "get", True),
    ("qr", "post", True),
]


@pytest.mark.parametrize(
    ("page", "method", "needs_pk"), WRONG_METHOD, ids=[f"{w[1]}-{w[0]}" for w in WRONG_METHOD]
)
def test_a_wrong_method_is_refused(client_for, record, secretary, page, method, needs_pk):
    args = [record("submitted").pk] if needs_pk else []
    response = getattr(client_for(secretary), method)(reverse(f"activities:{page}", args=args))
    assert response.status_code == 405


def test_the_list_shows_only_records_in_scope(
    client_for, staff, outsider, agency, other_agency, committee_admin
):
    services.activity_create(
        by=staff,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 5, 10),
        title="本局学习",
    )
    services.activity_create(
        by=outsider,
        organization=other_agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 5, 10),
        title="外局学习",
    )
    ours = client_for(staff).get(reverse("activities:list")).content.decode()
    assert "本局学习" in ours and "外局学习" not in ours
    everyone = client_for(committee_admin).get(reverse("activities:list")).content.decode()
    assert "本局学习" in everyone and "外局学习" in everyone


def test_staff_cannot_edit_a_draft_someone_else_recorded(client_for, recorder, staff, agency):
    theirs = services.activity_create(
        by=recorder,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 5, 10),
        title="组织委员登记",
    )
    # Not even seen: a draft is its recorder's and the reviewers' until submitted (issue 14).
    assert client_for(staff).get(reverse("activities:edit", args=[theirs.pk])).status_code == 404


def test_a_soft_deleted_record_is_gone_for_everyone(client_for, record, secretary):
    activity = record("draft")
    client = client_for(secretary)
    client.post(reverse("activities:delete", args=[activity.pk]))
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_attachment_download_is_scoped(client, record, staff, request, role):
    activity = record("draft")
    attachment = services.attachment_add(
        activity=activity, by=staff, file=upload("照片.png", PNG_BYTES), kind="photo"
    )
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("activities:attachment_download", args=[attachment.pk]))
    assert response.status_code == (404 if role == "outsider" else 200)
    assert Attachment.objects.count() == 1
