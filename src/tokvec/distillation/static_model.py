"""``distill(teacher, dim, vocabulary, corpus=)``: the whole distillation, from a teacher directory to ``Vectors``.

Reads the teacher's ``tokenizer.json`` (its ids become the rows), adds the words of your ``vocabulary`` that
are not single tokens (WordPiece/WordLevel teachers: a new id each, so the tokenizer matches them whole),
runs ``steps.forward``, ``pca`` and ``weights``, and attaches the tokenizer (the teacher's own, or
the extended one, written once to ``$TOKVEC_HOME/distill/<hash>/tokenizer.json``). With a ``corpus``, PCA is
fitted on the teacher's vectors of its texts and the rows are fitted to them (``fitting``).

Deliberately left out: the steps themselves (``steps``, ``fitting``) and writing folders (``tokvec.formats``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._plumbing.files import atomic_write, cache_dir
from .._plumbing.optional import require
from ..encode import token_rows
from ..errors import CorpusTooSmallError, FormatError, InvalidArgumentError
from ..formats.hf import Tokenizer, read_json, read_vocab, tokenizer_kind
from ..vectors import Vectors
from .fitting import Corpus, FitConfig, FitReport, fit_rows, read_corpus, sif_weights
from .steps import DistillConfig, Progress, forward, pca, principal_components, project, weights
from .teacher import Teacher, find_teacher, special_ids


def read_vocabulary(path: str | os.PathLike[str]) -> tuple[list[str], np.ndarray | None]:
    """Words (one a line) and their counts (``word<TAB or space>count``; None when no line has one).

    An empty or undecodable file is one clear ``FormatError``.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path} is not UTF-8 text (byte {exc.start:,}); give a vocabulary file of one word a "
                          "line") from None
    except OSError as exc:
        raise FormatError(f"cannot read vocabulary file {path}: {exc.strerror}") from None
    words, counts = [], []
    for line in text.splitlines():
        parts = line.strip().rsplit(None, 1)
        if not parts:
            continue
        count = parts[1] if len(parts) == 2 and parts[1].isdigit() else None
        words.append(parts[0] if count is not None else line.strip())
        counts.append(int(count) if count is not None else 0)
    if not words:
        raise FormatError(f"{path} holds no words; give a vocabulary file of one word a line")
    return words, (np.array(counts, dtype=np.float64) if any(counts) else None)


