import datetime
import re
import uuid
from collections import Counter

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_ckeditor_5.fields import CKEditor5Field

from allianz_site.text import PlainCharField, PlainTextField
from contacts.models import PressContact, Subscription

from .. import search
from ..sanitize import sanitize_html
from ..slugs import unique_slug
from .base import NamedModel


class TopicQuerySet(models.QuerySet):
    def public(self):
        """The one rule for topics: public once a public release has it. A topic made for a
        release under embargo appears at the release's moment, like the release itself (the
        page cache learns that moment from PressReleaseQuerySet.next_change)."""
        return self.filter(
            models.Exists(PressRelease.objects.published().filter(topics=models.OuterRef("pk")))
        )


class Topic(NamedModel):
    name = PlainCharField("Name", max_length=100, unique=True)
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

    objects = TopicQuerySet.as_manager()

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

    def next_change(self, now):
        """When the next release under embargo becomes public (see releases.cache.next_change)."""
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=now).aggregate(
            moment=Min("publish_at")
        )["moment"]

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
        relevant first (PostgreSQL; as they are elsewhere). The archive lists older matches
        after them, and shows snippets (`with_snippets`) for the hits of a page: search.Hits."""
        if not search.is_available(self.db):
            return self
        newest = self.order_by(*self.model._meta.ordering).values("pk")[: search.RANKED_MATCHES]
        # Read by id: filtering them again would make PostgreSQL look for every match once more.
        return self.model.objects.filter(pk__in=newest).by_relevance(text)

    def by_relevance(self, text):
        """These releases, the most relevant to `text` first, the newest first among equals
        (PostgreSQL; in their order elsewhere)."""
        if not search.is_available(self.db):
            return self
        return self.annotate(search_rank=search.rank(text)).order_by(
            "-search_rank", *self.model._meta.ordering
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


def moment_label(moment):
    """A moment as the admin and the preview write it: "28. März 2022, 10:00"."""
    return date_format(timezone.localtime(moment), "j. F Y, H:i")


class ReleaseStatus(models.TextChoices):
    """The states of a release. Each has its transition on PressRelease (unpublish, submit,
    request_changes, publish, withdraw, listed in PressRelease.TRANSITIONS); a new state is a
    new line here, a new method there and its entries in TRANSITIONS and TRANSITION_PERMISSIONS.

    Entwurf → Zur Freigabe (Redaktion) → veröffentlicht or geplant (Chefredaktion; geplant is
    "veröffentlicht" with a moment ahead, the Sperrfrist), or back to the author as Änderungen
    erbeten (Chefredaktion, with a comment); zurückgezogen once it was published."""

    DRAFT = "draft", "Entwurf"
    SUBMITTED = "submitted", "Zur Freigabe"
    CHANGES_REQUESTED = "changes", "Änderungen erbeten"
    PUBLISHED = "published", "Veröffentlicht"
    WITHDRAWN = "withdrawn", "Zurückgezogen"


# The states in which a release is not public and its moment only a suggestion.
UNPUBLISHED_STATES = [
    ReleaseStatus.DRAFT,
    ReleaseStatus.SUBMITTED,
    ReleaseStatus.CHANGES_REQUESTED,
]


class PressRelease(models.Model):
    Status = ReleaseStatus

    title = PlainCharField("Titel", max_length=255)
    subtitle = PlainCharField("Untertitel", max_length=255, blank=True)
    slug = models.SlugField(
        "Kurzname in der Adresse",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Wird beim ersten Speichern aus dem Titel erzeugt (ä → ae, ß → ss) und danach "
        "nicht mehr geändert, damit veröffentlichte Adressen gültig bleiben.",
    )
    place = PlainCharField(
        "Ort in der Ortszeile", max_length=120, help_text="z. B. „Braunschweig/Wolfsburg“"
    )
    release_date = models.DateField(
        "Datum der Mitteilung",
        default=timezone.localdate,
        help_text="Steht in der Ortszeile und in der Adresse der Mitteilung.",
    )
    lead = PlainTextField(
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
        help_text="Zurückgezogen: nicht mehr öffentlich. War die Mitteilung schon öffentlich, meldet "
        "ihre Adresse, dass sie zurückgezogen wurde; stand sie noch unter Sperrfrist, bleibt die "
        "Adresse „nicht gefunden“. Erneut veröffentlicht erscheint sie mit neuem Datum, außer "
        "Sie wählen selbst einen Zeitpunkt.",
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
    correction_note = PlainCharField(
        "Korrekturhinweis",
        max_length=255,
        blank=True,
        help_text="Erscheint als „Aktualisiert am …“ unter dem Text, z. B. „Name korrigiert“.",
    )
    corrected_at = models.DateTimeField(
        "Korrekturhinweis geschrieben am",
        null=True,
        blank=True,
        editable=False,
        help_text="Wann der Korrekturhinweis geschrieben oder zuletzt geändert wurde: das Datum "
        "von „Aktualisiert am …“. Andere Änderungen verschieben es nicht.",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_releases",
        verbose_name="Angelegt von",
        help_text="Wer die Mitteilung im Admin angelegt hat: die Autorin oder der Autor, der "
        "die Nachrichten zur Freigabe erhält.",
    )
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
            ("publish_pressrelease", "Darf veröffentlichen, Sperrfristen setzen und zurückziehen"),
            ("submit_pressrelease", "Darf Mitteilungen zur Freigabe einreichen"),
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
            # The moment a release last changed on the public site (releases.sitemaps.
            # release_change): the sitemap index finds the newest public one, and the newest on a
            # project's or partner's page, in a few rows instead of reading every release.
            models.Index(Greatest("updated_at", "publish_at"), name="release_change_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReleaseStatus.values),
                name="release_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=UNPUBLISHED_STATES)
                | models.Q(publish_at__isnull=False),
                name="release_published_has_publish_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReleaseStatus.WITHDRAWN)
                | models.Q(withdrawn_at__isnull=False),
                name="release_withdrawn_has_withdrawn_at",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "correction_note" in update_fields:
            self.date_correction_note()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "corrected_at"}
        super().save(*args, **kwargs)
        self.record_transitions()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHABLE_FIELDS.intersection(update_fields):
            PressRelease.objects.using(self._state.db).filter(pk=self.pk).update_search_vector()

    def get_absolute_url(self):
        return reverse("releases:detail", kwargs=self.url_kwargs())

    @staticmethod
    def addresses():
        """For long lists: a function (release_date, slug) → the release's address, what
        get_absolute_url() gives, formatted after one reverse() instead of one per release
        (1,000 reverse() calls took 30 ms). tests/test_seo.py and test_feeds.py check the two
        agree."""
        archive = reverse("releases:archive")  # /presse/, which a release's address continues

        def address(day, slug):
            return f"{archive}{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/"

        return address

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

    # The state. Only these methods change status, publish_at and withdrawn_at (the admin's list
    # actions, form and transition pages, the importer and load_demo call them). They do not
    # save, like set_password: the caller saves, together with whatever else it changed. Each
    # change of the publishing state is noted (`by`: who, `comment`: why) and written to the
    # release's history as a ReleaseEvent when the release is saved (record_transitions).

    def publish(self, at=None, by=None, comment=""):
        """Public from `at` on; a moment ahead is an embargo (Sperrfrist). Without `at`, a
        release that is public or under embargo keeps its moment, and so does a draft whose
        suggested moment is still ahead. Any other release is public now: one that was public
        before, unpublished or withdrawn since, goes out again as new (feed, alerts), not with
        last week's date."""
        before = self.publishing_state()
        now = timezone.now()
        if at is None:
            upcoming = self.publish_at is not None and self.publish_at > now
            at = self.publish_at if self.is_public or upcoming else now
        self.status = self.Status.PUBLISHED
        self.publish_at = at
        self.withdrawn_at = None
        self.note_transition(before, by, comment)

    def unpublish(self, at=None, by=None, comment=""):
        """Back to draft: public nowhere. `at` suggests a moment for publishing it (Redaktion
        suggests, Chefredaktion publishes); without it the moment it had stays as the
        suggestion. A suggested moment that is not ahead is none: publishing means now then."""
        self.move_unpublished(self.Status.DRAFT, at, by, comment)

    def submit(self, at=None, by=None, comment=""):
        """Zur Freigabe: the author says the release is ready for Chefredaktion. From a draft or
        from Änderungen erbeten; `at` suggests a moment, as for a draft."""
        if self.status not in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED):
            raise ValidationError(
                {
                    "status": "Zur Freigabe einreichen lässt sich nur ein Entwurf oder eine "
                    "Mitteilung, zu der Änderungen erbeten wurden."
                }
            )
        self.move_unpublished(self.Status.SUBMITTED, at, by, comment)

    def request_changes(self, at=None, by=None, comment=""):
        """Änderungen erbeten: back to the author, with a comment saying what to change. Only a
        release that was submitted (Zur Freigabe)."""
        if self.status != self.Status.SUBMITTED:
            raise ValidationError(
                {"status": "Änderungen erbitten lässt sich nur für eine eingereichte Mitteilung."}
            )
        if not (comment or "").strip():
            raise ValidationError(
                {"status": "Bitte schreiben Sie dazu, welche Änderungen Sie erbitten."}
            )
        self.move_unpublished(self.Status.CHANGES_REQUESTED, at, by, comment)

    def move_unpublished(self, status, at, by, comment):
        """To one of the states that are public nowhere (UNPUBLISHED_STATES), keeping or taking
        `at` as the suggested moment."""
        before = self.publishing_state()
        at = at or self.publish_at
        self.status = status
        self.publish_at = at if at and at > timezone.now() else None
        self.withdrawn_at = None
        self.note_transition(before, by, comment)

    def withdraw(self, at=None, by=None, comment=""):
        """Withdrawn from now on. If it had been public, its address says so (410 Gone, see
        PressReleaseQuerySet.withdrawn); under embargo it never appears. Only a published
        release can be withdrawn; a withdrawn one stays as it is."""
        if at is not None:
            raise ValidationError(
                {"publish_at": "Beim Zurückziehen lässt sich kein neuer Zeitpunkt setzen."}
            )
        if self.status == self.Status.WITHDRAWN:
            return
        if self.status != self.Status.PUBLISHED:
            raise ValidationError(
                {"status": "Nur eine veröffentlichte Mitteilung kann zurückgezogen werden."}
            )
        before = self.publishing_state()
        self.status = self.Status.WITHDRAWN
        self.withdrawn_at = timezone.now()
        self.note_transition(before, by, comment)

    # Status → the transition that leads there; move_to looks it up.
    TRANSITIONS = {
        ReleaseStatus.DRAFT: "unpublish",
        ReleaseStatus.SUBMITTED: "submit",
        ReleaseStatus.CHANGES_REQUESTED: "request_changes",
        ReleaseStatus.PUBLISHED: "publish",
        ReleaseStatus.WITHDRAWN: "withdraw",
    }
    # Status → the permission it takes to lead a release there (releases/roles.py gives them:
    # Redaktion submits, Chefredaktion does everything).
    TRANSITION_PERMISSIONS = {
        ReleaseStatus.DRAFT: "releases.publish_pressrelease",
        ReleaseStatus.SUBMITTED: "releases.submit_pressrelease",
        ReleaseStatus.CHANGES_REQUESTED: "releases.publish_pressrelease",
        ReleaseStatus.PUBLISHED: "releases.publish_pressrelease",
        ReleaseStatus.WITHDRAWN: "releases.publish_pressrelease",
    }

    def may_move_to(self, user, status):
        """Whether `user` may take the release to `status`. Staying in a state that is public
        nowhere (a draft kept as a draft, with a new suggested moment) changes no state."""
        if status == self.status and status in UNPUBLISHED_STATES:
            return True
        return user.has_perm(self.TRANSITION_PERMISSIONS[status])

    def move_to(self, status, at=None, by=None, comment=""):
        """Takes the release to `status` by that state's transition (the admin's form, whose
        status field names the state wanted); `at` as the transitions take it. With `by`, a
        change of the publishing state only if that user may (TRANSITION_PERMISSIONS): saving
        a published release unchanged is editing, not publishing. A ValidationError says why
        not, and leaves the release as it was."""
        if status == self.status and status in UNPUBLISHED_STATES:
            # the same state, perhaps with another suggested moment: no transition
            self.move_unpublished(status, at, by, comment)
            return
        before = (self.status, self.publish_at, self.withdrawn_at)
        pending = list(self.__dict__.get("_transitions", []))
        getattr(self, self.TRANSITIONS[status])(at=at, by=by, comment=comment)
        changed = self.__dict__.get("_transitions", []) != pending
        if by is not None and changed and not by.has_perm(self.TRANSITION_PERMISSIONS[status]):
            self.status, self.publish_at, self.withdrawn_at = before
            self.__dict__["_transitions"] = pending
            who = "die Redaktion" if status == ReleaseStatus.SUBMITTED else "die Chefredaktion"
            label = ReleaseStatus(status).label
            raise ValidationError({"status": f"Den Status „{label}“ setzt nur {who}."})

    def note_transition(self, before, by, comment):
        """Notes a change of the publishing state for record_transitions (none if nothing
        changed: a draft given another suggested moment, a release published again as it was)."""
        if self.publishing_state() == before:
            return
        pending = self.__dict__.setdefault("_transitions", [])
        pending.append(
            {
                "from_status": before[0],
                "to_status": self.status,
                "publish_at": self.publish_at if self.status == self.Status.PUBLISHED else None,
                "user": by,
                "comment": (comment or "").strip(),
            }
        )

    def record_transitions(self):
        """Writes the noted transitions to the history (ReleaseEvent) and sends their mails
        (releases/notifications.py). save() calls it."""
        from .. import notifications
        from .events import ReleaseEvent

        pending = self.__dict__.pop("_transitions", [])
        for values in pending:
            event = ReleaseEvent.objects.using(self._state.db).create(release=self, **values)
            notifications.transition_made(event)

    @property
    def state_label(self):
        """The state in words, as the admin's list and the preview banner show it."""
        if self.is_embargoed:
            return f"Sperrfrist bis {moment_label(self.publish_at)} Uhr"
        if self.status == self.Status.WITHDRAWN:
            return f"Zurückgezogen am {moment_label(self.withdrawn_at)} Uhr"
        return self.get_status_display()

    def publishing_state(self):
        """What decides whether and from when the release is public (the Redaktion may not
        change it, also not by restoring an old version): the status, and once published its
        moment and its withdrawal. A draft's moment is only a suggestion."""
        if self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN):
            return (self.status, self.publish_at, self.withdrawn_at)
        return (self.status,)

    def date_correction_note(self):
        """Dates the correction note when it is written or changed (corrected_at, shown as
        „Aktualisiert am …“); saving anything else leaves the date as it is. save() calls it."""
        stored = ""
        if not self._state.adding:
            stored = (
                PressRelease.objects.using(self._state.db)
                .filter(pk=self.pk)
                .values_list("correction_note", flat=True)
                .first()
            )
        if self.correction_note != (stored or ""):
            self.corrected_at = timezone.now() if self.correction_note else None

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

    def get_pdf_url(self):
        return reverse("releases:pdf", kwargs=self.url_kwargs())

    def alert_recipients(self):
        """Subscribers to mail about this release: those who chose one of its topics or projects,
        and those who chose nothing (= everything). Only who had subscribed when it went public."""
        return Subscription.objects.filter(
            Q(topics__isnull=True, projects__isnull=True)
            | Q(topics__in=self.topics.all())
            | Q(projects__in=self.projects.all()),
            confirmed_at__lte=self.publish_at,
        ).distinct()
