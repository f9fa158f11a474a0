"""Small things a picky user noticed (defect 10 of issue 14): the owner menu in pinyin order, and a
record without history says so instead of showing an empty card."""

import re

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _owner_options(page: str) -> list[str]:
    select = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    return [
        name for value, name in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select) if value
    ]


def test_the_owner_menu_is_in_pinyin_order(client_for, recorder, staff, secretary, leader):
    # 李四 li, 王五 wang, 张三 zhang, 赵局长 zhao: by code point 张 would come first.
    page = client_for(recorder).get(reverse("records:rectification_new")).content.decode()
    assert _owner_options(page) == ["李四", "王五", "张三", "赵局长"]


def test_a_record_without_history_says_so(client_for, secretary, branch):
    activity = ActivityFactory(organization=branch, recorded_by=secretary)
    activity.history.all().delete()
    page = client_for(secretary).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    card = page[page.index('id="history"') :]
    card = card[: card.index("</section>")]
    assert "暂无" in card or "没有" in card
