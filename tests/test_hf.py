"""Transformer token matrices: MiniLM against its safetensors file, GPT-2/LLaMA-style directories."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tokvec
from tokvec import FormatError, UnknownTokenError
from tokvec.formats import hf, registry

safetensors_numpy = pytest.importorskip("safetensors.numpy")


@pytest.fixture(scope="module")
def minilm():
    return tokvec.load("minilm")


def test_minilm_matches_safetensors_row_for_row(minilm):
    from safetensors import safe_open

    with safe_open(str(registry.minilm_dir() / "model.safetensors"), framework="numpy") as f:
        expected = f.get_tensor("embeddings.word_embeddings.weight")
    assert (len(minilm), minilm.dim) == expected.shape == (30_522, 384)
    np.testing.assert_array_equal(np.asarray(minilm.matrix), expected)


def test_minilm_ids_match_vocab_txt(minilm):
    lines = (registry.minilm_dir() / "vocab.txt").read_text(encoding="utf-8").split("\n")
    for token in ("[CLS]", "[SEP]", "the", "king", "##ing", "queen"):
        assert minilm.index(token) == lines.index(token)
    assert minilm.index("[CLS]") == 101 and minilm.index("the") == 1996


def test_minilm_neighbours_and_multi_token_words(minilm):
    assert "queen" in [t for t, *_ in minilm.most_similar("king", topn=5)]
    assert minilm.pieces("tokvec") == ["to", "##k", "##ve", "##c"]
    note = minilm.explain("tokvec")
    assert note.startswith("'tokvec' is not a single token; queried as the mean of its 4 pieces")
    expected = np.asarray(minilm.matrix[[minilm.index(p) for p in ["to", "##k", "##ve", "##c"]]]).mean(axis=0)
    np.testing.assert_allclose(minilm.vector("tokvec"), expected, rtol=1e-6)
    pieces = {"to", "##k", "##ve", "##c"}
    assert not pieces & {t for t, *_ in minilm.most_similar("tokvec", topn=20)}  # pieces are excluded
    assert minilm.explain("Paris") == "'Paris' is the token 'paris'"


def test_minilm_tokenizer_encode(minilm):
    ids, tokens = minilm.tokenizer.encode("Embeddings turn ids into vectors.")
    assert tokens[:4] == ["em", "##bed", "##ding", "##s"] and len(ids) == len(tokens)
    assert [minilm.index(t) for t in tokens] == ids


def test_saved_tokvec_keeps_its_tokenizer(tmp_path, minilm):
    path = tokvec.save(minilm, tmp_path / "m.tokvec")
    back = tokvec.load(path)  # the tokenizer dir is recorded in the metadata, so it comes back
    assert back.tokenizer is not None and back.pieces("tokvec") == ["to", "##k", "##ve", "##c"]
    small = back.limit(1000)  # pieces outside the kept rows cannot be used
    with pytest.raises(UnknownTokenError, match="'tokvec' is not in the vocabulary"):
        small.vector("tokvec")


def _tiny_bpe_dir(tmp_path, tensor_name, dtype, kind):
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    corpus = ["the king and the queen", "kings rule the kingdom", "hello world", "the cat sat"] * 20
    if kind == "byte":
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                      special_tokens=["<|endoftext|>"])
    else:
        tok = Tokenizer(models.BPE(unk_token="<unk>"))
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        trainer = trainers.BpeTrainer(vocab_size=120, special_tokens=["<unk>", "<s>"])
    tok.train_from_iterator(corpus, trainer)
    assert tokenizers is not None
    directory = tmp_path / f"model-{kind}"
    directory.mkdir()
    tok.save(str(directory / "tokenizer.json"))
    n = tok.get_vocab_size() + 3  # padded rows, as real models have
    weight = np.random.default_rng(0).standard_normal((n, 8)).astype(np.float32)
    if dtype == "bf16":
        bits = (weight.view(np.uint32) >> 16).astype(np.uint16)
        weight = (bits.astype(np.uint32) << 16).view(np.float32)
        _write_bf16(directory / "model.safetensors", tensor_name, bits)
    else:
        safetensors_numpy.save_file({tensor_name: weight, "lm_head.weight": weight,
                                     "transformer.wpe.weight": np.ones((4, 8), np.float32)},
                                    str(directory / "model.safetensors"))
    (directory / "config.json").write_text(json.dumps({"model_type": "test"}))
    return directory, tok, weight


def _write_bf16(path, name, bits):
    import struct

    header = {name: {"dtype": "BF16", "shape": list(bits.shape), "data_offsets": [0, bits.nbytes]}}
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    path.write_bytes(struct.pack("<Q", len(blob)) + blob + bits.tobytes())


def test_gpt2_style_byte_level_dir(tmp_path):
    directory, tok, weight = _tiny_bpe_dir(tmp_path, "transformer.wte.weight", "f32", "byte")
    v = tokvec.load(directory)
    assert v.metadata["tensor"] == "transformer.wte.weight" and v.metadata["tokenizer_kind"] == "byte-bpe"
    np.testing.assert_array_equal(np.asarray(v.matrix), weight)
    raw = "Ġking"
    assert raw in v and v.display(raw) == " king"
    assert v.vector(" king").tolist() == v[raw].tolist()  # readable form accepted
    assert v.token(len(v) - 1).startswith("<|unnamed row")
    np.testing.assert_array_equal(hf.position_table(directory), np.ones((4, 8), np.float32))


def test_llama_style_bf16_sentencepiece_dir(tmp_path):
    directory, tok, weight = _tiny_bpe_dir(tmp_path, "model.embed_tokens.weight", "bf16", "metaspace")
    v = hf.load_model_dir(directory)
    np.testing.assert_array_equal(np.asarray(v.matrix), weight)
    assert v.metadata["tokenizer_kind"] == "sentencepiece"
    assert "▁king" in v and v.display("▁king") == " king"
    assert v.index(tok.token_to_id("▁the") and "▁the") == tok.token_to_id("▁the")


def test_import_model_cli_round_trip(tmp_path, capsys):
    from tokvec.cli import main

    directory, _, weight = _tiny_bpe_dir(tmp_path, "transformer.wte.weight", "f32", "byte")
    assert main(["import-model", str(directory), str(tmp_path / "gpt.tokvec"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["tensor"] == "transformer.wte.weight" and info["position_tensor"] == "transformer.wpe.weight"
    back = tokvec.load(tmp_path / "gpt.tokvec")
    np.testing.assert_array_equal(np.asarray(back.matrix), weight)
    assert main(["tokens", "the king", "-m", str(tmp_path / "gpt.tokvec"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["readable"] for r in rows][-1] == " king"


def test_hf_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FormatError, match="holds no model weights"):
        hf.load_model_dir(tmp_path / "empty")
    d = tmp_path / "odd"
    d.mkdir()
    safetensors_numpy.save_file({"encoder.layer.0.weight": np.zeros((2, 2), np.float32)}, str(d / "model.safetensors"))
    (d / "vocab.txt").write_text("a\nb\n")
    with pytest.raises(FormatError, match="no token-embedding tensor found.*encoder.layer.0.weight"):
        hf.load_model_dir(d)
    safetensors_numpy.save_file({"wte.weight": np.zeros((1, 2), np.float32)}, str(d / "model.safetensors"))
    with pytest.raises(FormatError, match="the tokenizer has 2 tokens .* but the embedding matrix has only 1 rows"):
        hf.load_model_dir(d)


def test_unknown_token_in_plain_vectors_has_no_pieces(glove):
    with pytest.raises(UnknownTokenError):
        glove.pieces("qwzxv")
