import pytest

CHANGE = "/accounts/password/"


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab3$xyz", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("password123", "这个密码太常见了。"),
        ("8264913570243", "密码只包含数字。"),
        ("t_staff1234", "太相似"),
    ],
)
def test_a_weak_new_password_is_refused_with_a_chinese_reason(client_for, staff, new_password, message):
    client = client_for(staff)
    response = client.post(
        CHANGE,
        {"old_password": "test-pass-123", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("test-pass-123")


def test_a_strong_new_password_is_accepted(client_for, staff):
    client = client_for(staff)
    response = client.post(
        CHANGE,
        {
            "old_password": "test-pass-123",
            "new_password1": "Lianjie-Xuexi-2023",
            "new_password2": "Lianjie-Xuexi-2023",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Lianjie-Xuexi-2023")
