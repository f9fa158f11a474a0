"""Locust users for `python -m bench.load`: people reading, recording and reviewing at once.

The accounts come from the environment so that the same file drives the bench on PostgreSQL and the
demo agency on SQLite: LOAD_ACCOUNTS, a JSON list of [secretary, recorder] usernames, one pair per
agency (the users are dealt out over the agencies in turn); LOAD_SESSIONS, each account's signed-in
session key; LOAD_WAIT, "LOW,HIGH", the seconds a user pauses between two actions. Loopback only: the
host is given by bench.load (127.0.0.1).
"""

import datetime
import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

ACCOUNTS = json.loads(os.environ["LOAD_ACCOUNTS"])
SESSIONS = json.loads(os.environ["LOAD_SESSIONS"])
WAIT = [float(part) for part in os.environ.get("LOAD_WAIT", "5,15").split(",")]
ACTIVITY_LINK = re.compile(r'href="/activities/(\d+)/"')
_reviewer_numbers = itertools.count()
_user_numbers = itertools.count()


class FormFields(HTMLParser):
    """The values a browser would send for the POST form `form_id` of a page, as the page fills it in
    (the page has other POST forms before it: logging out, the language switch)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.fields: dict[str, str] = {}
        self.attendance: list[str] = []
        self._in_form = False
        self._done = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and a.get("method", "").lower() == "post" and a.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if name.startswith("att_"):
                self.attendance.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                self.fields.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in self.fields or "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    role = 0  # the index in an account pair: 0 the secretary, 1 the recorder

    def on_start(self):
        self.username = ACCOUNTS[next(_user_numbers) % len(ACCOUNTS)][self.role]
        # Signed in before the run (bench.load made the session with Django's login()): a login's
        # password hash is not part of the mix being measured.
        self.client.cookies.set("sessionid", SESSIONS[self.username])

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, url, data, name):
        """A form POST; the portal answers a done write with a redirect, so a page shown again (a
        form refused) counts as a failure, not as a fast success."""
        data = {**data, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            url, data, headers={"Referer": self.host + url}, name=name, catch_response=True
        ) as response:
            if response.ok and not response.history:
                response.failure("no redirect: the form was refused")
            return response

    def activity_ids(self, url, name):
        response = self.client.get(url, name=name)
        return [int(pk) for pk in ACTIVITY_LINK.findall(response.text)]


class Reader(PortalUser):
    """A secretary looking around: the ledger, a record, the dashboard."""

    weight = 6

    @task(3)
    def list_and_detail(self):
        ids = self.activity_ids("/activities/", "/activities/")
        if ids:
            self.client.get(f"/activities/{random.choice(ids)}/", name="/activities/<id>/")

    @task(1)
    def filtered_list(self):
        self.client.get(
            f"/activities/?kind=weekly_study&page={random.randint(1, 5)}", name="/activities/?filtered"
        )

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/", name="/dashboard/")


class Recorder(PortalUser):
    """A recorder logging a weekly study session through the form, then submitting it."""

    weight = 2
    role = 1

    @task
    def record(self):
        response = self.client.get("/activities/new/?kind=weekly_study", name="/activities/new/ (form)")
        form = FormFields("activity-form")
        form.feed(response.text)
        fields = dict(form.fields)
        today = datetime.date.today()
        fields.update(
            date=(today - datetime.timedelta(days=random.randint(0, 20))).isoformat(),
            title=f"每周理论学习（压测 {random.randint(1, 10**6)}）",
            location="三楼会议室",
            hours="1.5",
        )
        for name in random.sample(form.attendance, min(len(form.attendance), 12)):
            fields[name] = "present"
        response = self.post("/activities/new/?kind=weekly_study", fields, "/activities/new/ (save)")
        created = re.search(r"/activities/(\d+)/$", response.url or "")
        if created:
            self.post(f"/activities/{created.group(1)}/submit/", {}, "/activities/<id>/submit/")


class Reviewer(PortalUser):
    """A secretary approving what was submitted; each reviewer takes its own share of the queue."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.number = next(_reviewer_numbers)

    @task
    def approve(self):
        ids = self.activity_ids("/activities/?status=submitted", "/activities/?status=submitted")
        mine = [pk for pk in ids if pk % 2 == self.number % 2] or ids
        if mine:
            self.post(f"/activities/{random.choice(mine)}/approve/", {}, "/activities/<id>/approve/")
