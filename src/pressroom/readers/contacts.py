"""Press contact blocks: names, phone numbers and addresses, kept verbatim in every edition.

A contact block starts at one of the headings press offices use ("Pressekontakt:",
"Rückfragen bitte an:", "Ansprechpartner:", "Verantwortlich:", "Firmenkontakt und Herausgeber
der Meldung:" …) or at a "V.i.S.d.P." line. Nothing in it is ever sent to a translation model:
a street name or a person's name must reach every reader exactly as written.
"""

from __future__ import annotations

import re

from pressroom.document.inline import Text
from pressroom.document.model import Block, Contact, Heading, ListItem, Paragraph, Quote, Table

_CONTACT_HEADER = re.compile(
    r"(?:Für\s+)?(?:Rückfragen(?:\s+bitte)?(?:\s+an)?|Presse-?\s?kontakt|Medienkontakt|Kontakt"
    r"|Ansprechpartner(?:in|innen|\*innen)?|Ansprechperson(?:en)?"
    r"|Weitere\s+Informationen\s+für\s+Medien|Verantwortlich(?:\s+für\s+den\s+Inhalt)?"
    r"|Firmenkontakt(?:\s+und\s+Herausgeber(?:\s+der\s+Meldung)?)?|Herausgeber(?:\s+der\s+Meldung)?)"
    r"(?:\s+für\s+(?:Medien|die\s+Presse))?\s*:?",
    re.IGNORECASE,
)
# "V.i.S.d.P.: Erika Mustermann" (verantwortlich im Sinne des Presserechts): a contact line of
# its own, with the name on the same line.
_RESPONSIBLE = re.compile(r"V\.?\s?i\.?\s?S\.?\s?d\.?\s?P\.?(?=$|[\s:,])", re.IGNORECASE)
RESPONSIBLE_LABEL = "V.i.S.d.P."


def is_contact_header(line: str) -> bool:
    """'Rückfragen bitte an:', 'Pressekontakt:' and the like: a contact block starts after it."""
    return len(line) <= 60 and _CONTACT_HEADER.fullmatch(line.strip()) is not None


def is_responsible_line(line: str) -> bool:
    """A 'V.i.S.d.P.: …' line, which names the person responsible for the release."""
    return _RESPONSIBLE.match(line.strip()) is not None


def starts_contact(line: str) -> bool:
    """Whether a contact block starts at ``line`` (a contact heading or a V.i.S.d.P. line)."""
    return is_contact_header(line) or is_responsible_line(line)


def contact_block(label: str, lines: list[Text], table: Table | None = None) -> Contact:
    """A contact block under ``label`` (the heading as written): lines without trailing
    spaces, no blank lines at either end and never two in a row."""
    kept: list[Text] = []
    for line in lines:
        line = line.strip()
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return Contact(label.strip(), tuple(kept), table)


def contact_from_text(label: str, text: str) -> Contact:
    """A contact block from plain lines (a front matter 'contact:' or lines of a .txt file)."""
    return contact_block(label, [Text(line) for line in text.split("\n")])


def text_lines(text: Text) -> list[Text]:
    """``text`` cut at its line breaks, each line with its marks."""
    lines, start = [], 0
    for end in [i for i, char in enumerate(text.text) if char == "\n"] + [len(text.text)]:
        lines.append(text.slice(start, end))
        start = end + 1
    return lines


def gather_contacts(blocks: list[Block]) -> list[Block]:
    """Blocks with every contact block read from them as a :class:`Contact`, where it stands.

    A contact block is a contact heading (a subheading, or a paragraph of its own such as
    "Pressekontakt:") with what follows it up to the next subheading: its paragraphs' lines,
    list items and a table; or a paragraph whose first line is a contact heading and whose
    other lines (hard line breaks) are the contact; or a V.i.S.d.P. line, which joins the
    contact block right above it. Only the last contact paragraph of its own counts, so a
    body paragraph that happens to read "Kontakt:" never takes the rest of the release along.
    """
    own_lines = [
        i for i, b in enumerate(blocks)
        if isinstance(b, Paragraph) and "\n" not in b.text.text and is_contact_header(b.text.text)
    ]  # fmt: skip
    last_own = own_lines[-1] if own_lines else None
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        text = block.text if isinstance(block, Heading | Paragraph) else None
        lines = text_lines(text) if text is not None else []
        if text is not None and (index == last_own or isinstance(block, Heading) and is_contact_header(text.text)):
            label = text.text
            index, gathered, table = _gather(blocks, index + 1)
            result.append(contact_block(label, gathered, table))
            continue
        if isinstance(block, Paragraph) and len(lines) > 1 and is_contact_header(lines[0].text):
            result.append(contact_block(lines[0].text, lines[1:]))
        elif isinstance(block, Paragraph) and all(is_responsible_line(line.text) for line in lines):
            if result and isinstance(result[-1], Contact):
                previous = result[-1]
                result[-1] = contact_block(previous.label, [*previous.lines, Text(""), *lines], previous.table)
            else:
                result.append(contact_block(RESPONSIBLE_LABEL, lines))
        else:
            result.append(block)
        index += 1
    return result


def _gather(blocks: list[Block], index: int) -> tuple[int, list[Text], Table | None]:
    """Lines and a table after a contact heading, up to the next heading or a block that is
    no contact data (a picture, a dateline)."""
    lines: list[Text] = []
    table: Table | None = None
    while index < len(blocks):
        block = blocks[index]
        if isinstance(block, Table) and table is None:
            table = block
        elif isinstance(block, Paragraph | Quote | ListItem):
            lines += text_lines(block.text)
        else:
            break
        index += 1
    return index, lines, table
