"""Translation memory and corpus translator: hits, misses, invalidation, pivot reuse, crash safety."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from engines import TaggingEngine

from pressroom.translate.base import Hypothesis
from pressroom.translate.corpus import CHUNK_SENTENCES, CorpusTranslator
from pressroom.translate.memory import TranslationMemory, normalise


def test_memory_round_trip_and_normalisation(tmp_path: Path) -> None:
    engine = TaggingEngine("de", "en")
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    stored = Hypothesis("<en>Guten Tag.", -0.25, ((0, 0), (1, 1), (1, 2)))
    memory.store(engine, [("Guten  Tag.", stored)])
    assert memory.lookup(engine.identity, ["Guten Tag.", "Unbekannt."]) == {"Guten Tag.": stored}
    assert normalise("Gu\u0308ten\n Tag.") == "Güten Tag."
    memory.close()


def test_second_run_translates_nothing(tmp_path: Path) -> None:
    sentences = ["Erster Satz.", "Zweiter Satz.", "Erster Satz."]
    engine = TaggingEngine("de", "en")
    first = CorpusTranslator(TranslationMemory(tmp_path / "tm.sqlite"))
    assert first.translate([engine], sentences)["Zweiter Satz."].text == "<en>Zweiter Satz."
    assert sorted(engine.seen) == ["Erster Satz.", "Zweiter Satz."]  # deduplicated

    again = TaggingEngine("de", "en")
    second = CorpusTranslator(TranslationMemory(tmp_path / "tm.sqlite"))
    result = second.translate([again], sentences)
    assert again.calls == 0
    assert result["Erster Satz."].text == "<en>Erster Satz."
    assert second.stats[again.identity].from_memory == 2


def test_new_model_version_misses_only_its_own_entries(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    CorpusTranslator(memory).translate([TaggingEngine("de", "en", "1")], ["Satz."])
    upgraded = TaggingEngine("de", "en", "2")
    CorpusTranslator(memory).translate([upgraded], ["Satz."])
    assert upgraded.seen == ["Satz."]
    old = TaggingEngine("de", "en", "1")
    CorpusTranslator(memory).translate([old], ["Satz."])
    assert old.calls == 0


def test_pivot_reuses_english_output() -> None:
    de_en, en_ko = TaggingEngine("de", "en"), TaggingEngine("en", "ko")
    translator = CorpusTranslator()
    sentences = ["Eins.", "Zwei."]
    english = translator.translate([de_en], sentences)
    korean = translator.translate([de_en, en_ko], sentences)
    assert de_en.seen == ["Eins.", "Zwei."]  # de→en crossed once, not twice
    assert en_ko.seen == ["<en>Eins.", "<en>Zwei."]  # en→ko received the English output
    assert korean["Eins."].text == "<ko>" + english["Eins."].text


def test_blank_sentences_never_reach_the_engine() -> None:
    engine = TaggingEngine("de", "en")
    translated = CorpusTranslator().translate([engine], ["", "  ", "Satz."])
    assert {s: h.text for s, h in translated.items()} == {"": "", "  ": "", "Satz.": "<en>Satz."}
    assert engine.seen == ["Satz."]


def test_killed_process_leaves_memory_usable(tmp_path: Path) -> None:
    """A writer killed mid-transaction: committed batches survive, the database opens cleanly."""
    db = tmp_path / "tm.sqlite"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from engines import TaggingEngine
        from pressroom.translate.base import Hypothesis
        from pressroom.translate.memory import TranslationMemory
        memory = TranslationMemory(__import__("pathlib").Path({str(db)!r}))
        engine = TaggingEngine("de", "en")
        memory.store(engine, [("Fertig.", Hypothesis("<en>Fertig."))])
        memory._db.execute("BEGIN IMMEDIATE")
        memory._db.executemany("INSERT INTO translations VALUES (?, ?, ?, 'de', 'en', 'x', NULL, '', 1)",
                               [(engine.identity, f"S{{i}}", "T") for i in range(5000)])
        os.kill(os.getpid(), 9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    memory = TranslationMemory(db)
    assert memory._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert memory.count() == 1  # the uncommitted batch is gone, the committed one is there
    memory.close()


def test_many_sentences_are_sent_in_chunks_and_all_stored(tmp_path: Path) -> None:
    engine = TaggingEngine("de", "en")
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    sentences = [f"Satz Nummer {i}." for i in range(CHUNK_SENTENCES * 2 + 5)]
    CorpusTranslator(memory).translate([engine], sentences)
    assert engine.calls == 3
    assert memory.count() == len(sentences)


def test_a_memory_of_schema_1_is_upgraded_and_keeps_its_translations(tmp_path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "tm.sqlite")
    db.execute(
        "CREATE TABLE translations (engine TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, "
        "source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, created TEXT NOT NULL, "
        "PRIMARY KEY (engine, source)) WITHOUT ROWID"
    )
    engine = TaggingEngine("de", "en")
    db.execute("INSERT INTO translations VALUES (?, 'Alt.', '<en>Alt.', 'de', 'en', 'x')", [engine.identity])
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    # The translation stays; its alignment was never asked for, so it is unknown (None).
    assert memory.lookup(engine.identity, ["Alt."]) == {"Alt.": Hypothesis("<en>Alt.", None, None)}
    memory.store(engine, [("Neu.", Hypothesis("<en>Neu.", -0.5, ((0, 0),)))])
    assert memory.lookup(engine.identity, ["Neu."])["Neu."] == Hypothesis("<en>Neu.", -0.5, ((0, 0),))
    memory.close()


def _schema_2_memory(path: Path, engine: TaggingEngine, sentence: str) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE translations (engine TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, "
        "source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, created TEXT NOT NULL, score REAL, "
        "alignment TEXT NOT NULL DEFAULT '', PRIMARY KEY (engine, source)) WITHOUT ROWID"
    )
    db.execute("INSERT INTO translations VALUES (?, ?, ?, 'de', 'en', 'x', -0.1, '')", [engine.identity, sentence, "<en>" + sentence])
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()


def test_an_entry_without_a_known_alignment_is_a_miss_only_where_one_is_needed(tmp_path: Path) -> None:
    engine = TaggingEngine("de", "en", aligned=False)
    _schema_2_memory(tmp_path / "tm.sqlite", engine, "Alt.")
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    assert memory.lookup(engine.identity, ["Alt."])["Alt."] == Hypothesis("<en>Alt.", -0.1, None)
    assert CorpusTranslator(memory).translate([engine], ["Alt."])["Alt."].text == "<en>Alt."
    assert engine.calls == 0  # not needed: the stored translation is used as it is
    corpus = CorpusTranslator(memory)
    corpus.translate([engine], ["Alt.", "Auch alt."], aligned=["Alt."])
    assert engine.seen == ["Alt.", "Auch alt."]  # needed: translated again, and the new one
    assert memory.lookup(engine.identity, ["Alt."])["Alt."].alignment == ()  # now known: the engine gives none
    engine.seen.clear()
    CorpusTranslator(memory).translate([engine], ["Alt."], aligned=["Alt."])
    assert engine.seen == []  # an engine without alignments is not asked again
    memory.close()
