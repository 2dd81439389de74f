"""The public page types every browser gate runs on: ONE list.

Each gate in this folder (axe-core, the Nu Html Checker, no request to another host, no console
error, fits a phone, screenshots, Lighthouse) is parametrized over PAGE_TYPES, so a new page type
gets every gate by adding one line here. The content behind the addresses is the demo content of
`manage.py load_demo` (the `newsroom` fixture loads it), so a new page type needs its demo content
there.
"""

from typing import NamedTuple


class PageType(NamedTuple):
    name: str  # also the file name of its screenshot
    path: str
    status: int = 200


DETAIL = "/presse/2022/03/28/betriebsnachbarschaften-abschluss-im-landkreis-helmstedt/"

PAGE_TYPES = [
    PageType("startseite", "/"),
    PageType("archiv", "/presse/"),
    PageType("jahresarchiv", "/presse/2022/"),
    PageType("monatsarchiv", "/presse/2022/03/"),
    PageType("mitteilung", DETAIL),
    PageType("nicht-gefunden", "/presse/gibt-es-nicht/", status=404),
    PageType("suche", "/presse/?q=Betriebsnachbarschaften&thema=fachkraeftesicherung"),
    PageType("projekte", "/projekte/"),
    PageType("projekt", "/projekte/betriebsnachbarschaften/"),
    PageType("gesellschafter", "/gesellschafter/"),
    PageType("partner", "/partner/landkreis-helmstedt/"),
    PageType("pressekontakt", "/pressekontakt/"),
    PageType("abonnieren", "/presse/abonnieren/"),
    PageType("bildarchiv", "/presse/bilder/"),
    PageType("pressematerial", "/presse/material/"),
    PageType("impressum", "/impressum/"),
    PageType("datenschutz", "/datenschutz/"),
    PageType("barrierefreiheit", "/barrierefreiheit/"),
]

# The admin pages the press office works with: axe-core and no request to another host (the
# Nu Html Checker is not run on Django's own admin templates).
ADMIN_PAGES = [
    "/admin/login/",
    "/admin/",
    "/admin/releases/pressrelease/",
    "/admin/releases/pressrelease/add/",
    "/admin/releases/partner/",  # with an editable column
    "/admin/contacts/presscontact/",  # with two
]

# Lighthouse runs on these (a full run takes about 15 seconds per page and form factor).
LIGHTHOUSE_PAGES = [PAGE_TYPES[0], PAGE_TYPES[1], PAGE_TYPES[4]]

WIDTHS = {"mobil": 390, "desktop": 1280}
