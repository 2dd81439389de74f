"""The three legal pages every German site needs, as flatpages the press office edits in the admin
(Verwaltung → Statische Seiten). Created once with placeholders where the organisation's legal
details must be filled in ("[Bitte ergänzen: …]"); never overwritten, so edits survive."""

from django.conf import settings
from django.db import migrations

TODO = "<strong>[Bitte ergänzen: {}]</strong>"

IMPRESSUM = f"""
<p>Angaben nach § 5 Digitale-Dienste-Gesetz (DDG)</p>
<h2>Anbieterin</h2>
<p>Allianz für die Region GmbH<br>{TODO.format("Straße und Hausnummer")}<br>{TODO.format("Postleitzahl und Ort")}</p>
<h2>Vertreten durch</h2>
<p>Geschäftsführung: {TODO.format("Name der Geschäftsführerin oder des Geschäftsführers")}</p>
<h2>Kontakt</h2>
<p>Telefon: {TODO.format("Telefonnummer der Zentrale")}<br>E-Mail: {TODO.format("allgemeine E-Mail-Adresse")}</p>
<p>Journalistinnen und Journalisten erreichen die Pressestelle direkt über den <a href="/pressekontakt/" rel="noopener noreferrer">Pressekontakt</a>.</p>
<h2>Registereintrag</h2>
<p>Eingetragen im Handelsregister beim Amtsgericht {TODO.format("Ort")} unter HRB {TODO.format("Nummer")}</p>
<h2>Umsatzsteuer-Identifikationsnummer</h2>
<p>nach § 27a Umsatzsteuergesetz: {TODO.format("USt-IdNr.")}</p>
<h2>Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag</h2>
<p>{TODO.format("Name und Anschrift der verantwortlichen Person")}</p>
<h2>Bildnachweise</h2>
<p>Urheberinnen und Urheber der Bilder sind unter dem jeweiligen Bild genannt. Die Logos der Partner und Gesellschafter gehören den jeweiligen Organisationen.</p>
<h2>Links auf andere Websites</h2>
<p>Für die Inhalte verlinkter Seiten anderer Anbieter sind allein deren Betreiber verantwortlich. Erfahren wir von rechtswidrigen Inhalten auf einer verlinkten Seite, entfernen wir den Link.</p>
"""

DATENSCHUTZ = f"""
<p>Mit dieser Erklärung informieren wir Sie nach Art. 13 der Datenschutz-Grundverordnung (DSGVO) darüber, welche personenbezogenen Daten beim Besuch dieser Website verarbeitet werden.</p>
<h2>Verantwortliche Stelle</h2>
<p>Allianz für die Region GmbH<br>{TODO.format("Straße und Hausnummer, Postleitzahl und Ort")}<br>E-Mail: {TODO.format("E-Mail-Adresse für Datenschutzanfragen")}</p>
<h2>Datenschutzbeauftragte oder Datenschutzbeauftragter</h2>
<p>{TODO.format("Name und Kontaktdaten")}</p>
<h2>Aufruf der Website</h2>
<p>Wenn Sie eine Seite aufrufen, verarbeitet unser Server technisch notwendige Angaben: die IP-Adresse, Datum und Uhrzeit, die aufgerufene Adresse, die übertragene Datenmenge, die zuvor besuchte Seite und die Kennung Ihres Browsers. Wir brauchen sie, um die Seiten auszuliefern und den Betrieb zu sichern (Art. 6 Abs. 1 lit. f DSGVO). Protokolle werden nach {TODO.format("Anzahl")} Tagen gelöscht.</p>
<p>Betrieben wird die Website von {TODO.format("Hostingdienstleister mit Anschrift; Auftragsverarbeitungsvertrag nach Art. 28 DSGVO")}.</p>
<h2>Keine Cookies, keine Analyse, keine fremden Inhalte</h2>
<p>Die öffentlichen Seiten setzen keine Cookies, verwenden keine Analyse- oder Werbedienste und laden weder Schriften noch Skripte oder Bilder von anderen Servern. Nur die Verwaltung, in der die Pressestelle arbeitet, setzt technisch notwendige Cookies für die Anmeldung (§ 25 Abs. 2 Nr. 2 TDDDG).</p>
<h2>Kontakt per E-Mail oder Telefon</h2>
<p>Wenn Sie uns schreiben oder anrufen, verarbeiten wir Ihre Angaben, um Ihre Anfrage zu beantworten (Art. 6 Abs. 1 lit. b und f DSGVO), und löschen sie, wenn sie dafür nicht mehr gebraucht werden und keine Aufbewahrungspflicht besteht.</p>
<h2>Ihre Rechte</h2>
<p>Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch gegen eine Verarbeitung auf Grundlage berechtigter Interessen (Art. 21). Sie können sich außerdem bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77), etwa bei der Landesbeauftragten für den Datenschutz Niedersachsen.</p>
<p>Stand: {TODO.format("Datum")}</p>
"""

