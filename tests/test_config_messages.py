"""Mistakes in pressroom.toml are reported with the file, the line and what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'site_url = "https://presse.example.org/"\norganisation = Stadt Stuttgart\n',
            "line 2: Invalid value (text values need double quotes: organisation = \"Stadt Stuttgart\")",
        ),
        ('\n\nlangauges = ["en"]\n', "line 3: unknown setting 'langauges' (did you mean 'languages'?)"),
        ('languages = "en"\n', "line 1: 'languages' must be a list, like [\"en\", \"ko\"]"),
        ('organisation = "x"\n[translation]\nthreads = 1\nbeam_size = "4"\n', "line 4: 'beam_size' must be a whole number"),
        ('[translation]\nthreads = 1\n\nbeam_sise = 4\n', "line 4: unknown setting 'beam_sise' (did you mean 'beam_size'?)"),
        ('threads = 2\n', "line 1: unknown setting 'threads'"),
        ('organisation = "x"\n\n[translatoin]\nbeam_size = 4\n', "line 3: unknown setting 'translatoin' (did you mean 'translation'?)"),
        ("translation = 3\n", "line 1: 'translation' must be a [translation] table"),
        ('organisation = "x"\ntimezone = "Europe/Stutgart"\n', "line 2: unknown timezone 'Europe/Stutgart' (write it like \"Europe/Berlin\")"),
    ],
)
def test_config_error_names_file_line_and_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}, {message}"


def test_a_setting_set_inline_is_found_on_its_table_line(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text('organisation = "x"\ntranslation = { beam_size = "4" }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pressroom\.toml, line 2: 'beam_size' must be a whole number"):
        load_settings(path)
