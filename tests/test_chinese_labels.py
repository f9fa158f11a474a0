"""No English in the Chinese interface where users met it (defect 4 of issue 14): filter and sort
menus, the audit trail's field names and times, download names."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise

from activities import kinds
from activities.services import rectification as records_services
from studyportal.audit.recorder import AUDITED_MODELS
from studyportal.downloads import content_disposition
from tests.factories import RectificationItemFactory

pytestmark = pytest.mark.django_db


def _options(page: str) -> list[str]:
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", page)]


def test_the_ledger_filters_and_sort_menu_read_in_chinese(client_for, secretary):
    options = _options(client_for(secretary).get(reverse("activities:list")).content.decode())
    assert "日期（降序）" in options and "日期（升序）" in options
    assert not [option for option in options if "descending" in option or option.startswith("---")]
    assert "全部" in options


def test_the_rectification_filters_have_no_dashes(client_for, secretary):
    options = _options(client_for(secretary).get(reverse("records:rectification_list")).content.decode())
    assert not [option for option in options if option.startswith("---")]


def test_every_audited_field_has_a_translated_name():
    untranslated = [
        f"{label}.{field.name}"
        for label in AUDITED_MODELS
        for field in apps.get_model(label)._meta.concrete_fields
        if not field.primary_key and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []


def test_a_closed_items_history_names_its_fields_in_chinese_with_local_times(
    client_for, agency, secretary, staff
):
    item = RectificationItemFactory(agency=agency, owner=staff, created_by=secretary)
    records_services.rectification_start(item=item, by=secretary)
    records_services.rectification_complete(item=item, by=secretary)
    records_services.rectification_close(item=item, by=secretary, evidence="已整改到位")
    item.refresh_from_db()
    detail = reverse("records:rectification_detail", args=[item.pk])
    page = client_for(secretary).get(detail).content.decode()
    trail = page[page.index('id="audit"') :]
    for english in ("closed by", "created at", "import key", ">ID<", "+00:00", "T0", "T1", "T2"):
        assert english not in trail
    assert "销号人" in trail
    local = item.closed_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert local.strftime("%Y-%m-%d %H:%M") in trail


def _names(response) -> tuple[str, str]:
    header = response["Content-Disposition"]
    fallback = re.search(r'filename="([^"]+)"', header).group(1)
    utf8 = re.search(r"filename\*=utf-8''(\S+)", header, re.I)
    return fallback, unquote(utf8.group(1)) if utf8 else fallback


def test_the_ledger_export_is_named_in_chinese_with_an_ascii_fallback(client_for, secretary, agency):
    query = f"?year=2022&organization={agency.pk}"
    response = client_for(secretary).get(reverse("activities:export") + query)
    assert _names(response) == ("activities-2022.xlsx", "测试局2022年度学习活动台账.xlsx")


def test_the_overview_export_is_named_in_chinese(client_for, admin_user):
    response = client_for(admin_user).get(reverse("dashboard:overview_xlsx") + "?year=2022")
    assert _names(response) == ("overview-2022.xlsx", "2022年度各单位学习情况一览.xlsx")


def test_the_rectification_export_is_named_in_chinese(client_for, secretary):
    fallback, name = _names(client_for(secretary).get(reverse("records:rectification_export")))
    assert fallback.startswith("rectification-") and name.startswith("整改事项")


def test_an_attachment_without_an_ascii_name_still_gets_a_fallback():
    header = content_disposition("签到表.jpg")
    assert header.startswith("attachment; filename=\"download.jpg\"; filename*=utf-8''")
    assert content_disposition("photo.png") == 'attachment; filename="photo.png"'


@pytest.mark.parametrize(
    "url",
    [
        reverse("activities:new") + f"?kind={kinds.kinds_where(lecture=True)[0]}",
        reverse("records:publicity_new"),
        reverse("people:new") + "?org=agency",
    ],
    ids=["activity", "publicity", "person"],
)
def test_a_select_prompts_in_chinese_instead_of_dashes(client_for, secretary, url):
    options = _options(client_for(secretary).get(url).content.decode())
    assert "请选择" in options
    assert not [option for option in options if option.startswith("---")]
