"""Routing: the model named in the settings, else a direct model, else the pivot route; and what a
build says about the route each language took."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.translate.families import Coverage
from pressroom.translate.installed import InstalledModel
from pressroom.translate.routing import RouteError, choose_route, describe_route, missing_pairs


def _model(name: str, sources: str, targets: str, version: str = "1.0", demo: bool = False, kind: str = "argos") -> InstalledModel:
    return InstalledModel(
        path=Path(f"/models/{name}-{version}-{demo}"),
        name=name,
        kind=kind,
        coverage=Coverage({s: "" for s in sources.split(",")}, {t: "" for t in targets.split(",")}),
        version=version,
        demo=demo,
    )


DE_EN, EN_KO, DE_KO = _model("de_en", "de", "en"), _model("en_ko", "en", "ko"), _model("de_ko", "de", "ko")
NLLB = _model("nllb", "de,en,ko", "de,en,ko", version="", kind="nllb")


def _names(models: list[InstalledModel], source: str, target: str, **kwargs: object) -> list[str] | None:
    hops = choose_route(models, source, target, **kwargs)  # type: ignore[arg-type]
    return None if hops is None else [f"{h.model.name}:{h.source}>{h.target}" for h in hops]


def test_direct_route() -> None:
    assert _names([DE_EN, EN_KO, DE_KO], "de", "ko") == ["de_ko:de>ko"]
    assert _names([DE_EN, EN_KO], "de", "en") == ["de_en:de>en"]


def test_pivot_route_and_none() -> None:
    assert _names([DE_EN, EN_KO], "de", "ko") == ["de_en:de>en", "en_ko:en>ko"]
    assert _names([DE_EN], "de", "ko") is None
    assert _names([DE_EN, EN_KO], "ko", "de") is None
    de_fr, fr_ko = _model("de_fr", "de", "fr"), _model("fr_ko", "fr", "ko")
    assert _names([de_fr, fr_ko], "de", "ko", pivot="fr") == ["de_fr:de>fr", "fr_ko:fr>ko"]


def test_a_multilingual_model_is_a_direct_route_and_beats_the_pivot() -> None:
    assert _names([DE_EN, EN_KO, NLLB], "de", "ko") == ["nllb:de>ko"]
    assert _names([DE_EN, EN_KO, NLLB], "ko", "de") == ["nllb:ko>de"]  # every pair it covers


def test_a_model_made_for_the_pair_beats_a_multilingual_one() -> None:
    assert _names([DE_EN, NLLB], "de", "en") == ["de_en:de>en"]


def test_highest_version_and_real_before_demo() -> None:
    old, new, newest_demo = _model("a", "de", "en", "1.9"), _model("b", "de", "en", "1.10"), _model("c", "de", "en", "2.0", demo=True)
    assert _names([old, newest_demo, new], "de", "en") == ["b:de>en"]
    assert _names([newest_demo], "de", "en") == ["c:de>en"]


def test_real_pivot_route_beats_direct_demo() -> None:
    direct_demo = _model("demo", "de", "ko", demo=True)
    assert _names([direct_demo, DE_EN, EN_KO], "de", "ko") == ["de_en:de>en", "en_ko:en>ko"]
    demo_leg = _model("en_ko_demo", "en", "ko", demo=True)
    assert _names([direct_demo, DE_EN, demo_leg], "de", "ko") == ["demo:de>ko"]


def test_same_language_needs_no_model() -> None:
    assert choose_route([], "de", "de") == []


def test_the_setting_names_the_model_per_language() -> None:
    models = [DE_EN, EN_KO, DE_KO, NLLB]
    assert _names(models, "de", "ko", named={"ko": "nllb"}) == ["nllb:de>ko"]
    assert _names(models, "de", "en", named={"ko": "nllb"}) == ["de_en:de>en"]  # only Korean is named
    assert _names(models, "de", "en", named={"en": "nllb"}) == ["nllb:de>en"]
    # A named model for pivot→target only is used after the best source→pivot step.
    assert _names([DE_EN, EN_KO, NLLB], "de", "ko", named={"ko": "en_ko"}) == ["de_en:de>en", "en_ko:en>ko"]


def test_a_named_model_that_cannot_serve_is_a_plain_error() -> None:
    with pytest.raises(RouteError, match=r"names the model 'nllb-200' for 'ko' \(\[models\]\), but no installed model has that name \(installed: de_en, en_ko\)"):
        choose_route([DE_EN, EN_KO], "de", "ko", named={"ko": "nllb-200"})
    with pytest.raises(RouteError, match="'de_en' for 'ko' .*translates de→en, not de→ko"):
        choose_route([DE_EN, EN_KO], "de", "ko", named={"ko": "de_en"})


def test_missing_pairs_count_multilingual_models() -> None:
    assert missing_pairs([NLLB], "de", ["en", "ko"], "en") == []
    assert missing_pairs([DE_EN], "de", ["en", "ko"], "en") == [("en", "ko")]
    assert missing_pairs([_model("x", "de,en,ko", "de,en,ko", demo=True)], "de", ["ko"], "en") == [("de", "en"), ("en", "ko")]


def test_route_descriptions() -> None:
    direct = choose_route([NLLB], "de", "ko")
    pivot = choose_route([DE_EN, EN_KO], "de", "ko")
    assert direct is not None and pivot is not None
    assert describe_route(direct) == "de→ko direct, nllb"
    assert describe_route(pivot) == "de→en→ko via en, de_en 1.0 then en_ko 1.0"
