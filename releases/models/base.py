import uuid
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.db import models

from allianz_site.uploads import (
    MAX_ATTACHMENT_BYTES,
    MAX_IMAGE_BYTES,
    MAX_LOGO_BYTES,
    MaxFileSize,
)

from ..slugs import unique_slug

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


ATTACHMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "zip"]


def upload_path(instance, filename):
    """Each upload gets its own unguessable folder: the file of a release under embargo cannot be
    found by guessing its name, and two uploads with the same name never overwrite each other."""
    return f"presse/{uuid.uuid4().hex}/{PurePath(filename).name}"


# Only migrations 0001 to 0008 name these three; the fields use MaxFileSize since migration 0012.
def validate_image_size(file):
    MaxFileSize(MAX_IMAGE_BYTES)(file)


def validate_attachment_size(file):
    MaxFileSize(MAX_ATTACHMENT_BYTES)(file)


def validate_logo_size(file):
    MaxFileSize(MAX_LOGO_BYTES)(file)


class NamedModel(models.Model):
    """A model with a `name` and a `slug` for its address, made from the name at the first save
    (and kept afterwards, so that addresses stay valid)."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class SignedLink:
    """A secret link to one release (embargo links, review links): its token signs the link's
    id together with its release's id (with the model's SALT), so a token can be neither guessed
    nor bent to another release, and revoking or expiring the row closes it. The model's manager
    has `valid()`: the links that may still be opened."""

    @property
    def token(self):
        return signing.Signer(salt=self.SALT).sign_object([self.pk, self.release_id])

    @classmethod
    def from_token(cls, token):
        """The valid link (with its release) that `token` names, or None."""
        try:
            link_pk, release_pk = signing.Signer(salt=cls.SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return (
            cls.objects.valid()
            .select_related("release")
            .filter(pk=link_pk, release_id=release_pk)
            .first()
        )

    def full_url(self):
        return f"{settings.SITE_URL}{self.get_absolute_url()}"
