"""The tiny GPT: it learns, its snapshots are ordinary vectors, resume is exact, and DDP keeps ranks in step."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tokenizers")

import tokvec  # noqa: E402
from tokvec.errors import InvalidArgumentError, TokvecError  # noqa: E402
from tokvec.layers import sinusoidal_table  # noqa: E402
from tokvec.train.lm import CheckpointError, LMConfig, TinyGPT, learning_rate, load_checkpoint, train_lm  # noqa: E402
from tokvec.train.lm import data as lm_data  # noqa: E402

TINY = LMConfig(vocab_size=300, context=16, dim=32, layers=2, heads=2, batch_size=8, steps=30, lr=1e-2, min_lr=1e-3,
                warmup=3, eval_every=10, snapshot_every=10, eval_batches=4, checkpoint_every=1000)


@pytest.fixture(scope="module")
def corpus(gensim_data: Path) -> Path:
    return gensim_data / "lee_background.cor"  # 300 news paragraphs, 60k words


@pytest.fixture(scope="module")
def run(corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("lm")
    return train_lm(corpus, TINY, out_dir=out, progress=False), out


def _same_history(a: list[dict], b: list[dict]) -> bool:
    def norm(h: dict) -> dict:
        return {k: ("nan" if isinstance(v, float) and math.isnan(v) else v) for k, v in h.items()}

    return [norm(h) for h in a] == [norm(h) for h in b]


def _same_weights(a, b) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# -- learning ---------------------------------------------------------------------------------------------------
def test_loss_starts_at_log_vocab_and_decreases(run):
    result, _ = run
    history = result.history
    assert [h["step"] for h in history] == [0, 10, 20, 30]
    vocab = len(result.vectors)
    assert abs(history[0]["val_loss"] - math.log(vocab)) < 0.2  # N(0, 0.02) weights: near-uniform predictions
    assert history[-1]["val_loss"] < history[0]["val_loss"] - 0.3
    assert history[-1]["train_loss"] < history[1]["train_loss"]
    assert history[-1]["tokens_seen"] == 30 * TINY.batch_size * TINY.context
    assert result.tokens_per_second > 0 and result.world_size == 1 and result.ranks_identical is None


def test_snapshots_load_as_vectors(run, corpus):
    result, out = run
    names = sorted(p.name for p in (out / "snapshots").glob("*.tokvec"))
    assert names == [f"step-{s:07d}.tokvec" for s in (0, 10, 20, 30)]
    assert [p.name for p in result.snapshots] == names
    final = tokvec.load(out / "snapshots" / names[-1])
    assert isinstance(final, tokvec.Vectors) and final.dim == TINY.dim
    assert final.tokens == result.vectors.tokens and len(final) == len(result.vectors)
    np.testing.assert_array_equal(final.matrix, result.model.tok.weight.detach().numpy())
    assert final.metadata["step"] == "30" and float(final.metadata["val_loss"]) == result.history[-1]["val_loss"]
    assert int(final.counts.sum()) == result.train_tokens
    first = tokvec.load(out / "snapshots" / names[0])  # step 0 is the seeded random initialisation
    np.testing.assert_array_equal(first.matrix, TinyGPT(TINY, len(first)).tok.weight.detach().numpy())
    assert first.metadata["train_loss"] == "nan"
    # a snapshot is ordinary vectors: queries, the tokenizer, evaluation, other formats
    assert len(final.most_similar("the", topn=3)) == 3
    pieces = final.tokenizer.encode("the minister")[1]  # a 300-token BPE splits "minister"
    assert pieces[0] == "the" and "".join(p.removeprefix("##") for p in pieces[1:]) == "minister"
    final_again = tokvec.load(out / "embeddings.tokvec")
    np.testing.assert_array_equal(final_again.matrix, final.matrix)
    tokvec.save(final, out / "final.txt")
    assert len(tokvec.load(out / "final.txt")) == len(final)


def test_same_seed_same_model_and_resume_is_exact(corpus, tmp_path, run):
    config = LMConfig(**{**TINY.__dict__, "steps": 8, "eval_every": 3, "snapshot_every": 4, "dropout": 0.1})
    whole = train_lm(corpus, config, out_dir=tmp_path / "whole", progress=False)
    with pytest.raises(KeyboardInterrupt):
        train_lm(corpus, config, out_dir=tmp_path / "split", progress=False, stop_after=5)
    saved = load_checkpoint(tmp_path / "split" / "checkpoint.pt")
    assert saved["step"] == 5
    resumed = train_lm(corpus, out_dir=tmp_path / "split", progress=False, resume=tmp_path / "split" / "checkpoint.pt")
    assert _same_weights(whole.model, resumed.model)  # bit-identical, dropout included
    assert _same_history(whole.history, resumed.history)
    for name in ("step-0000004.tokvec", "step-0000008.tokvec"):
        a, b = (tokvec.load(tmp_path / d / "snapshots" / name) for d in ("whole", "split"))
        np.testing.assert_array_equal(a.matrix, b.matrix)


def test_resume_rejects_other_corpus_or_settings(corpus, tmp_path, gensim_data):
    config = LMConfig(**{**TINY.__dict__, "steps": 4})
    with pytest.raises(KeyboardInterrupt):
        train_lm(corpus, config, out_dir=tmp_path, progress=False, stop_after=2)
    checkpoint = tmp_path / "checkpoint.pt"
    with pytest.raises(CheckpointError, match="corpus differs"):
        train_lm(gensim_data / "head500.noblanks.cor", out_dir=tmp_path, progress=False, resume=checkpoint)
    with pytest.raises(CheckpointError, match="different configuration"):
        train_lm(corpus, LMConfig(**{**config.__dict__, "lr": 5e-3}), out_dir=tmp_path, progress=False,
                 resume=checkpoint)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable"):
        train_lm(corpus, out_dir=tmp_path, progress=False, resume=tmp_path / "junk.pt")
    with pytest.raises(CheckpointError, match="does not exist"):
        train_lm(corpus, out_dir=tmp_path, progress=False, resume=tmp_path / "missing.pt")


# -- the model ---------------------------------------------------------------------------------------------------
def test_model_is_causal():
    model = TinyGPT(LMConfig(dim=32, heads=4, layers=2, context=12), vocab_size=40).eval()
    ids = torch.randint(0, 40, (2, 12), generator=torch.Generator().manual_seed(0))
    changed = ids.clone()
    changed[:, 7:] = (changed[:, 7:] + 1) % 40
    with torch.no_grad():
        a, b = model(ids)[0], model(changed)[0]
    torch.testing.assert_close(a[:, :7], b[:, :7], rtol=0, atol=1e-6)  # the past does not see the future
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_tied_untied_and_sinusoidal_positions():
    tied = TinyGPT(LMConfig(dim=16, heads=2, layers=1, context=8), vocab_size=50)
    untied = TinyGPT(LMConfig(dim=16, heads=2, layers=1, context=8, tie=False), vocab_size=50)
    assert tied.head.weight is tied.tok.weight
    assert untied.num_parameters() - tied.num_parameters() == 50 * 16
    fixed = TinyGPT(LMConfig(dim=16, heads=2, layers=1, context=8, positions="sinusoidal"), vocab_size=50)
    assert fixed.pos is None
    np.testing.assert_array_equal(fixed.pos_table.numpy(), sinusoidal_table(8, 16))
    assert tied.num_parameters() - fixed.num_parameters() == 8 * 16  # no position parameters
    with pytest.raises(InvalidArgumentError, match="exceeds the context length 8"):
        tied(torch.zeros(1, 9, dtype=torch.long))


def test_learning_rate_schedule():
    config = LMConfig(lr=1e-3, min_lr=1e-4, warmup=10, steps=110)
    rates = [learning_rate(config, s) for s in range(111)]
    assert rates[9] == pytest.approx(1e-3) and rates[110] == pytest.approx(1e-4)
    assert all(a >= b for a, b in zip(rates[10:], rates[11:]))  # monotone decay after warm-up


@pytest.mark.parametrize(("change", "message"), [
    ({"dim": 30, "heads": 4}, "divisible by heads"),
    ({"positions": "rotary"}, "learned' or 'sinusoidal"),
    ({"steps": 0}, "steps must be a positive integer"),
    ({"val_fraction": 1.5}, "val_fraction must be in"),
    ({"dropout": 1.0}, "dropout must be in"),
    ({"min_lr": 1.0}, "min_lr must be in"),
])
def test_config_errors(change, message):
    with pytest.raises(InvalidArgumentError, match=message):
        LMConfig(**change)


def test_generate_is_seeded(run):
    result, _ = run
    prompt = result.tokenizer.encode("the", add_special_tokens=False).ids
    a = result.model.generate(prompt, 10, seed=3)
    assert a == result.model.generate(prompt, 10, seed=3) and len(a) == 10
    assert all(0 <= i < len(result.vectors) for i in a)


# -- data ----------------------------------------------------------------------------------------------------------
def test_tokenizer_training_is_reproducible(corpus):
    lines = lm_data.read_lines(corpus)[0][:120]
    a, b = (lm_data.train_tokenizer(lines, 400) for _ in range(2))
    assert a.to_str() == b.to_str()
    vocab = lm_data.vocabulary(a)
    assert vocab[:2] == ["[UNK]", "[EOS]"] and len(vocab) == 400 and len(set(vocab)) == 400
    assert any(t.startswith("##") for t in vocab) and "the" in vocab
    assert a.decode(a.encode("the government said").ids) == "the government said"


def test_stream_batches_and_shards():
    stream = np.arange(1000, dtype=np.int32)
    shards = [lm_data.Batches(stream, context=8, batch_size=64, seed=5, rank=r, world=2) for r in (0, 1)]
    x0, y0 = shards[0](3)
    x1, y1 = shards[1](3)
    assert x0.shape == (64, 8) and (y0[:, :-1] == x0[:, 1:]).all() and (y0 == x0 + 1).all()
    assert x0.max() < 500 <= x1.min() and y1.max() < 1000  # rank r reads only its half
    np.testing.assert_array_equal(shards[0](3)[0], x0)  # a function of (seed, step, rank)
    assert not np.array_equal(shards[0](4)[0], x0)
    starts = lm_data.val_starts(100, 9, 4)
    assert starts.tolist() == [0, 30, 60, 90]
    assert sorted(lm_data.val_starts(100, 9, 4, 0, 2).tolist() + lm_data.val_starts(100, 9, 4, 1, 2).tolist()) == \
        starts.tolist()


def test_encode_stream_ends_every_line():
    class Fake:
        def encode_batch(self, lines, add_special_tokens):
            return [type("E", (), {"ids": [len(w) for w in line.split()]})() for line in lines]

    stream = lm_data.encode_stream(Fake(), ["a bb", "ccc"], end_id=0)
    assert stream.tolist() == [1, 2, 0, 3, 0] and stream.dtype == np.int32


def test_minilm_wordpiece_vocabulary_can_be_used(corpus, tmp_path):
    try:
        tokenizer = lm_data.load_tokenizer("minilm")
    except TokvecError as exc:
        pytest.skip(str(exc))
    assert lm_data.end_token_id(tokenizer) == tokenizer.token_to_id("[SEP]")
    config = LMConfig(**{**TINY.__dict__, "steps": 2, "eval_every": 2, "snapshot_every": 2, "dim": 16})
    result = train_lm(corpus, config, tokenizer="minilm", out_dir=tmp_path, progress=False)
    assert len(result.vectors) == 30522 and "[SEP]" in result.vectors.tokens


@pytest.mark.parametrize(("text", "message"), [
    ("", "no text"),
    ("just one line\n", "at least 2 are needed"),
    ("a b\nc d\n", "window needs context"),
])
def test_small_corpus_errors(tmp_path, text, message):
    path = tmp_path / "tiny.txt"
    path.write_text(text)
    with pytest.raises(TokvecError, match=message):
        train_lm(path, LMConfig(**{**TINY.__dict__, "steps": 2}), progress=False)


def test_missing_inputs_errors(tmp_path, corpus):
    with pytest.raises(TokvecError, match="does not exist"):
        train_lm(tmp_path / "nope.txt", TINY, progress=False)
    with pytest.raises(TokvecError, match="no tokenizer at"):
        train_lm(corpus, TINY, tokenizer=tmp_path / "nope.json", progress=False)


# -- the command line ----------------------------------------------------------------------------------------------
def test_cli_train_lm(corpus, tmp_path):
    from typer.testing import CliRunner

    from tokvec.cli import app

    args = ["train-lm", str(corpus), "-o", str(tmp_path / "run"), "--steps", "4", "--vocab-size", "300",
            "--context", "16", "--dim", "32", "--layers", "1", "--heads", "2", "--batch-size", "8",
            "--eval-every", "2", "--snapshot-every", "2", "--warmup", "1", "--snapshots", str(tmp_path / "snaps")]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert [h["step"] for h in info["history"]] == [0, 2, 4] and info["world_size"] == 1
    assert sorted(p.name for p in (tmp_path / "snaps").glob("*.tokvec")) == \
        ["step-0000000.tokvec", "step-0000002.tokvec", "step-0000004.tokvec"]
    assert isinstance(info["sample"], str) and info["sample"].startswith("the")
    shutil.rmtree(tmp_path / "run")
    text = CliRunner().invoke(app, [*args, "--quiet"])
    assert text.exit_code == 0, text.output
    assert "val loss" in text.output and "tokvec watch" in text.output


# -- several processes ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_LOOPBACK_ONLY = """
import fcntl, os, socket, struct, sys
# inside a fresh network namespace only the loopback interface exists, and it is down: bring it up
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    fcntl.ioctl(s, 0x8914, struct.pack("16sh", b"lo", 0x1 | 0x8 | 0x40))  # SIOCSIFFLAGS: UP, LOOPBACK, RUNNING
os.execv(sys.argv[1], sys.argv[1:])
"""


def _network_namespace() -> list[str] | None:
    """A prefix that runs a command in its own network namespace (nothing but loopback), if allowed here."""
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-rn", sys.executable, "-c", _LOOPBACK_ONLY, sys.executable, "-c", "0"],
                           capture_output=True, timeout=30)
    return ["unshare", "-rn", sys.executable, "-c", _LOOPBACK_ONLY] if probe.returncode == 0 else None


def test_torchrun_two_processes_keep_identical_weights(corpus, tmp_path):
    """torchrun's rendezvous store listens on every interface; a private network namespace keeps it on loopback."""
    prefix = _network_namespace()
    if prefix is None:
        pytest.skip("cannot create a network namespace (unshare -rn) to keep torchrun's store on loopback")
    out = tmp_path / "ddp"
    command = [*prefix, sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2",
               "--master_addr", "127.0.0.1", "--master_port", str(_free_port()), "-m", "tokvec", "train-lm",
               str(corpus), "-o", str(out), "--steps", "6", "--vocab-size", "300", "--context", "16", "--dim", "32",
               "--layers", "2", "--heads", "2", "--batch-size", "8", "--eval-every", "3", "--snapshot-every", "3",
               "--warmup", "2", "--threads", "1", "--json"]
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-4000:]}\n{done.stdout[-500:]}"
    info = json.loads(done.stdout)  # only rank 0 prints
    assert info["world_size"] == 2 and info["ranks_identical"] is True
    assert [h["step"] for h in info["history"]] == [0, 3, 6]
    assert info["history"][-1]["tokens_seen"] == 6 * 8 * 16 * 2  # global batch = batch size x processes
    assert info["history"][-1]["val_loss"] < info["history"][0]["val_loss"]
    snapshots = sorted(p.name for p in (out / "snapshots").iterdir())
    assert snapshots == ["step-0000000.tokvec", "step-0000003.tokvec", "step-0000006.tokvec", "tokenizer.json"]
    assert not list(out.rglob("*.tmp"))
    final = tokvec.load(out / "snapshots" / "step-0000006.tokvec")
    saved = load_checkpoint(out / "checkpoint.pt")
    assert saved["world_size"] == 2 and saved["step"] == 6
    np.testing.assert_array_equal(final.matrix, saved["model"]["tok.weight"].numpy())


