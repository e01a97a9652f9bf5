"""Saved news web pages (``.html``) and RSS/Atom feeds (``.xml``, ``.rss``, ``.atom``) as articles.

``charset`` decodes by the declared charset, ``extract`` finds the article in a page, ``credits`` sorts
bylines, datelines and page furniture out of its lines, ``html`` and ``feeds`` are the two parsers.
"""