BARRIEREFREIHEIT = f"""
<p>Die Allianz für die Region GmbH möchte, dass alle Menschen ihre Pressemitteilungen, Projekt- und Partnerseiten nutzen können. Diese Erklärung gilt für die Website {TODO.format("Adresse der Website")}.</p>
<h2>Stand der Vereinbarkeit</h2>
<p>Maßstab sind die Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA und die Norm EN 301 549. Die Website ist {TODO.format("nach Prüfung: „vollständig“ oder „teilweise“")} mit diesen Anforderungen vereinbar. Rechtsgrundlage: {TODO.format("geltende Vorschrift prüfen, z. B. Barrierefreiheitsstärkungsgesetz oder Niedersächsisches Behindertengleichstellungsgesetz")}.</p>
<h2>Was wir dafür tun</h2>
<ul>
<li>Klare Gliederung mit Überschriften und Orientierungsbereichen sowie ein Link „Zum Inhalt springen“.</li>
<li>Alle Funktionen lassen sich mit der Tastatur bedienen; der Fokus ist immer sichtbar.</li>
<li>Jedes Bild einer Mitteilung braucht einen Alternativtext, bevor es gespeichert werden kann.</li>
<li>Die Schrift lässt sich vergrößern, ohne dass Inhalte verloren gehen.</li>
</ul>
<h2>Nicht barrierefreie Inhalte</h2>
<p>{TODO.format("Ergebnis der Prüfung, z. B. ältere PDF-Anhänge ohne Tags")}</p>
<h2>Erstellung dieser Erklärung</h2>
<p>Die Erklärung wurde am {TODO.format("Datum")} erstellt; Grundlage ist {TODO.format("Selbstbewertung oder Prüfung durch …")}.</p>
<h2>Barrieren melden</h2>
<p>Stoßen Sie auf eine Barriere? Schreiben Sie uns an {TODO.format("E-Mail-Adresse")} oder rufen Sie uns an unter {TODO.format("Telefonnummer")}. Wir antworten so schnell wie möglich.</p>
<h2>Schlichtung und Durchsetzung</h2>
<p>Erhalten Sie keine zufriedenstellende Antwort, können Sie sich an {TODO.format("zuständige Schlichtungs- oder Durchsetzungsstelle mit Kontaktdaten")} wenden.</p>
"""

PAGES = [
    ("/impressum/", "Impressum", IMPRESSUM),
    ("/datenschutz/", "Datenschutzerklärung", DATENSCHUTZ),
    ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit", BARRIEREFREIHEIT),
]


def create_legal_pages(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    FlatPage = apps.get_model("flatpages", "FlatPage")
    site, _created = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": "example.com", "name": "example.com"}
    )
    for url, title, content in PAGES:
        if not FlatPage.objects.filter(url=url).exists():
            page = FlatPage.objects.create(url=url, title=title, content=content.strip())
            page.sites.add(site)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0002_search"),
        ("flatpages", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(create_legal_pages, migrations.RunPython.noop)]
