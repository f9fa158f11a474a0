import datetime

import factory

from activities.models import Activity, Attendance, Kind, RectificationItem
from activities.stats import stats_add, stats_kept
from studyportal.accounts.models import Organization, Role, RoleAssignment, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organization.Kind.AGENCY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"人员{n}")
    position = "科员"
    is_party_member = True
    password = factory.PostGenerationMethodCall("set_password", "test-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """`UserFactory(role=Role.SECRETARY)` grants that role on the person's agency."""
        if create and extracted and self.agency_id:
            RoleAssignment.objects.create(user=self, organization=self.agency, role=extracted)
        if create:
            self.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    role = Role.STAFF


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = Kind.WEEKLY_STUDY
    date = datetime.date(2022, 3, 15)
    title = factory.Sequence(lambda n: f"学习活动{n}")
    hours = 2
    status = Activity.Status.APPROVED
    recorded_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, stats=True, **kwargs):
        """An approved record comes with its count rows, as the services keep them (`stats=False`
        only for the tests of those count rows themselves)."""
        activity = super()._create(model_class, *args, **kwargs)
        if stats:
            stats_add(activity.pk)
        return activity


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    status = Attendance.Status.PRESENT

    @classmethod
    def _create(cls, model_class, *args, stats=True, **kwargs):
        """The attendance row counted in its approved record's count rows, as the services do."""
        if not stats:
            return super()._create(model_class, *args, **kwargs)
        with stats_kept(kwargs["activity"].pk):
            return super()._create(model_class, *args, **kwargs)


class RectificationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationItem

    year = 2022
    problem = factory.Sequence(lambda n: f"问题{n}")
    category = RectificationItem.Category.THEORY
    measures = "加强学习"