def _extend(spec: dict, backend, words: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    """Add each word that is one pre-token but several tokens to ``spec``'s vocab; (new words, their pieces)."""
    vocab = spec.get("model", {}).get("vocab")
    if spec.get("model", {}).get("type") not in ("WordPiece", "WordLevel") or not isinstance(vocab, dict):
        raise InvalidArgumentError("a vocabulary of your own needs a WordPiece or WordLevel teacher (BERT, "
                                   "MiniLM); this tokenizer cannot take new whole-word tokens")
    normalizer, pre = backend.normalizer, backend.pre_tokenizer
    next_id = max([*vocab.values(), *(a["id"] for a in spec.get("added_tokens") or [])], default=-1) + 1
    added, pieces = [], []
    for word in dict.fromkeys(words):
        form = normalizer.normalize_str(word) if normalizer is not None else word
        split = pre.pre_tokenize_str(form) if pre is not None else [(form, None)]
        if len(split) != 1 or split[0][0] in vocab:
            continue
        vocab[split[0][0]] = next_id
        next_id += 1
        added.append(split[0][0])
        pieces.append(backend.encode(word, add_special_tokens=False).ids)
    return added, pieces


def _tokenizer_dir(teacher: Teacher, spec: dict, extended: bool) -> Path:
    """Where the static model's tokenizer.json lies: the teacher's, or the extended one (written once)."""
    if not extended:
        return teacher.directory
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    directory = cache_dir() / "distill" / hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    if not (directory / "tokenizer.json").is_file():
        with atomic_write(directory / "tokenizer.json") as f:
            f.write(text.encode("utf-8"))
    return directory


def _hidden_size(teacher: Teacher) -> int:
    config = read_json(teacher.directory / "config.json")
    size = config.get("hidden_size", config.get("d_model", config.get("n_embd")))
    if not isinstance(size, int):
        raise FormatError(f"{teacher.directory}/config.json names no hidden_size; not an encoder model directory")
    return size


def distill(teacher: str | os.PathLike[str] = "minilm", dim: int = 256, vocabulary: Sequence[str] | None = None, *,
            counts: Sequence[float] | np.ndarray | None = None, corpus: Corpus | None = None,
            fit: FitConfig | None = None, config: DistillConfig | None = None,
            progress: Progress | None = None) -> Vectors:
    """A static sentence encoder from ``teacher`` (a directory, or ``"minilm"``) as ``Vectors`` (row = token id).

    ``dim`` is the PCA dimension (at most the teacher's); ``vocabulary`` adds words of your own, ``counts`` (one
    per vocabulary word) allow ``weighting="sif"``; ``config`` holds the other settings (``DistillConfig``;
    its ``dim`` is replaced by ``dim``). ``corpus`` (a text file, one text a line, or a list of texts) fits the
    rows to the teacher's vectors of those texts (``FitConfig`` in ``fit``; see ``tokvec.distillation.fitting``).
    ``progress(stage, done, total)`` reports ``"tokens"``, then ``"texts"`` and ``"epochs"`` with a corpus.
    ``v.encode(texts)`` then encodes sentences.

    >>> v = distill("minilm", dim=256)                   # doctest: +SKIP
    >>> v.encode(["a cat sat on the mat"]).shape         # doctest: +SKIP
    (1, 256)
    >>> fitted = distill("minilm", 256, corpus="texts.txt", fit=FitConfig(epochs=10))  # doctest: +SKIP
    """
    found = find_teacher(teacher)
    config = DistillConfig(**{**(config or DistillConfig()).__dict__, "dim": dim})
    if fit is not None and corpus is None:
        raise InvalidArgumentError("fit= holds the settings of fitting to a corpus; pass corpus= too (a text file, "
                                   "one text a line, or a list of texts)")
    texts = read_corpus(corpus) if corpus is not None else None
    fit = fit or FitConfig()
    hidden = _hidden_size(found)
    if dim > hidden:
        raise InvalidArgumentError(f"dim {dim} is larger than the teacher's {hidden} dimensions; PCA can only "
                                   f"reduce them: use --dim {hidden} or less")
    tokenizers = require("tokenizers", "hf", "distilling a transformer")
    backend = tokenizers.Tokenizer.from_file(str(found.directory / "tokenizer.json"))
    before, after = special_ids(backend)
    spec = read_json(found.directory / "tokenizer.json")
    tokens, _ = read_vocab(found.directory)
    added, pieces = _extend(spec, backend, vocabulary) if vocabulary else ([], [])
    all_tokens = tokens + added
    kind = tokenizer_kind(spec)
    tokenizer = Tokenizer(_tokenizer_dir(found, spec, bool(added)), kind)
    if texts is not None:  # a bad corpus fails before the long forward pass over the vocabulary
        texts, student = _readable(texts, all_tokens, tokenizer, dim)
    sequences = [[*before, i, *after] for i in range(len(tokens))] + [[*before, *p, *after] for p in pieces]
    pooling = config.pooling or found.pooling
    pooled = forward(found, sequences, pooling, config, _stage(progress, "tokens"))  # (n, hidden)
    kept = _kept(spec, all_tokens, config.remove_pattern)
    if kept.sum() <= dim:
        raise InvalidArgumentError(f"dim {dim} needs more than {dim} tokens to fit PCA; the vocabulary has "
                                   f"{int(kept.sum())}")
    row_weights = weights(kept, config, _row_counts(all_tokens, vocabulary, counts))[:, None]
    metadata = {"normalize": "true", "max_length": "512", "teacher": found.name, "apply_pca": str(dim),
                "sif_coefficient": str(config.sif_coefficient), "weighting": config.weighting,
                "pooling": pooling, "tokenizer_kind": kind, "tokenizer_dir": str(tokenizer.model_dir)}
    source = f"distilled from {found.name} ({dim} dims)"
    if texts is None:
        rows = pca(pooled, dim, kept) * row_weights
    else:
        targets = forward(found, _teacher_sequences(backend, texts, found.max_length), pooling, config,
                          _stage(progress, "texts"))  # (texts, hidden)
        rows, report = _fit(pooled, targets, row_weights, student, dim, fit, _stage(progress, "epochs"))
        metadata.update(_fit_metadata(report, fit))
        source += f", fitted on {report.texts:,} texts"
    return Vectors(all_tokens, rows.astype(np.float32), source=source, metadata=metadata, tokenizer=tokenizer)


def _stage(progress: Progress | None, stage: str):
    """``progress`` as a ``(done, total)`` callback for one stage."""
    return None if progress is None else lambda done, total: progress(stage, done, total)


def _readable(texts: list[str], tokens: list[str], tokenizer: Tokenizer,
              dim: int) -> tuple[list[str], tuple[np.ndarray, np.ndarray]]:
    """The texts that have a token the static model knows, and their rows as ``encode`` reads them."""
    probe = Vectors(tokens, np.zeros((len(tokens), 1), dtype=np.float32), metadata={"max_length": "512"},
                    tokenizer=tokenizer)
    rows, offsets = token_rows(probe, texts)
    keep = np.flatnonzero(np.diff(offsets) > 0)
    if len(keep) <= dim:
        raise CorpusTooSmallError(f"the corpus has {len(keep):,} texts with a token the model knows; fitting "
                                  f"{dim} dimensions needs more than {dim} (thousands fit well)")
    if len(keep) < len(texts):
        texts = [texts[i] for i in keep]
        rows, offsets = token_rows(probe, texts)
    return texts, (rows, offsets)


def _teacher_sequences(backend, texts: list[str], max_length: int) -> list[list[int]]:
    """Each text's ids as the teacher reads it: its specials around it, at most ``max_length`` ids."""
    backend.enable_truncation(max_length)
    try:
        return [encoding.ids for encoding in backend.encode_batch_fast(texts, add_special_tokens=True)]
    finally:
        backend.no_truncation()


def _fit(pooled: np.ndarray, targets: np.ndarray, row_weights: np.ndarray, student: tuple[np.ndarray, np.ndarray],
         dim: int, fit: FitConfig, progress) -> tuple[np.ndarray, FitReport]:
    """PCA on the texts' teacher vectors, the rows projected on it and fitted, then SIF weights from the corpus."""
    mean, components = principal_components(targets, dim)
    start = project(pooled, mean, components) * row_weights  # (n, dim)
    token_ids, offsets = student
    rows, report = fit_rows(start, token_ids, offsets, project(targets, mean, components), fit, progress)
    if fit.sif_coefficient is not None:
        rows *= sif_weights(token_ids, len(rows), fit.sif_coefficient)[:, None]
    return rows, report


def _fit_metadata(report: FitReport, fit: FitConfig) -> dict[str, str]:
    return {"fit_texts": str(report.texts), "fit_validation_texts": str(report.validation_texts),
            "fit_loss_before": f"{report.loss_before:.6f}", "fit_loss_after": f"{report.loss_after:.6f}",
            "fit_best_epoch": str(report.best_epoch), "fit_epochs": str(report.epochs),
            "fit_sif_coefficient": str(fit.sif_coefficient), "fit_seed": str(fit.seed)}


def _kept(spec: dict, tokens: list[str], remove_pattern: str | None) -> np.ndarray:
    """Rows that shape PCA and take a Zipf rank: not ``remove_pattern``'s, not a special added token other than
    the unknown and padding tokens (model2vec drops ``[CLS]``, ``[SEP]``, ``[MASK]`` from its vocabulary)."""
    pattern = re.compile(remove_pattern) if remove_pattern else None
    keep_specials = {spec.get("model", {}).get("unk_token"), (spec.get("padding") or {}).get("pad_token"),
                     "[PAD]", "<pad>"}
    specials = {a.get("content") for a in spec.get("added_tokens") or [] if a.get("special")} - keep_specials
    return np.array([t not in specials and (pattern is None or pattern.fullmatch(t) is None) for t in tokens])


def _row_counts(tokens: list[str], vocabulary: Sequence[str] | None,
                counts: Sequence[float] | np.ndarray | None) -> np.ndarray | None:
    """Counts per row from counts per vocabulary word (words that are one token count for that token)."""
    if counts is None or vocabulary is None:
        return None
    if len(counts) != len(vocabulary):
        raise InvalidArgumentError(f"counts has {len(counts):,} entries but vocabulary {len(vocabulary):,}")
    index = {t: i for i, t in enumerate(tokens)}
    out = np.zeros(len(tokens))
    for word, count in zip(vocabulary, counts):
        i = index.get(word, index.get(word.lower()))
        if i is not None:
            out[i] += float(count)
    return out
