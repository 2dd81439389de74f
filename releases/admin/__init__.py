"""The admin of the news archive, one module per subject; importing them registers them.

history.py      what one version of each object holds (django-reversion registrations)
release.py      PressReleaseAdmin: the form, list actions, workflow steps, history, compare, copy
release_parts.py  its inlines (images, attachments, embargo and review links), filters, forms
directory.py    topics, projects (with partners, areas, events), project areas, partners
documents.py    the organisation's profile and fact sheet, images and their rights
deliveries.py   what the alert and digest commands sent (read-only)
legal_pages.py  the legal flatpages (Impressum, Datenschutz, Barrierefreiheit)
The press list's mailings have their admin in releases/mailing/admin.py.
"""

# history first: the admins below would otherwise register their models with reversion's defaults.
from . import history  # noqa: F401, I001
from . import deliveries, directory, documents, legal_pages, release  # noqa: F401
from ..mailing import admin as mailing_admin  # noqa: F401
