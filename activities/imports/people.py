"""The people ledger: names, usernames and branches, making login accounts for new people."""

import hashlib

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.services import organization_create, role_grant
from studyportal.audit.services import model_label

from .core import CREATED, UNCHANGED, UPDATED, Importer, listed_twice, set_changed
from .ledger import Column, cell_text, parse_bool


class PeopleImporter(Importer):
    ledger_type = "people"
    label = gettext_lazy("People")
    # A people list makes login accounts: that is the administrator's job (DESIGN §1).
    role = Role.ADMIN
    role_refusal = gettext_lazy("Only an administrator may import a list of people.")
    columns = [
        Column("name", ("姓名",), "name", required=True),
        Column("username", ("用户名", "账号"), "username"),
        Column("position", ("职务", "职务职级"), "position"),
        Column("branch", ("党支部", "所在党支部"), "branch"),
        Column("party_group", ("党小组", "所在党小组"), "party_group"),
        Column("party_member", ("党员", "是否党员"), "party_member"),
        Column("leader", ("领导班子", "领导班子成员", "是否领导班子成员"), "leader"),
    ]

    def prepare(self, ledger):
        self.people = self.people_by_name()
        self.default_branch = (
            self.organization if self.organization.kind == Organization.Kind.BRANCH else None
        )
        named = {cell_text(row.values.get("branch", "")).strip() for row in ledger.rows}
        self.organizations = {org.name: org for org in Organization.objects.filter(name__in=named - {""})}
        usernames = {cell_text(row.values.get("username", "")).strip() for row in ledger.rows}
        self.usernames_taken = set(
            User.objects.filter(username__in=usernames - {""}).values_list("username", flat=True)
        )

    def clean(self, row):
        name = row.get("name", required=True, max_length=50)
        username = row.get("username", max_length=150)
        if username:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                row.error("username", _("A username may hold only letters, digits and @ . + - _"))
                username = None
        branch_name = row.get("branch", max_length=100)
        branch = None
        if branch_name:
            branch = self.organizations.get(branch_name)
            if branch is not None and (
                branch.kind != Organization.Kind.BRANCH or branch.parent_id != self.agency.pk
            ):
                row.error(
                    "branch", _("「%(name)s」 is the name of another organization.") % {"name": branch_name}
                )
        existing = self.people.get(name) if name else None
        party_group = row.get("party_group", max_length=50)
        if (
            party_group
            and not branch_name
            and self.default_branch is None
            and not (existing and existing.branch_id)
        ):
            row.error(
                "party_group",
                _("A party group lies within a Party branch: fill in 党支部 for this person too."),
            )
        if username and existing is None and username in self.usernames_taken:
            row.error("username", _("The username %(username)s is taken.") % {"username": username})
        return {
            "name": name,
            "username": username,
            "position": row.get("position", max_length=100),
            "branch_name": branch_name,
            "branch": branch,
            "party_group": party_group,
            "is_party_member": row.get("party_member", parse_bool),
            "is_leader": row.get("leader", parse_bool),
            "existing": existing,
        }

    def check_together(self, cleaned):
        seen_names, seen_usernames = {}, {}
        for row, item in cleaned:
            listed_twice(row, "name", seen_names, item["name"])
            if item["username"]:
                listed_twice(row, "username", seen_usernames, item["username"])

    def before_write(self, items):
        self.branches = {}
        self.taken = set()

    def _branch(self, item):
        if not item["branch_name"]:
            return None
        if item["branch"] is not None:
            return item["branch"]
        if item["branch_name"] not in self.branches:
            code = "b" + hashlib.sha1(f"{self.agency.pk}:{item['branch_name']}".encode()).hexdigest()[:10]
            self.branches[item["branch_name"]] = organization_create(
                code=f"{self.agency.code}-{code}"[:64],
                name=item["branch_name"],
                kind=Organization.Kind.BRANCH,
                parent=self.agency,
            )
        return self.branches[item["branch_name"]]

    def _username(self, name: str) -> str:
        # No pinyin here: a stable ASCII name from the agency and the person's name.
        base = "u" + hashlib.sha1(f"{self.agency.pk}:{name}".encode()).hexdigest()[:8]
        candidate, n = base, 1
        while candidate in self.taken or User.objects.filter(username=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        self.taken.add(candidate)
        return candidate

    def write(self, item):
        branch = self._branch(item) or None
        person = item["existing"]
        if person is None:
            person = User(
                username=item["username"] or self._username(item["name"]),
                real_name=item["name"],
                position=item["position"] or "",
                agency=self.agency,
                branch=branch or self.default_branch,
                party_group=item["party_group"] or "",
                is_party_member=bool(item["is_party_member"]),
                is_leader=bool(item["is_leader"]),
            )
            # The admin issues an initial password later (docs/design.md §2).
            person.set_unusable_password()
            person.save()
            self.created_ids[model_label(User)].append(person.pk)
            role_grant(user=person, organization=self.agency, role=Role.STAFF)
            return CREATED
        changes = {
            "position": item["position"],
            "branch": branch,
            "party_group": item["party_group"],
            "is_party_member": item["is_party_member"],
            "is_leader": item["is_leader"],
        }
        # An empty cell leaves what the portal knows about an existing person as it is.
        changed = set_changed(person, {name: value for name, value in changes.items() if value is not None})
        if not changed:
            return UNCHANGED
        person.save(update_fields=changed)
        return UPDATED
