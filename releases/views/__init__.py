"""The public pages of the news archive, one module per subject (see releases/urls.py):
archive lists and search, a release page, downloads, embargo links, the project and partner
directory, e-mail subscriptions."""
