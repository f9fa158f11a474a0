"""People and organizations managed in the portal: the administrator and each secretary within their
scope add, edit, deactivate and move people (组织关系转接), and create, rename, move and close branches
and name their secretary and recorders. Writes go through accounts/services.py; lookups start from the
user's scope (`orgs_visible_to(user, SECRETARY)`), so another agency's person or branch is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .forms_people import (
    BranchForm,
    BranchMoveForm,
    BranchRolesForm,
    MoveForm,
    PartyGroupForm,
    PersonEditForm,
    PersonForm,
)
from .models import Organization, Role, RoleAssignment, User
from .scoping import has_role, orgs_managed_by, orgs_visible_to, people_managed_by

Kind = Organization.Kind


def _person(request, pk) -> User:
    return get_object_or_404(people_managed_by(request.user).select_related("agency", "branch"), pk=pk)


def _branch(request, pk) -> Organization:
    return get_object_or_404(
        orgs_managed_by(request.user).filter(kind=Kind.BRANCH).select_related("parent"), pk=pk
    )


def _chosen_org(request) -> Organization:
    orgs = orgs_managed_by(request.user)
    code = request.GET.get("org")
    if code:
        organization = orgs.filter(code=code).first()
        if organization is None:
            raise Http404
        return organization
    own = orgs.filter(pk=request.user.agency_id).first()
    return own or orgs.order_by("path").first()


def _list_url(organization) -> str:
    return f"{reverse('people:list')}?org={organization.code}"


@require_safe
@login_required
def people_list(request):
    organization = _chosen_org(request)
    agency = organization if organization.kind == Kind.AGENCY else organization.parent
    people = (
        User.objects.filter(
            Q(agency=organization) if organization.kind == Kind.AGENCY else Q(branch=organization)
        )
        .select_related("branch")
        .prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.select_related("organization").order_by("role"))
        )
        .order_by("-is_active", "branch__path", "-is_leader", "id")
    )
    branches = Organization.objects.filter(parent=agency, kind=Kind.BRANCH).order_by("-is_active", "name")
    if organization.kind == Kind.BRANCH:
        branches = branches.filter(pk=organization.pk)
    return render(
        request,
        "people/list.html",
        {
            "organization": organization,
            "agency": agency,
            "people": people,
            "branches": branches,
            "choices": orgs_managed_by(request.user).order_by("path"),
            "can_add": has_role(request.user, agency, Role.SECRETARY),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_new(request):
    organization = _chosen_org(request)
    agency = organization if organization.kind == Kind.AGENCY else organization.parent
    initial = {"branch": organization} if organization.kind == Kind.BRANCH else {}
    form = PersonForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, password = services.person_create(
                by=request.user,
                agency=agency,
                branch=data["branch"],
                username=data["username"],
                real_name=data["real_name"],
                position=data["position"],
                is_party_member=data["is_party_member"],
                is_leader=data["is_leader"],
                party_group=data["party_group"],
            )
        except services.OrganizationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": person})
            return _show_password(request, person, password)
    return render(request, "people/form.html", {"form": form, "organization": organization, "person": None})


def _show_password(request, person, password):
    # Shown on this response only, never stored in clear or sent again; not cached by the browser.
    response = render(request, "people/password.html", {"person": person, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, pk):
    person = _person(request, pk)
    form = PersonEditForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.cleaned_data)
        except services.OrganizationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(_list_url(person.branch or person.agency))
    return render(
        request,
        "people/form.html",
        {"form": form, "organization": person.branch or person.agency, "person": person},
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_move(request, pk):
    person = _person(request, pk)
    branches = (
        orgs_managed_by(request.user)
        .filter(kind=Kind.BRANCH, is_active=True)
        .exclude(pk=person.branch_id)
        .select_related("parent")
        .order_by("path")
    )
    form = MoveForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_move(person=person, branch=form.cleaned_data["branch"], by=request.user)
        except services.OrganizationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s now belongs to %(branch)s.")
                % {"name": person, "branch": form.cleaned_data["branch"]},
            )
            return redirect(_list_url(form.cleaned_data["branch"]))
    return render(request, "people/move.html", {"form": form, "person": person})


@require_POST
@login_required
def person_active(request, pk):
    person = _person(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.person_set_active(person=person, by=request.user, active=active)
    except services.OrganizationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            (_("%(name)s can log in again.") if active else _("%(name)s has been deactivated."))
            % {"name": person},
        )
    return redirect(_list_url(person.branch or person.agency))


@require_POST
@login_required
def person_password(request, pk):
    person = _person(request, pk)
    return _show_password(request, person, services.person_reset_password(person=person, by=request.user))


# --- branches ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def branch_new(request):
    organization = _chosen_org(request)
    if organization.kind != Kind.AGENCY:
        raise Http404
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            branch = services.branch_create(
                agency=organization, name=form.cleaned_data["name"], by=request.user
            )
        except services.OrganizationError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("%(name)s has been created.") % {"name": branch})
            return redirect("people:branch", pk=branch.pk)
    return render(request, "people/branch_new.html", {"form": form, "organization": organization})


def _branch_page(request, branch, **forms):
    people = User.objects.filter(agency=branch.parent, is_active=True).order_by("branch__path", "id")
    roles = RoleAssignment.objects.filter(organization=branch)
    context = {
        "branch": branch,
        "rename_form": BranchForm(initial={"name": branch.name}),
        "roles_form": BranchRolesForm(
            people=people,
            initial={
                "secretary": roles.filter(role=Role.SECRETARY).values_list("user_id", flat=True).first(),
                "recorders": list(roles.filter(role=Role.RECORDER).values_list("user_id", flat=True)),
            },
        ),
        "move_form": BranchMoveForm(agencies=_move_targets(request.user, branch)),
        "members": User.objects.filter(branch=branch).order_by("-is_active", "id"),
        "party_groups": (
            User.objects.filter(branch=branch, is_active=True)
            .exclude(party_group="")
            .values("party_group")
            .annotate(n=Count("id"))
            .order_by("party_group")
        ),
        **forms,
    }
    return render(request, "people/branch.html", context, status=400 if forms else 200)


def _move_targets(user, branch):
    return (
        orgs_visible_to(user, Role.SECRETARY)
        .filter(kind=Kind.AGENCY, is_active=True)
        .exclude(pk=branch.parent_id)
        .order_by("path")
    )


@require_safe
@login_required
def branch_detail(request, pk):
    return _branch_page(request, _branch(request, pk))


def _branch_post(request, pk, *, form_name: str, make_form, act, field: str, done: str):
    """A form of the branch's page: valid → the service (its refusal shown on the field) → back."""
    branch = _branch(request, pk)
    form = make_form(branch)
    if form.is_valid():
        try:
            act(branch, form.cleaned_data)
        except services.OrganizationError as error:
            form.add_error(field, str(error))
        else:
            messages.success(request, done % {"name": branch})
            return redirect("people:branch", pk=branch.pk)
    return _branch_page(request, branch, **{form_name: form})