def test_compressed_corpus_is_read_transparently(tmp_path):
    from importlib import resources

    with resources.as_file(resources.files("tokvec") / "data" / "wordnet-glosses.txt.gz") as path:
        lines, replaced = lm_data.read_lines(path)
    assert len(lines) == 23_856 and replaced == 0 and sum(len(line.split()) for line in lines) == 300_003
    (tmp_path / "plain.txt").write_text("\n".join(lines[:50]) + "\n\n")
    assert lm_data.read_lines(tmp_path / "plain.txt") == (lines[:50], 0)
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 ok\n\xff\xfe two\n")
    assert lm_data.read_lines(tmp_path / "bad.txt") == (["caf\ufffd ok", "\ufffd\ufffd two"], 3)


def test_resume_from_step_zero_and_from_an_older_checkpoint(corpus, tmp_path):
    config = LMConfig(**{**TINY.__dict__, "steps": 6, "eval_every": 2, "snapshot_every": 2})
    with pytest.raises(KeyboardInterrupt):
        train_lm(corpus, config, out_dir=tmp_path, progress=False, stop_after=0)
    checkpoint = tmp_path / "checkpoint.pt"
    shutil.copy(checkpoint, tmp_path / "at-0.pt")
    first = train_lm(corpus, out_dir=tmp_path, progress=False, resume=checkpoint)
    assert [h["step"] for h in first.history] == [0, 2, 4, 6]
    # resuming from an older checkpoint re-writes later snapshots; each step is listed once
    again = train_lm(corpus, out_dir=tmp_path, progress=False, resume=tmp_path / "at-0.pt")
    assert [p.name for p in again.snapshots] == [f"step-{s:07d}.tokvec" for s in (0, 2, 4, 6)]
    assert _same_weights(first.model, again.model) and _same_history(first.history, again.history)


