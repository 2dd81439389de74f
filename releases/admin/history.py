import reversion

from ..models import (
    ManagementPortrait,
    Organisation,
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)

# Edit history (django-reversion): what one version of each object holds. A release's version
# holds its images and attachments but not its embargo links: restoring an old version must not
# bring back a link that was revoked since. Topics and projects leave out the journalists'
# subscriptions: an old version must not change whose alerts they are in. The admins below are
# OwnRevisionsAdmins (restoring one object changes no other); those of topics, projects and
# partners (and contacts) are HistoryAdmins, whose deletions keep the links from releases to them
# (the many-to-many tables registered here).
reversion.register(ReleaseImage)
reversion.register(ReleaseAttachment)
reversion.register(PressRelease, follow=["images", "attachments"])
for field in ["topics", "projects", "partners", "contacts"]:
    reversion.register(getattr(PressRelease, field).through)
reversion.register(Topic, exclude=["subscriptions"])
reversion.register(ProjectPartner)
reversion.register(ProjectEvent)
reversion.register(ProjectArea, follow=["events"])
reversion.register(Project, exclude=["subscriptions"], follow=["partner_roles", "areas"])
reversion.register(Partner)
reversion.register(ManagementPortrait)
reversion.register(Organisation, follow=["portraits"])
