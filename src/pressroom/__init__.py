"""pressroom: German press releases to English and Korean DOCX editions and RSS/Atom feeds, offline."""

__version__ = "0.1.0"
