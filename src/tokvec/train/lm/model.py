"""The tiny GPT itself: causal self-attention, the pre-LayerNorm block and ``TinyGPT`` (GPT-2's layout).

Token embedding + position embedding (learned, or the fixed sinusoidal table of ``tokvec.layers``),
pre-LayerNorm blocks of causal self-attention and a 4x GELU MLP, a final LayerNorm, and a linear
head onto the vocabulary whose weight is, by default, the token-embedding matrix itself (tied).
Weights start as N(0, 0.02) (residual projections 0.02 / sqrt(2 * layers)), seeded.

Deliberately left out: training, data and files (``trainer``, ``data``, ``checkpoint``), KV-cached
generation, and flash/fused kernels beyond ``scaled_dot_product_attention``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..._plumbing.optional import require
from ...errors import InvalidArgumentError
from ...layers import sinusoidal_table
from .config import LMConfig

torch = require("torch", "lm", "training the tiny GPT")
F = torch.nn.functional
nn = torch.nn

__all__ = ["Block", "CausalSelfAttention", "TinyGPT"]


class CausalSelfAttention(nn.Module):
    def __init__(self, config: LMConfig):
        super().__init__()
        self.heads = config.heads
        self.dropout = config.dropout
        self.qkv = nn.Linear(config.dim, 3 * config.dim)
        self.proj = nn.Linear(config.dim, config.dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape  # (B, T, C)
        q, k, v = self.qkv(x).split(c, dim=2)  # 3 x (B, T, C)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))  # (B, H, T, D)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0)
        return self.proj(y.transpose(1, 2).reshape(b, t, c))  # (B, H, T, D) -> (B, T, H, D) -> (B, T, C)


class Block(nn.Module):
    """Pre-LayerNorm transformer block: ``x + attn(ln(x))`` then ``x + mlp(ln(x))``."""

    def __init__(self, config: LMConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(config.dim)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.dim)
        self.mlp = nn.Sequential(nn.Linear(config.dim, config.mlp_ratio * config.dim), nn.GELU(),
                                 nn.Linear(config.mlp_ratio * config.dim, config.dim))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))


class TinyGPT(nn.Module):
    """Decoder-only transformer; ``forward(ids, targets)`` returns ``(logits, loss)``.

    >>> m = TinyGPT(LMConfig(dim=16, heads=2, layers=1, context=8), vocab_size=50)
    >>> logits, loss = m(torch.zeros(2, 8, dtype=torch.long))
    >>> tuple(logits.shape), loss is None, m.head.weight is m.tok.weight
    ((2, 8, 50), True, True)
    """

    def __init__(self, config: LMConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.tok = nn.Embedding(vocab_size, config.dim)
        if config.positions == "learned":
            self.pos: nn.Embedding | None = nn.Embedding(config.context, config.dim)
        else:
            self.pos = None
            self.register_buffer("pos_table", torch.from_numpy(sinusoidal_table(config.context, config.dim)),
                                 persistent=False)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.norm = nn.LayerNorm(config.dim)
        self.head = nn.Linear(config.dim, vocab_size, bias=False)
        if config.tie:
            self.head.weight = self.tok.weight
        self._init_weights(torch.Generator().manual_seed(config.seed))

    def _init_weights(self, generator: torch.Generator) -> None:
        residual_std = 0.02 / math.sqrt(2 * self.config.layers)
        for name, module in self.named_modules():
            if isinstance(module, (nn.Linear, nn.Embedding)) and not (module is self.head and self.config.tie):
                std = residual_std if name.endswith(("attn.proj", "mlp.2")) else 0.02
                nn.init.normal_(module.weight, 0.0, std, generator=generator)
                if getattr(module, "bias", None) is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        t = ids.shape[1]  # ids: (B, T)
        if t > self.config.context:
            raise InvalidArgumentError(f"sequence length {t} exceeds the context length {self.config.context}")
        pos = self.pos.weight[:t] if self.pos is not None else self.pos_table[:t]
        x = self.drop(self.tok(ids) + pos)  # (B, T, C) + (T, C)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.norm(x))  # (B, T, V)
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))  # (B*T, V), (B*T,)

    def num_parameters(self) -> int:
        """Trainable parameters, the tied matrix counted once."""
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def generate(self, ids: Sequence[int], new_tokens: int, *, temperature: float = 0.8, top_k: int | None = 40,
                 seed: int = 0) -> list[int]:
        """Sample ``new_tokens`` continuation ids of ``ids`` (seeded; temperature and top-k)."""
        was_training = self.training
        self.eval()
        generator = torch.Generator().manual_seed(seed)
        out = list(ids)
        for _ in range(new_tokens):
            window = torch.tensor([out[-self.config.context:]], dtype=torch.long,
                                  device=self.tok.weight.device)  # (1, T)
            logits = self(window)[0][0, -1].float().cpu() / max(temperature, 1e-6)  # (1, T, V) -> (V,)
            if top_k is not None and top_k < logits.numel():
                logits[logits < torch.topk(logits, top_k).values[-1]] = -math.inf
            out.append(int(torch.multinomial(torch.softmax(logits, -1), 1, generator=generator)))
        self.train(was_training)
        return out[len(ids):]