def test_resume_on_another_number_of_processes_counts_tokens(corpus, tmp_path):
    config = LMConfig(**{**TINY.__dict__, "steps": 4, "eval_every": 2, "snapshot_every": 2})
    with pytest.raises(KeyboardInterrupt):
        train_lm(corpus, config, out_dir=tmp_path, progress=False, stop_after=2)
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    state["world_size"], state["tokens_seen"] = 2, 2 * 2 * TINY.batch_size * TINY.context  # as if 2 ranks ran
    torch.save(state, tmp_path / "two.pt")
    result = train_lm(corpus, out_dir=tmp_path, progress=False, resume=tmp_path / "two.pt")
    assert any("not bit-identical" in note for note in result.notes)
    assert result.history[-1]["tokens_seen"] == (2 * 2 + 2) * TINY.batch_size * TINY.context


def test_snapshots_of_a_byte_level_tokenizer_resolve_words(corpus, tmp_path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train([str(corpus)], trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                                       show_progress=False))
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    config = LMConfig(**{**TINY.__dict__, "steps": 2, "eval_every": 2, "snapshot_every": 2})
    result = train_lm(corpus, config, tokenizer=tmp_path / "tokenizer.json", out_dir=tmp_path / "run",
                      progress=False)
    snapshot = tokvec.load(result.snapshots[-1])
    assert snapshot.metadata["tokenizer_kind"] == "byte-bpe" and "Ġthe" in snapshot.tokens
    assert snapshot.pieces("the") == ["Ġthe"]  # the readable word finds its byte-level token


