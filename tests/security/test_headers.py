import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "activities" / "templates", ROOT / "reports" / "templates"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.fixture
def superuser(django_user_model, agency):
    return django_user_model.objects.create_superuser(
        "root", password="x-long-password-1", real_name="管理员"
    )


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/accounts/login/", None),
        ("/", "staff"),
        ("/accounts/password/", "staff"),
        ("/accounts/2fa/setup/", "staff"),
        ("/admin/", "superuser"),
    ],
)
def test_pages_carry_a_policy_that_allows_no_inline_script(client, request, path, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(path)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == "script-src 'self'"
    assert (
        "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    )
    assert directives["default-src"] == "default-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["form-action"] == "form-action 'self'"
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), "an inline <script> would be blocked by the policy"
    assert not INLINE_HANDLER.search(re.sub(r"<script.*?</script>", "", html, flags=re.S))


def test_htmx_is_told_not_to_inject_its_inline_style(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_pages_are_not_sniffed_or_framed(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def template_files():
    return sorted(path for folder in TEMPLATE_DIRS if folder.exists() for path in folder.rglob("*.html"))


@pytest.mark.parametrize("template", template_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_inline_script_or_event_handlers(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not INLINE_HANDLER.search(text), "inline on…= handler: bind it from static/js/"