@require_POST
@login_required
def party_group_rename(request, pk):
    branch = _branch(request, pk)
    form = PartyGroupForm(request.POST)
    if form.is_valid():
        try:
            services.party_group_rename(
                branch=branch, old=form.cleaned_data["old"], new=form.cleaned_data["new"], by=request.user
            )
        except services.OrganizationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The party group has been saved."))
    else:
        messages.error(request, _("Name the party group to rename."))
    return redirect("people:branch", pk=branch.pk)


@require_POST
@login_required
def branch_rename(request, pk):
    return _branch_post(
        request,
        pk,
        form_name="rename_form",
        make_form=lambda branch: BranchForm(request.POST),
        act=lambda branch, data: services.organization_rename(
            organization=branch, name=data["name"], by=request.user
        ),
        field="name",
        done=_("Saved."),
    )


@require_POST
@login_required
def branch_roles(request, pk):
    return _branch_post(
        request,
        pk,
        form_name="roles_form",
        make_form=lambda branch: BranchRolesForm(
            request.POST, people=User.objects.filter(agency=branch.parent, is_active=True)
        ),
        act=lambda branch, data: services.branch_roles_set(
            branch=branch, secretary=data["secretary"], recorders=list(data["recorders"]), by=request.user
        ),
        field="recorders",
        done=_("Saved."),
    )


@require_POST
@login_required
def branch_move(request, pk):
    return _branch_post(
        request,
        pk,
        form_name="move_form",
        make_form=lambda branch: BranchMoveForm(request.POST, agencies=_move_targets(request.user, branch)),
        act=lambda branch, data: services.organization_move(organization=branch, parent=data["parent"]),
        field="parent",
        done=_("%(name)s has been moved."),
    )


@require_POST
@login_required
def branch_close(request, pk):
    branch = _branch(request, pk)
    try:
        services.organization_close(organization=branch, by=request.user)
    except services.OrganizationError as error:
        messages.error(request, str(error))
        return redirect("people:branch", pk=branch.pk)
    messages.success(request, _("%(name)s has been closed.") % {"name": branch})
    return redirect(_list_url(branch.parent))