def test_vocab_size_below_the_alphabet_is_noted(corpus):
    config = LMConfig(**{**TINY.__dict__, "vocab_size": 40, "steps": 1, "eval_every": 1, "snapshot_every": 1})
    result = train_lm(corpus, config, progress=False)
    assert len(result.vectors) > 40 and any("more than vocab_size=40" in note for note in result.notes)


def test_cli_errors_are_one_line(corpus, tmp_path, capsys):
    from tokvec.cli import main

    small = ["--steps", "2", "--vocab-size", "300", "--dim", "16", "--layers", "1", "--heads", "2", "--context", "8",
             "--batch-size", "4", "--eval-every", "2", "--snapshot-every", "2", "--quiet"]
    (tmp_path / "afile").write_text("x")
    cases = [
        ([*small, "-o", str(tmp_path / "afile")], "exists and is not a directory"),
        ([*small, "-o", str(tmp_path / "r1"), "--tokenizer", str(corpus)], "is not a Hugging Face tokenizer.json"),
        (["-o", str(tmp_path / "r2"), "--resume", str(tmp_path / "afile")], "not a readable tokvec LM checkpoint"),
    ]
    for args, message in cases:
        assert main(["train-lm", str(corpus), *args]) == 1
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) <= 3, err
    assert main(["train-lm", str(corpus), *small, "-o", str(tmp_path / "ok"), "--sample", " "]) == 0
    capsys.readouterr()
    assert main(["train-lm", str(corpus), "-o", str(tmp_path / "ok"), "--steps", "9",
                 "--resume", str(tmp_path / "ok" / "checkpoint.pt")]) == 1
    assert "drop --steps" in capsys.readouterr().err
    assert main(["train-lm", str(corpus), *small, "-o", str(tmp_path / "t"), "--threads", "0"]) == 2  # usage error


