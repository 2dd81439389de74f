"""
A reader without a mouse: skip link, main navigation, search with a topic filter, pagination,
archive navigation by year and month, a release, with the keyboard only. Whatever has the focus
shows it: an outline of at least 2 px whose colour stands out 3:1 against the background around
it (WCAG 2.1, 2.4.7 and 1.4.11).
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from releases.models import PressRelease

from .pages import DETAIL

# What the focused element looks like: its outline, and the colour behind the outline (what lies
# just left of the element, where the outline is drawn: the first element there with a
# background of its own).
FOCUS_STATE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const gap = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
  const x = Math.max(0, box.left - gap), y = Math.max(0, box.top + box.height / 2);
  let background = 'rgb(255, 255, 255)';
  const behind = document.elementsFromPoint(x, y).filter(node => !element.contains(node));
  search: for (const start of behind) {
    for (let node = start; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { background = colour; break search; }
    }
  }
  const label = element.labels && element.labels.length ? element.labels[0].innerText : '';
  return {
    text: (label || element.innerText || element.getAttribute('aria-label') || element.id).trim(),
    tag: element.tagName,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    background: background,
    inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def luminance(colour):
    red, green, blue = (
        int(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")[:3]
    )
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_focus_visible(page):
    state = page.evaluate(FOCUS_STATE)
    label = f"{state['tag']} „{state['text']}“"
    assert state["inView"], f"{label} has the focus but is not on the screen"
    assert state["outlineStyle"] != "none" and state["outlineWidth"] >= 2, f"{label}: no outline"
    ratio = contrast(state["outlineColor"], state["background"])
    assert ratio >= 3, (
        f"{label}: focus outline {state['outlineColor']} on {state['background']} is {ratio:.1f}:1"
    )
    return state


def tab_to(page, text, limit=80):
    """Press Tab until the element with this text has the focus, checking each stop on the way."""
    for _stop in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue
        if assert_focus_visible(page)["text"] == text:
            return
    pytest.fail(f"„{text}“ not reached with {limit} presses of Tab")


def wait_for(tab, path, **query):
    """Wait until the browser shows this address (the query compared as parameters)."""

    def arrived(url):
        parts = urlsplit(url)
        return parts.path == path and parse_qs(parts.query) == {k: [v] for k, v in query.items()}

    tab.wait_for_url(arrived)


@pytest.fixture
def long_archive(newsroom):
    """The demo content plus enough releases for a second archive page."""
    for number in range(1, 17):
        PressRelease.objects.create(
            title=f"Projektraum Peine, Bericht {number}",
            place="Peine",
            release_date=datetime.date(2021, 5, number),
            lead="Ein Zwischenstand aus dem Projektraum.",
            status=PressRelease.Status.PUBLISHED,
            publish_at=timezone.now(),
        )


@pytest.mark.parametrize("width", [390, 1280], ids=["mobil", "desktop"])
def test_keyboard_user_moves_through_the_archive_with_visible_focus(
    open_browser, long_archive, width
):
    page, _log = open_browser(width=width)
    page.goto("/")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["text"] == "Zum Inhalt springen"
    tab_to(page, "Pressemitteilungen")  # through the header: brand and main navigation
    page.keyboard.press("Enter")
    wait_for(page, "/presse/")

    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["text"] == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"

    tab_to(page, "Suchbegriff")
    page.keyboard.type("Betriebsnachbarschaften")
    tab_to(page, "Thema")
    page.keyboard.type("Fach")  # a closed select jumps to the option that starts so
    tab_to(page, "Suchen")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/", q="Betriebsnachbarschaften", thema="fachkraeftesicherung")
    assert page.get_by_role("status").inner_text() == (
        "5 Mitteilungen zu „Betriebsnachbarschaften“ gefunden"
    )
    tab_to(page, "Suche und Filter zurücksetzen")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/")

    tab_to(page, "Ältere →")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/", page="2")
    assert page.get_by_text("Seite 2 von 2").is_visible()
    tab_to(page, "← Neuere")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/", page="1")

    tab_to(page, "2022")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/2022/")
    tab_to(page, "März")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/2022/03/")
    assert page.get_by_role("heading", level=1).inner_text() == "Pressemitteilungen März 2022"

    tab_to(page, "Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt")
    page.keyboard.press("Enter")
    wait_for(page, DETAIL)
    tab_to(page, "Zur Übersicht aller Pressemitteilungen")
    page.keyboard.press("Enter")
    wait_for(page, "/presse/")
