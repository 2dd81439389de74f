"""
Reads press releases saved as plain text (copied from a PDF or from the old website) into
`ParsedRelease` objects. The shape it expects, as in the organisation's own releases:

    PRESSEMITTEILUNG                        (optional, dropped)
    Title
    Subtitle                                (optional)
    Ort, 28. März 2022. First paragraph …   (the dateline starts the lead)
    Paragraphs, short lines as subheadings
    Über das Projekt …                      (optional section)
    Pressekontakt                           (contact block; whatever follows it is reported, not kept)

Control characters (from PDFs) are removed, page footers ("Seite 2 von 3") and the web's
"Zurück" are dropped; a paragraph that a page break
cut in two is joined again; hard-wrapped lines are joined into paragraphs.
"""

import datetime
import re
from dataclasses import dataclass, field
from html import escape

from allianz_site.text import remove_control_characters

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
    "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
}  # fmt: skip
DATELINE = re.compile(
    r"^(?P<place>[^,.\d][^,]{0,80}?),\s*(?P<day>\d{1,2})\.\s*(?P<month>[^\W\d_]+)\s+"
    r"(?P<year>\d{4})\.?\s*(?P<rest>.*)$",
    re.DOTALL,
)
PAGE_FOOTER = re.compile(r"^Seite\s+\d+\s+(von|/)\s+\d+$", re.IGNORECASE)
NOISE = re.compile(r"^(PRESSEMITTEILUNG|PRESSEINFORMATION|Zurück)$", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", ":", ";", ",", '"', "“", "”", "»", "«", ")")
# Hard-wrapped text has lines shorter than this; a longer line that ends a sentence ends its paragraph.
WRAP_WIDTH = 150
HEADING_MAX = 160


class ParseError(ValueError):
    """The text is not a press release in the expected shape; the message says what is missing."""


@dataclass
class ParsedRelease:
    title: str
    subtitle: str
    place: str
    date: datetime.date
    lead: str
    body: list = field(default_factory=list)  # ("p" | "h2", text) in reading order
    about_title: str = ""
    about: list = field(default_factory=list)  # paragraphs of the "Über das Projekt" section
    contact_lines: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # what was found but not imported, for the report

    @property
    def paragraphs(self):
        return [text for kind, text in self.body if kind == "p"]

    @property
    def about_project(self):
        """The project that the "Über das Projekt …" section names, e.g. "Betriebsnachbarschaften"."""
        prefix = "Über das Projekt "
        return self.about_title.removeprefix(prefix) if self.about_title.startswith(prefix) else ""

    def body_html(self, with_about=True):
        """The body as the sanitizer's kind of HTML, the "Über das Projekt" section appended
        (unless the release shows it from its project instead)."""
        parts = [f"<{kind}>{escape(text)}</{kind}>" for kind, text in self.body]
        if self.about_title and with_about:
            parts.append(f"<h2>{escape(self.about_title)}</h2>")
            parts.extend(f"<p>{escape(text)}</p>" for text in self.about)
        return "\n".join(parts)


def read_text(path):
    """Files come as UTF-8 or, from older Windows tools, as cp1252."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _blocks(text):
    """Runs of non-empty lines, with page footers and noise dropped. A block that a page footer
    ended mid-sentence is joined with the block after it."""
    blocks, current, broken = [], [], False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.replace("\u00a0", " ").split())
        if PAGE_FOOTER.match(line):
            broken = True
            continue
        if NOISE.match(line):
            continue
        if line:
            current.append(line)
            continue
        if current:
            blocks.append((current, broken))
            current, broken = [], False
    if current:
        blocks.append((current, broken))

    joined = []
    for lines, broken in blocks:
        if joined and joined[-1][1] and not joined[-1][0][-1].endswith(SENTENCE_END):
            joined[-1] = (joined[-1][0] + lines, broken)
        else:
            joined.append((lines, broken))
    return [lines for lines, _broken in joined]


def _paragraphs(lines):
    paragraphs, current = [], []
    for line in lines:
        current.append(line)
        if len(line) > WRAP_WIDTH and line.endswith(SENTENCE_END):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _is_heading(paragraph):
    return len(paragraph) <= HEADING_MAX and not paragraph.endswith(SENTENCE_END)


def _parse_dateline(paragraph):
    match = DATELINE.match(paragraph)
    if not match:
        return None
    month = MONTHS.get(match["month"].lower())
    if month is None:
        return None
    try:
        date = datetime.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None
    place = re.sub(r"\s*/\s*", "/", match["place"].strip())
    return place, date, match["rest"].strip()


def parse_release(text):
    # Text copied out of a PDF carries control characters; one in the dateline would hide it.
    blocks = _blocks(remove_control_characters(text, multiline=True))
    items = [
        (paragraph, number)
        for number, lines in enumerate(blocks)
        for paragraph in _paragraphs(lines)
    ]
    if not items:
        raise ParseError("Die Datei enthält keinen Text.")

    title = items[0][0]
    position, dateline, before_dateline = 1, None, []
    while position < len(items):
        dateline = _parse_dateline(items[position][0])
        if dateline:
            break
        before_dateline.append(items[position][0])
        position += 1
    if not dateline:
        raise ParseError("Keine Ortszeile wie „Helmstedt, 28. März 2022.“ gefunden.")
    if len(before_dateline) > 1:
        raise ParseError(
            "Zwischen Titel und Ortszeile stehen mehrere Absätze; erwartet ist höchstens ein Untertitel."
        )
    place, date, lead = dateline
    position += 1
    if not lead and position < len(items):
        lead, position = items[position][0], position + 1

    release = ParsedRelease(
        title=title,
        subtitle=before_dateline[0] if before_dateline else "",
        place=place,
        date=date,
        lead=lead,
    )
    section = release.body
    while position < len(items):
        paragraph, block = items[position]
        position += 1
        if paragraph.lower().startswith("pressekontakt"):
            _read_contact(release, [blocks[block][1:], *blocks[block + 1 :]])
            break
        if _is_heading(paragraph) and paragraph.startswith("Über "):
            release.about_title, section = paragraph, release.about
        elif section is release.about:
            release.about.append(paragraph)
        else:
            release.body.append(("h2" if _is_heading(paragraph) else "p", paragraph))
    return release


def _read_contact(release, blocks):
    """`blocks` follow the "Pressekontakt" heading. The contact runs until the next heading (in
    the seeds, the list of shareholders), which is reported as skipped, with all after it."""
    for number, lines in enumerate(blocks):
        if release.contact_lines and len(lines) == 1 and _is_heading(lines[0]):
            rest = sum(len(block) for block in blocks[number + 1 :])
            release.skipped.append(f"Abschnitt „{lines[0]}“ mit {rest} Zeile(n) nicht übernommen")
            return
        release.contact_lines.extend(lines)
