import datetime
import re
import uuid
from collections import Counter

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field

from contacts.models import PressContact, Subscription

from .. import search
from ..sanitize import sanitize_html
from ..slugs import unique_slug
from .base import NamedModel


class Topic(NamedModel):
    name = models.CharField("Name", max_length=100, unique=True)
    slug = models.SlugField(
        "Kurzname",
        max_length=100,
        unique=True,
        blank=True,
        help_text="Teil der Adresse; wird aus dem Namen erzeugt, wenn leer.",
    )
    subscriptions = models.ManyToManyField(
        Subscription,
        blank=True,
        editable=False,  # set only by the subscriber's own confirmed choice
        related_name="topics",
        verbose_name="E-Mail-Abonnements",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Thema"
        verbose_name_plural = "Themen"


def dateline_places(dateline):
    """The places of a dateline: "Braunschweig/ Wolfsburg" → {"Braunschweig", "Wolfsburg"}."""
    return {place.strip() for place in dateline.split("/") if place.strip()}


def new_content_version():
    """A fresh value for PressRelease.content_version (releases/documents.py renews it)."""
    return uuid.uuid4().hex


class PressReleaseQuerySet(models.QuerySet):
    def published(self):
        """The one publishing rule: published, and its moment has come. Every public page uses it."""
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__lte=timezone.now())

    def withdrawn(self):
        """Withdrawn after they had been public: their addresses answer 410 Gone."""
        return self.filter(
            status=PressRelease.Status.WITHDRAWN, publish_at__lte=models.F("withdrawn_at")
        )

    def scheduled(self):
        """Published, but still under embargo (Sperrfrist)."""
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=timezone.now())

    def due_for_alerts(self):
        """Public, and made public recently enough that subscribers still want to hear of it."""
        since = timezone.now() - PressRelease.ALERT_WINDOW
        return self.published().filter(publish_at__gte=since)

    def month_counts(self):
        """(year, month, count) rows, newest first: one query for the whole archive navigation."""
        return (
            self.annotate(year=ExtractYear("release_date"), month=ExtractMonth("release_date"))
            .order_by()
            .values_list("year", "month")
            .annotate(count=models.Count("pk"))
            .order_by("-year", "-month")
        )

    def month_counts_matching(self, matching=None):
        """`month_counts` with a fourth column: how many of those releases are in `matching`
        (a QuerySet; None: all of them)."""
        if matching is None:
            return self.month_counts().annotate(matching=models.Count("pk"))
        return self.month_counts().annotate(
            matching=models.Count("pk", filter=models.Q(pk__in=matching.values("pk")))
        )

    def in_place(self, place):
        """Releases whose dateline names `place`, alone or with others ("Braunschweig/Wolfsburg")."""
        return self.filter(place__regex=rf"(^|/)\s*{re.escape(place)}\s*(/|$)")

    def place_counts(self):
        """(place, count) for every place in these datelines, by name; a joint dateline
        ("Braunschweig/Wolfsburg") counts for each of its places. One query."""
        counts = Counter()
        rows = self.order_by().values_list("place").annotate(count=models.Count("pk"))
        for dateline, count in rows:
            for place in dateline_places(dateline):
                counts[place] += count
        return sorted(counts.items(), key=lambda item: search.sort_key(item[0]))

    def search(self, text):
        """Releases matching `text` (German full text on PostgreSQL, see releases/search.py)."""
        return self.filter(search.matches(text, self.db))

    def ranked(self, text):
        """The newest search.RANKED_MATCHES of these releases (the matches of `text`), most
        relevant first, each with its snippet (PostgreSQL; as they are elsewhere). The archive
        lists older matches after them: search.Hits."""
        if not search.is_available(self.db):
            return self
        ordering = self.model._meta.ordering
        newest = self.order_by(*ordering).values("pk")[: search.RANKED_MATCHES]
        return (
            self.filter(pk__in=newest)
            .with_snippets(text)
            .annotate(search_rank=search.rank(text))
            .order_by("-search_rank", *ordering)
        )

    def with_snippets(self, text):
        """Each release with the passage that matches `text` highlighted (PostgreSQL)."""
        if not search.is_available(self.db):
            return self
        return self.annotate(search_headline=search.headline(text))

    def update_search_vector(self):
        """Recompute the stored search vector of these releases (PostgreSQL) in one UPDATE."""
        if search.is_available(self.db):
            self.update(search_vector=search.document_vector())


