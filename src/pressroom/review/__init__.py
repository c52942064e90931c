"""Human review: corrections made once in a CAT tool or in Word win in every later build.

``exchange`` writes and reads the review files (XLIFF 1.2 through translate-toolkit, and a
bilingual review DOCX); ``store`` keeps approved translations in SQLite, keyed by language
pair and source text only, so they survive model upgrades and are dropped exactly when the
German text of their segment changes; ``workflow`` ties both to the published editions.
"""
