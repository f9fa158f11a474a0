"""WCAG 2.1 AA checked by axe-core (issue 19): every page of the permission matrix, as a role that opens it.

The pages and who opens them come from tests/security/test_url_permissions.py (REQUESTS, EXPECTED), so a
page added there is checked here too. The objects the URLs point at are the demo's (its coloured rows,
charts and long tables are what axe should see), plus a draft of today for the sign-in page, an
attachment and an upload waiting for confirmation. Each page is loaded once per role and checked at
1366 px, then at 390 px with the menu open. A serious or critical violation fails the test; the rules
axe could not decide ("incomplete": needs a person's judgement) are listed in the test run's summary.
docs/accessibility.md says what this covers and what it does not.

axe-core is vendored in tests/e2e/vendor/ (MPL-2.0) and injected by the test: no page of the portal
loads it.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from activities.models import Activity, PlanItem, Publicity, RectificationItem
from studyportal.accounts.models import Organization, User
from tests.security.test_url_permissions import (
    ACTORS,
    EXPECTED,
    REQUESTS,
    YEAR,
    World,
    _url,
    add_draft_and_upload,
)

from .conftest import ARTIFACTS, DESKTOP, PHONE, login

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# English, as the language menu sets it, is checked on the phone only, where its longer words wrap
# and crowd: colours and names do not change with the language, and the run stays short.
WIDTHS = {"zh-hans": (DESKTOP, PHONE), "en": (PHONE,)}

# GET URLs that answer with a file or a fragment for htmx, not a page a person reads.
NOT_PAGES = {
    "activities:export",
    "activities:attachment_download",
    "imports:template",
    "records:rectification_export",
    "records:plan_activity_options",
    "reports:section",
    "exports:docx",
    "exports:xlsx",
    "exports:markdown",
    "exports:html",
    "exports:job_download",
    "dashboard:overview_xlsx",
    "exports:archive_zip",
    # htmx fragments, swapped into a page that is checked
    "notifications:bell",
    "activities:qr_code",
    "activities:roster",
}

# Matrix actor → demo account. The matrix's agency administrator opens the same pages as the
# committee's administrator (the demo's "admin"); the outsider is the neighbouring agency's secretary.
ACCOUNTS = {
    "anonymous": None,
    "staff": "staff",
    "recorder": "recorder",
    "secretary": "secretary",
    "admin": "admin",
    "committee_admin": "admin",
    "outsider": "fgj_secretary",
}
# Who looks at a page: the first of these that opens it (the role whose work the page is, and the one
# that sees its buttons); the home page is also seen by each of the others, as it differs by role.
PREFERENCE = ("anonymous", "secretary", "committee_admin", "recorder", "staff", "outsider")


def _demo_world():
    """The matrix's `world`, made of the demo's objects."""
    w = World()
    w.agency = Organization.objects.get(code="gongxinju")
    branch = w.branch = Organization.objects.get(parent=w.agency, kind=Organization.Kind.BRANCH)
    w.people = {actor: User.objects.filter(username=name).first() for actor, name in ACCOUNTS.items()}
    add_draft_and_upload(w, branch, w.people["recorder"])
    w.submitted = Activity.objects.filter(organization=branch, status=Activity.Status.SUBMITTED).first()
    w.item = RectificationItem.objects.filter(
        agency=w.agency, status=RectificationItem.Status.IN_PROGRESS
    ).first()
    w.placement = Publicity.objects.filter(agency=w.agency).first()
    w.plan_item = PlanItem.objects.filter(plan__agency=w.agency, plan__year=YEAR).first()
    return w


def _visits():
    """(actor, URL name) pairs: each page once, by the first role in PREFERENCE that opens it."""
    visits = []
    for name, row in EXPECTED.items():
        if REQUESTS[name][0] != "get" or name in NOT_PAGES:
            continue
        opens = {actor for actor, expected in zip(ACTORS, row, strict=True) if expected == 200}
        readers = [actor for actor in PREFERENCE if actor in opens]
        if name == "home":
            visits += [(actor, name) for actor in readers]
        elif readers:
            visits.append((readers[0], name))
    return visits


def _axe(page):
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        r"""async (tags) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                  resultTypes: ["violations", "incomplete"]});
          const slim = (rules) => rules.map((rule) => ({
            id: rule.id, impact: rule.impact, help: rule.help,
            nodes: rule.nodes.map((node) => ({
              target: node.target.join(" "),
              summary: (node.failureSummary || "").replace(/\s+/g, " ").slice(0, 300),
            })),
          }));
          return {violations: slim(result.violations), incomplete: slim(result.incomplete)};
        }""",
        TAGS,
    )


def _open_menu(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.count() and toggler.is_visible():
        toggler.click()
        page.locator("#nav-main.show").wait_for()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_has_no_serious_accessibility_violation(
    live_server, demo, browser, language, record_property
):
    world = _demo_world()
    by_actor = {}
    for actor, name in _visits():
        by_actor.setdefault(actor, []).append(name)

    failures, incomplete, pages = [], {}, 0
    for actor, names in by_actor.items():
        # bypass_csp: the portal's Content-Security-Policy refuses the injected axe script, rightly.
        # Reduced motion: the menu opens without a transition, so colours are final when axe looks.
        context = browser.new_context(
            viewport=DESKTOP, locale="zh-CN", bypass_csp=True, reduced_motion="reduce"
        )
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        if ACCOUNTS[actor]:
            login(page, live_server, ACCOUNTS[actor])
        for name in names:
            url = f"{live_server.url}{_url(name, world)}"
            for index, viewport in enumerate(WIDTHS[language]):
                page.set_viewport_size(viewport)
                if index == 0:
                    response = page.goto(url)
                    assert response.status == 200, f"{name} as {actor}: {response.status}"
                    assert page.locator("html").get_attribute("lang") == language
                if viewport is PHONE:
                    _open_menu(page)
                result = _axe(page)
                pages += 1
                where = f"{name} ({actor}, {viewport['width']} px)"
                for rule in result["violations"]:
                    if rule["impact"] in FAILING_IMPACTS:
                        count = len(rule["nodes"])
                        nodes = "".join(f"\n    {n['target']}: {n['summary']}" for n in rule["nodes"])
                        failures.append(f"{where}: {rule['id']} ({rule['impact']}, {count} elements){nodes}")
                for rule in result["incomplete"]:
                    incomplete.setdefault(rule["id"], set()).add(name)
        context.close()

    review = {rule: sorted(names) for rule, names in sorted(incomplete.items())}
    record_property("axe_incomplete", json.dumps({"language": language, "pages": pages, "review": review}))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{language}.txt").write_text(
        "\n".join(failures) or "no serious or critical violation\n"
    )
    assert not failures, f"{len(failures)} serious or critical violations:\n" + "\n".join(failures)