SEARCHABLE_FIELDS = {field for field, _weight in search.WEIGHTED_FIELDS}


class PressRelease(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Entwurf"
        PUBLISHED = "published", "Veröffentlicht"
        WITHDRAWN = "withdrawn", "Zurückgezogen"

    title = models.CharField("Titel", max_length=255)
    subtitle = models.CharField("Untertitel", max_length=255, blank=True)
    slug = models.SlugField(
        "Kurzname in der Adresse",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Wird beim ersten Speichern aus dem Titel erzeugt (ä → ae, ß → ss) und danach "
        "nicht mehr geändert, damit veröffentlichte Adressen gültig bleiben.",
    )
    place = models.CharField(
        "Ort in der Ortszeile", max_length=120, help_text="z. B. „Braunschweig/Wolfsburg“"
    )
    release_date = models.DateField(
        "Datum der Mitteilung",
        default=timezone.localdate,
        help_text="Steht in der Ortszeile und in der Adresse der Mitteilung.",
    )
    lead = models.TextField(
        "Vorspann", help_text="Der erste Absatz: das Wichtigste in zwei, drei Sätzen."
    )
    body = CKEditor5Field("Text", blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="releases", verbose_name="Themen"
    )
    projects = models.ManyToManyField(
        "Project", blank=True, related_name="releases", verbose_name="Projekte"
    )
    partners = models.ManyToManyField(
        "Partner",
        blank=True,
        related_name="releases",
        verbose_name="Erwähnte Partner",
        help_text="Organisationen, die in der Mitteilung vorkommen; ihre Seiten verlinken die "
        "Mitteilung.",
    )
    contacts = models.ManyToManyField(
        "contacts.PressContact",
        blank=True,
        related_name="releases",
        verbose_name="Pressekontakte",
        help_text="Leer gelassen, erhält die Mitteilung beim Speichern den ersten aktiven Kontakt.",
    )
    status = models.CharField(
        "Status",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Zurückgezogen: nicht mehr öffentlich; die Adresse bleibt erreichbar und meldet, "
        "dass die Mitteilung zurückgezogen wurde (statt „Seite nicht gefunden“).",
    )
    publish_at = models.DateTimeField(
        "Veröffentlichen ab",
        null=True,
        blank=True,
        help_text="Leer lassen = sofort beim Veröffentlichen. Ein Zeitpunkt in der Zukunft ist "
        "eine Sperrfrist: Die Mitteilung erscheint erst dann, ganz von selbst.",
    )
    withdrawn_at = models.DateTimeField(
        "Zurückgezogen am",
        null=True,
        blank=True,
        editable=False,
        help_text="Wird beim Zurückziehen gesetzt; die Adresse antwortet dann mit „410 Gone“.",
    )
    correction_note = models.CharField(
        "Korrekturhinweis",
        max_length=255,
        blank=True,
        help_text="Erscheint als „Aktualisiert am …“ unter dem Text, z. B. „Name korrigiert“.",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert am", auto_now=True)
    content_version = models.CharField(
        "Inhaltsstand",
        max_length=32,
        default=new_content_version,
        editable=False,
        help_text="Wechselt bei jeder Änderung dessen, was die Mitteilung zeigt; gespeicherte "
        "Dokumente (Pressepaket) gelten nur für ihren Stand (releases/documents.py).",
    )
    search_vector = SearchVectorField(
        "Suchindex",
        null=True,
        editable=False,
        help_text="Volltext für die Suche, beim Speichern neu berechnet (nur PostgreSQL).",
    )

    objects = PressReleaseQuerySet.as_manager()

    # A release made public longer ago is not announced by mail any more (send_release_alerts).
    ALERT_WINDOW = datetime.timedelta(days=3)

    class Meta:
        ordering = ["-release_date", "-publish_at", "-pk"]
        verbose_name = "Pressemitteilung"
        verbose_name_plural = "Pressemitteilungen"
        # The GIN index on search_vector (release_search_idx) exists on PostgreSQL only; migration
        # 0004 creates it there, so it is not declared here.
        # The role "Chefredaktion" has it (releases/roles.py); the admin enforces it.
        permissions = [
            ("publish_pressrelease", "Darf veröffentlichen, Sperrfristen setzen und zurückziehen")
        ]
        indexes = [
            # Visibility, and with release_date and id the archive navigation (month_counts)
            # and the page count read the index alone (PostgreSQL: index-only scan).
            models.Index(
                fields=["status", "publish_at", "release_date", "id"],
                name="release_visibility_idx",
            ),
            models.Index(
                fields=["-release_date", "-publish_at", "-id"], name="release_archive_order_idx"
            ),
            # The public lists in their order: a page's ids from the index alone, however deep
            # the page (releases.views.archive.ArchivePaginator).
            models.Index(
                fields=["status", "-release_date", "-publish_at", "-id"],
                name="release_public_order_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "withdrawn"]),
                name="release_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(publish_at__isnull=False),
                name="release_published_has_publish_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | models.Q(withdrawn_at__isnull=False),
                name="release_withdrawn_has_withdrawn_at",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status != self.Status.WITHDRAWN:
            self.withdrawn_at = None
        elif self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHABLE_FIELDS.intersection(update_fields):
            PressRelease.objects.using(self._state.db).filter(pk=self.pk).update_search_vector()

    def get_absolute_url(self):
        return reverse("releases:detail", kwargs=self.url_kwargs())

    def clean(self):
        if self.status == self.Status.WITHDRAWN and self.publish_at is None:
            raise ValidationError(
                {"status": "Nur eine veröffentlichte Mitteilung kann zurückgezogen werden."}
            )

    def url_kwargs(self):
        """The parts of the permanent address /presse/YYYY/MM/DD/<slug>/."""
        day = self.release_date
        return {"year": day.year, "month": day.month, "day": day.day, "slug": self.slug}

    @property
    def is_public(self):
        """`published()` for a release already in hand (the embargo page, the preview, the
        admin), without a query. The two must say the same: tests/test_publishing.py checks it."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_embargoed(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    def add_default_contact(self):
        """The one rule for the default press contact: a release saved without a contact (in the
        admin or by the importer) is given the default contact of that moment, stored like a
        chosen one. So the admin shows every release's contacts as its pages show them, and a
        published release keeps its contact when another one becomes the default later. Pages
        fill in nothing (press_contacts). Returns the contact given, or None."""
        if self.contacts.exists():
            return None
        default = PressContact.objects.default()
        if default:
            self.contacts.add(default)
        return default

    def press_contacts(self):
        """The contacts the release names that are still active, in one query. One who has left
        is deactivated and disappears from all pages; no other contact is put in their place,
        and the page then refers to the contact page of the press office."""
        return list(self.contacts.active())

    def related_releases(self, limit=3):
        """Up to `limit` other public releases about the same project or topic, newest first.
        Works on prefetched `projects` and `topics`."""
        projects = [project.pk for project in self.projects.all()]
        topics = [topic.pk for topic in self.topics.all()]
        if not projects and not topics:
            return PressRelease.objects.none()
        # Subqueries on the link tables, not joins: no DISTINCT over whole rows, and the newest
        # match is found walking the archive index.
        same_project = PressRelease.projects.through.objects.filter(project__in=projects)
        same_topic = PressRelease.topics.through.objects.filter(topic__in=topics)
        return (
            PressRelease.objects.published()
            .exclude(pk=self.pk)
            .filter(
                models.Q(pk__in=same_project.values("pressrelease"))
                | models.Q(pk__in=same_topic.values("pressrelease"))
            )
            .only("title", "slug", "release_date")[:limit]
        )

    @property
    def modified_at(self):
        """When the public page last changed: its last save, or its publication if that came
        later (a release under embargo is saved before it appears)."""
        return max(moment for moment in [self.updated_at, self.publish_at] if moment)

    @property
    def search_snippet(self):
        """In a list of search hits (PostgreSQL): the passage with the words marked, as HTML."""
        headline = getattr(self, "search_headline", None)
        return search.highlight(headline) if headline else None

    def get_press_kit_url(self):
        return reverse("releases:press_kit", kwargs=self.url_kwargs())

    def alert_recipients(self):
        """Subscribers to mail about this release: those who chose one of its topics or projects,
        and those who chose nothing (= everything). Only who had subscribed when it went public."""
        return Subscription.objects.filter(
            Q(topics__isnull=True, projects__isnull=True)
            | Q(topics__in=self.topics.all())
            | Q(projects__in=self.projects.all()),
            confirmed_at__lte=self.publish_at,
        ).distinct()