_DDP_SCRIPT = """
import json, sys
from tokvec.train.lm import LMConfig, train_lm
corpus, out, mode = sys.argv[1:4]
config = LMConfig(vocab_size=300, context=16, dim=32, layers=2, heads=2, batch_size=8, steps=6, lr=1e-2,
                  warmup=2, eval_every=2, snapshot_every=2, eval_batches=4, checkpoint_every=1000)
try:
    if mode == "resume":
        r = train_lm(corpus, out_dir=out, progress=False, threads=1, resume=out + "/checkpoint.pt")
    else:
        r = train_lm(corpus, config, out_dir=out, progress=False, threads=1, stop_after=3 if mode == "stop" else None)
except KeyboardInterrupt:
    r = None
if r is not None and r.rank == 0:
    print(json.dumps({"history": r.history, "identical": r.ranks_identical, "digest": __import__(
        "tokvec.train.lm", fromlist=["weights_digest"]).weights_digest(r.model)}))
# the run is over (the process group was torn down in train_lm); skip interpreter teardown, where gloo's threads
# have been seen to abort a rank under a loaded test suite ("terminate called without an active exception")
sys.stdout.flush(); sys.stderr.flush()
import os; os._exit(0)
"""


def test_torchrun_resume_is_exact(corpus, tmp_path):
    prefix = _network_namespace()
    if prefix is None:
        pytest.skip("cannot create a network namespace (unshare -rn) to keep torchrun's store on loopback")
    script = tmp_path / "ddp.py"
    script.write_text(_DDP_SCRIPT)
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}

    def launch(out: str, mode: str) -> str:
        command = [*prefix, sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2",
                   "--master_addr", "127.0.0.1", "--master_port", str(_free_port()), str(script), str(corpus),
                   str(tmp_path / out), mode]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-4000:]}\n{done.stdout[-500:]}"
        return done.stdout

    whole = json.loads(launch("whole", "whole"))
    assert launch("split", "stop") == ""
    resumed = json.loads(launch("split", "resume"))
    assert whole["identical"] is True and resumed["identical"] is True
    assert resumed["digest"] == whole["digest"]  # the same weights, bit for bit
    assert _same_history(whole["history"], resumed["history"])  # losses gathered from both ranks
