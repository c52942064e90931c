"""Terminology, protected content and quality checks for machine-translated editions.

``glossary`` reads the press office's term list and do-not-translate list; ``protect`` keeps
names, addresses and approved terms out of the model's reach (placeholders, restored after
translation, with a safe fallback); ``checks`` finds the known failure modes of machine
translation per segment; ``report`` writes what was found for the people who publish.
"""
