import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class EditorUploadStorage(FileSystemStorage):
    """Where images uploaded from inside CKEditor go: MEDIA_ROOT/editor/."""

    def __init__(self):
        super().__init__(
            location=os.path.join(settings.MEDIA_ROOT, "editor"),
            base_url=f"{settings.MEDIA_URL}editor/",
        )
