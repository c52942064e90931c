"""Synthetic Argos packages: real CTranslate2 Transformers with random weights.

They exercise the whole model path (zip layout, metadata, SentencePiece, CTranslate2 loading
and decoding) without downloading anything, which is what tests, benchmarks and the no-model
demo mode need. The output is gibberish by design; ``metadata.json`` marks such packages with
``"pressroom_demo": true`` so nothing presents that output as a translation.

Vocabulary: SentencePiece is trained with ``hard_vocab_limit=false`` on a few sentences, so it
yields at most as many pieces as the text supports (449 for the bundled text; TINY asks for
399). The CTranslate2 vocabulary is those pieces in SentencePiece id order, then ``<blank>``,
then ``<extra_N>`` filler tokens up to ``shape.vocab_size``: embedding and output-projection
sizes (and so the compute cost) are those of the requested shape even when the text is too
small to train that many pieces (BASE: 449 real pieces, 31550 fillers). Filler tokens,
``<unk>``, ``<s>`` and ``<blank>`` get a large negative output bias so the model never emits
them and every output decodes to clean text.

The random decoder hardly ever emits ``</s>``, so outputs usually run to the decoding limit
(``length_ratio`` × source length + 10 tokens): timings on synthetic models are an upper bound
on decoding cost, real translations being about as long as their source.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import TransformerSpec, attention_spec, common_spec, transformer_spec


@dataclass(frozen=True)
class ModelShape:
    """Transformer dimensions; the same for encoder and decoder."""

    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab_size: int


TINY = ModelShape(layers=2, d_model=64, heads=4, ffn=128, vocab_size=400)
BASE = ModelShape(layers=6, d_model=512, heads=8, ffn=2048, vocab_size=32000)

LANGUAGE_NAMES = {"de": "German", "en": "English", "ko": "Korean"}

# Press-release style sentences in the three pipeline languages (449 SentencePiece pieces).
DEFAULT_TRAINING_TEXT: tuple[str, ...] = (
    "Die Stadt eröffnet am Montag das neue Bürgerbüro am Marktplatz.",
    "Der Oberbürgermeister begrüßt die Gäste um 10 Uhr im Rathaus.",
    "Weitere Informationen erhalten Sie unter www.example.de oder per E-Mail an presse@example.de.",
    "Die Bauarbeiten an der Brücke dauern voraussichtlich bis Ende Oktober.",
    "Für Rückfragen steht die Pressestelle gerne zur Verfügung.",
    "Das Museum zeigt ab dem 1. Juni eine Ausstellung über die Geschichte der Region.",
    "Die Teilnahme ist kostenlos, eine Anmeldung ist nicht erforderlich.",
    "Im vergangenen Jahr wurden mehr als 2.500 Anträge bearbeitet.",
    "Die Universität erhält 3,2 Millionen Euro für ein neues Forschungsprojekt.",
    "Wegen Straßenarbeiten ist die Hauptstraße vom 3. bis 7. März gesperrt.",
    "Ärztinnen und Ärzte informieren über Impfungen, Vorsorge und Öffnungszeiten.",
    "Die Schülerinnen und Schüler präsentieren ihre Projekte (Robotik, Chemie, Kunst).",
    "„Wir freuen uns auf Ihren Besuch“, sagt die Leiterin des Kulturamts.",
    "Kontakt: presse_team@example.de, https://example.de/presse/2024_06_mitteilung.html",
    "The city opens the new citizens' office on the market square on Monday.",
    "The mayor welcomes the guests at 10 a.m. in the town hall.",
    "Further information is available at www.example.de or by e-mail to presse@example.de.",
    "Construction work on the bridge is expected to last until the end of October.",
    "The press office will be happy to answer any questions.",
    "From 1 June, the museum is showing an exhibition on the history of the region.",
    "Participation is free of charge, no registration is required.",
    "Last year, more than 2,500 applications were processed.",
    "The university receives 3.2 million euros for a new research project.",
    "Due to road works, the main street is closed from 3 to 7 March.",
    "Doctors provide information about vaccinations, check-ups and opening hours.",
    "The pupils present their projects (robotics, chemistry, art).",
    '"We look forward to your visit," says the head of the cultural office.',
    "시는 월요일 시장 광장에 새 시민 사무소를 엽니다.",
    "시장은 오전 10시에 시청에서 손님을 맞이합니다.",
    "자세한 내용은 www.example.de 또는 presse@example.de 이메일로 문의하십시오.",
    "다리 공사는 10월 말까지 계속될 예정입니다.",
    "언론 담당 부서가 질문에 기꺼이 답변해 드립니다.",
    "박물관은 6월 1일부터 지역의 역사에 관한 전시회를 엽니다.",
    "참가는 무료이며 사전 등록은 필요하지 않습니다.",
    "작년에는 2,500건 이상의 신청이 처리되었습니다.",
    "대학교는 새로운 연구 프로젝트를 위해 320만 유로를 받습니다.",
    "도로 공사로 인해 중심가는 3월 3일부터 7일까지 통제됩니다.",
    "의사들이 예방 접종, 건강 검진 및 진료 시간에 대해 안내합니다.",
    "학생들이 로봇공학, 화학, 미술 프로젝트를 발표합니다.",
)

_NEVER = -1.0e4  # output bias for tokens a trained model would never emit


def build_package(
    out_file: Path,
    from_code: str,
    to_code: str,
    *,
    shape: ModelShape = TINY,
    version: str = "1.0",
    seed: int = 0,
    training_text: Iterable[str] | None = None,
    demo: bool = True,
) -> Path:
    """Write a random-weight ``.argosmodel`` for ``from_code`` → ``to_code`` and return its path.

    The same arguments give the same package contents (seeded weights, same tokenizer).
    """
    text = [line for line in (training_text or DEFAULT_TRAINING_TEXT) if line.strip()]
    sp_model = train_sentencepiece(text, shape.vocab_size - 1)
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocabulary = pieces + ["<blank>"]
    vocabulary += [f"<extra_{i}>" for i in range(shape.vocab_size - len(vocabulary))]
    never = [i for i, token in enumerate(vocabulary) if token in ("<unk>", "<s>", "<blank>")]
    never += range(len(pieces) + 1, len(vocabulary))

    spec = random_transformer(shape, np.random.default_rng(seed), never)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")  # as Argos' own conversion does

    from_name = LANGUAGE_NAMES.get(from_code, from_code)
    to_name = LANGUAGE_NAMES.get(to_code, to_code)
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_name,
        "to_code": to_code,
        "to_name": to_name,
        "code": f"translate-{from_code}_{to_code}",
        "type": "translate",
        "links": [],
        "pressroom_demo": demo,
    }
    readme = (
        f"# Synthetic {from_name} → {to_name} package (pressroom)\n\n"
        "This is a synthetic package with random weights built by `pressroom.demo.synthetic`. "
        "It has the layout of a real Argos Translate package but its output is gibberish, "
        "not a translation. Use it for tests, benchmarks and the demo mode only.\n"
    )
    top = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".synthetic-", dir=out_file.parent) as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        partial = Path(tmp) / "package.argosmodel"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2) + "\n")
            archive.writestr(f"{top}/README.md", readme)
            archive.writestr(f"{top}/sentencepiece.model", sp_model)
            for path in sorted(model_dir.iterdir()):
                # Random int8 weights do not compress: storing them saves seconds on BASE.
                method = zipfile.ZIP_STORED if path.name == "model.bin" else zipfile.ZIP_DEFLATED
                archive.write(path, f"{top}/model/{path.name}", compress_type=method)
        os.replace(partial, out_file)
    return out_file


def train_sentencepiece(text: list[str], vocab_size: int) -> bytes:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,  # deterministic piece order
        minloglevel=2,
    )
    return model.getvalue()


def random_transformer(
    shape: ModelShape, rng: np.random.Generator, never: list[int], *, tied_embeddings: bool = False
) -> TransformerSpec:
    """A pre-norm Transformer (the Argos/OpenNMT-py architecture) with seeded random weights.

    ``tied_embeddings``: one matrix for the source and target embeddings and the output
    projection, as M2M100 and NLLB-200 have (CTranslate2 stores it once), so a model of their
    shape has their size on disk and in memory.
    """
    d = shape.d_model
    spec = TransformerSpec.from_config(shape.layers, shape.heads)

    def matrix(rows: int, cols: int) -> np.ndarray:
        return rng.standard_normal((rows, cols), dtype=np.float32) * np.float32(cols**-0.5)

    def linear(layer: common_spec.LinearSpec, rows: int, cols: int) -> None:
        layer.weight = matrix(rows, cols)
        layer.bias = np.zeros(rows, dtype=np.float32)

    def norm(layer: common_spec.LayerNormSpec) -> None:
        layer.gamma = np.ones(d, dtype=np.float32)
        layer.beta = np.zeros(d, dtype=np.float32)

    def attention(layer: attention_spec.MultiHeadAttentionSpec, self_attention: bool) -> None:
        norm(layer.layer_norm)
        if self_attention:  # fused query/key/value, then output
            shapes = [(3 * d, d), (d, d)]
        else:  # query, fused key/value over the encoder output, then output
            shapes = [(d, d), (2 * d, d), (d, d)]
        for sub, (rows, cols) in zip(layer.linear, shapes, strict=True):
            linear(sub, rows, cols)

    def feed_forward(layer: transformer_spec.FeedForwardSpec) -> None:
        norm(layer.layer_norm)
        linear(layer.linear_0, shape.ffn, d)
        linear(layer.linear_1, d, shape.ffn)

    for stack in (spec.encoder, spec.decoder):
        norm(stack.layer_norm)
        for layer in stack.layer:
            attention(layer.self_attention, self_attention=True)
            if stack is spec.decoder:
                attention(layer.attention, self_attention=False)
            feed_forward(layer.ffn)
    spec.encoder.embeddings[0].weight = matrix(shape.vocab_size, d)
    if tied_embeddings:
        spec.decoder.embeddings.weight = spec.encoder.embeddings[0].weight
        spec.decoder.projection.weight = spec.encoder.embeddings[0].weight
        spec.decoder.projection.bias = np.zeros(shape.vocab_size, dtype=np.float32)
    else:
        spec.decoder.embeddings.weight = matrix(shape.vocab_size, d)
        linear(spec.decoder.projection, shape.vocab_size, d)
    spec.decoder.projection.bias[never] = _NEVER
    return spec
