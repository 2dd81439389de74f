"""A release's versions (django-reversion): what one holds, and what changed between two.

The edit history stores a version of a release at every save in the admin, with its images and
attachments (releases/admin/history.py registers them). `content()` reads from a version what a reader
sees of the release; `live_content()` reads the same from the database. Two contents compare
equal when a reader would see no difference: that decides whether a co-issuer's approval still
holds (releases/models/review.py). `changes()` lists the differences for the compare page and
for "what changed since the approval": the text word by word, the rest as added and removed.
"""

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from reversion.models import Version

# The plain fields a reader sees, in the order of the page.
TEXT_FIELDS = [
    ("title", "Titel"),
    ("subtitle", "Untertitel"),
    ("lead", "Vorspann"),
    ("place", "Ort"),
    ("release_date", "Datum"),
]
# The release's links, as (field, heading); the names come from the linked rows.
RELATED_FIELDS = [
    ("topics", "Themen"),
    ("projects", "Projekte"),
    ("partners", "Erwähnte Partner"),
    ("contacts", "Pressekontakte"),
]
PARAGRAPH = "\n"  # the token that separates paragraphs in a text diff


@dataclass(frozen=True)
class Content:
    """What a reader sees of one version of a release. Equal contents look the same."""

    texts: tuple  # the values of TEXT_FIELDS, as strings
    body: str  # the text as plain paragraphs
    related: tuple  # for each of RELATED_FIELDS: a frozenset of primary keys
    images: frozenset = field(default_factory=frozenset)  # (pk, description)
    attachments: frozenset = field(default_factory=frozenset)  # (pk, title)


class _TextExtractor(HTMLParser):
    """The words of a rich text, a paragraph break after every block (p, h2, li …)."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "br", "figure"}

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(PARAGRAPH)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(PARAGRAPH)

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html):
    """A rich text as paragraphs of words separated by single spaces, one paragraph a line."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    paragraphs = (" ".join(line.split()) for line in "".join(extractor.parts).split(PARAGRAPH))
    return PARAGRAPH.join(paragraph for paragraph in paragraphs if paragraph)


def _image_label(values):
    return values.get("alt_text") or values.get("caption") or "Bild"


def content(version):
    """The Content of a stored version of a release (with the images and attachments stored in
    the same revision)."""
    from .models import ReleaseAttachment, ReleaseImage

    values = version.field_dict
    followers = {}
    for model in (ReleaseImage, ReleaseAttachment):
        kind = ContentType.objects.get_for_model(model)
        followers[model] = [
            (int(other.object_id), other.field_dict)
            for other in version.revision.version_set.all()
            if other.content_type_id == kind.pk
            and str(other.field_dict.get("release_id")) == str(version.object_id)
        ]
    return Content(
        texts=tuple(str(values.get(name) or "") for name, _label in TEXT_FIELDS),
        body=plain_text(values.get("body")),
        related=tuple(
            frozenset(int(pk) for pk in values.get(name) or ()) for name, _label in RELATED_FIELDS
        ),
        images=frozenset((pk, _image_label(v)) for pk, v in followers[ReleaseImage]),
        attachments=frozenset(
            (pk, v.get("title") or "Anhang") for pk, v in followers[ReleaseAttachment]
        ),
    )


def live_content(release):
    """The Content of the release as loaded (its fields) with its links as they are now."""
    return Content(
        texts=tuple(str(getattr(release, name) or "") for name, _label in TEXT_FIELDS),
        body=plain_text(release.body),
        related=tuple(
            frozenset(getattr(release, name).values_list("pk", flat=True))
            for name, _label in RELATED_FIELDS
        ),
        images=frozenset((image.pk, _image_label(vars(image))) for image in release.images.all()),
        attachments=frozenset(
            (attachment.pk, attachment.title or "Anhang")
            for attachment in release.attachments.all()
        ),
    )


def versions_of(release):
    """The stored versions of a release, newest first."""
    return Version.objects.get_for_object(release).select_related("revision__user")


def current_version(release, comment="Stand beim Öffnen des Review-Links", user=None):
    """The newest version of the release, if it holds what the release holds now; else a new one,
    stored now. So a co-issuer's decision always names a version that shows what they saw."""
    latest = versions_of(release).first()
    if latest is not None and content(latest) == live_content(release):
        return latest
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(comment)
        if user is not None:
            reversion.set_user(user)
        reversion.add_to_revision(release)
    return versions_of(release).first()


def word_diff(old, new):
    """`old` and `new` (paragraphs separated by PARAGRAPH) word by word as HTML: removed words in
    <del>, added ones in <ins>, each paragraph a <p>. Safe: every word is escaped."""
    old_words = re.findall(r"\n|[^\s]+", old)
    new_words = re.findall(r"\n|[^\s]+", new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    paragraphs, current = [], []

    def add(words, tag=None):
        for word in words:
            if word == PARAGRAPH:
                paragraphs.append(current[:])
                current.clear()
            else:
                current.append((tag, word))

    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            add(old_words[a1:a2])
        if operation in {"delete", "replace"}:
            add(old_words[a1:a2], "del")
        if operation in {"insert", "replace"}:
            add(new_words[b1:b2], "ins")
    paragraphs.append(current[:])
    html = []
    for words in paragraphs:
        if not words:
            continue
        runs = []
        for tag, word in words:
            if runs and runs[-1][0] == tag:
                runs[-1][1].append(word)
            else:
                runs.append((tag, [word]))
        inner = " ".join(
            f"<{tag}>{escape(' '.join(ws))}</{tag}>" if tag else escape(" ".join(ws))
            for tag, ws in runs
        )
        html.append(f"<p>{inner}</p>")
    return mark_safe("".join(html))


@dataclass
class Change:
    """One section of the compare page."""

    label: str
    diff: str = ""  # word diff (HTML), for texts
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def _names(model, pks):
    rows = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)}
    return sorted(rows.get(pk, "(gelöscht)") for pk in pks)


def changes(old, new):
    """The differences between two Contents, as a list of Change, in the order of the page."""
    from contacts.models import PressContact

    from .models import Partner, Project, Topic

    result = []
    for (_name, label), before, after in zip(TEXT_FIELDS, old.texts, new.texts, strict=True):
        if before != after:
            result.append(Change(label, diff=word_diff(before, after)))
    if old.body != new.body:
        result.append(Change("Text", diff=word_diff(old.body, new.body)))
    models = {"topics": Topic, "projects": Project, "partners": Partner, "contacts": PressContact}
    for (name, label), before, after in zip(RELATED_FIELDS, old.related, new.related, strict=True):
        if before != after:
            result.append(
                Change(
                    label,
                    added=_names(models[name], after - before),
                    removed=_names(models[name], before - after),
                )
            )
    for label, before, after in [
        ("Bilder", old.images, new.images),
        ("Downloads", old.attachments, new.attachments),
    ]:
        if before != after:
            result.append(
                Change(
                    label,
                    added=sorted(text for _pk, text in after - before),
                    removed=sorted(text for _pk, text in before - after),
                )
            )
    return result
