"""The news archive's models, one file per subject; every name is re-exported here, so
`from releases.models import PressRelease` and the paths that migrations name keep working."""

from ..sessions import LoginSession  # noqa: F401  (the session model, see SESSION_ENGINE)
from .alerts import AlertDelivery, DigestDelivery
from .base import (
    ATTACHMENT_EXTENSIONS,
    IMAGE_EXTENSIONS,
    NamedModel,
    upload_path,
    validate_attachment_size,
    validate_image_size,
    validate_logo_size,
)
from .documents import ManagementPortrait, Organisation, OrganisationQuerySet
from .embargo import EmbargoLink, EmbargoLinkQuerySet, default_link_expiry
from .events import ReleaseEvent
from .mailing import Mailing, MailingDelivery
from .media import (
    EditorImage,
    ReleaseAttachment,
    ReleaseDocument,
    ReleaseImage,
    ReleaseImageQuerySet,
)
from .partners import LOGO_EXTENSIONS, Partner, PartnerKind, PartnerQuerySet
from .projects import (
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ProjectQuerySet,
    ProjectRole,
    ProjectStatus,
)
from .release import (
    SEARCHABLE_FIELDS,
    PressRelease,
    PressReleaseQuerySet,
    ReleaseStatus,
    Topic,
    TopicQuerySet,
    dateline_places,
)
from .review import ReviewDecision, ReviewLink, ReviewLinkQuerySet, default_review_expiry

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "LOGO_EXTENSIONS",
    "SEARCHABLE_FIELDS",
    "AlertDelivery",
    "DigestDelivery",
    "EditorImage",
    "EmbargoLink",
    "EmbargoLinkQuerySet",
    "Mailing",
    "ManagementPortrait",
    "MailingDelivery",
    "NamedModel",
    "Organisation",
    "OrganisationQuerySet",
    "Partner",
    "PartnerKind",
    "PartnerQuerySet",
    "PressRelease",
    "PressReleaseQuerySet",
    "Project",
    "ProjectArea",
    "ProjectEvent",
    "ProjectPartner",
    "ProjectQuerySet",
    "ProjectRole",
    "ProjectStatus",
    "ReleaseAttachment",
    "ReleaseDocument",
    "ReleaseEvent",
    "ReleaseImage",
    "ReleaseImageQuerySet",
    "ReleaseStatus",
    "ReviewDecision",
    "ReviewLink",
    "ReviewLinkQuerySet",
    "Topic",
    "TopicQuerySet",
    "dateline_places",
    "default_link_expiry",
    "default_review_expiry",
    "upload_path",
    "validate_attachment_size",
    "validate_image_size",
    "validate_logo_size",
]
