"""Plain command-line values coerced without pydantic: the same values typer's coercion gives, cheaper.

Typer (0.20 and later) coerces every parameter value through a pydantic ``TypeAdapter``: the first
value of a run imports pydantic and builds a schema per parameter, 0.1-0.2 s of every ``tokvec``
command, more than the query itself. Most of tokvec's values are plain: a ``str``, a list of them,
an ``int`` or ``float`` written in digits within its bounds, a default that already has its type.
For those, :func:`install` gives the parameter a coercion that returns exactly what typer's would;
any other value (a sign, an exponent, out of bounds, a path, a tuple, a type it does not know)
goes to typer's own coercion, so every error message and every unusual case stays typer's.
``tests/test_cli.py`` checks both paths against typer's coercion.

Deliberately left out: parsing itself (typer/click) and anything typer would answer with an error.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, get_args, get_origin

_INT = re.compile(r"-?(0|[1-9][0-9]{0,17})")
_FLOAT = re.compile(r"-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,17})?")
_UNSET = object()


def _plain(annotation: Any) -> Any:
    """``X`` for ``X`` or ``X | None``; None for anything else with more than one choice."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else None
    return annotation


def _in_bounds(number: float, info: Any) -> bool:
    if getattr(info, "clamp", False):
        return False
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    return (low is None or number >= low) and (high is None or number <= high)


def quick_value(annotation: Any, info: Any, value: Any) -> Any:
    """The coerced ``value`` when it is plain (see the module docstring), else ``_UNSET``."""
    kind = _plain(annotation)
    if kind is str:
        return value if isinstance(value, str) else _UNSET
    if get_origin(kind) is list and get_args(kind) == (str,):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        return _UNSET
    if kind is int or kind is float:
        if isinstance(value, str) and (_INT if kind is int else _FLOAT).fullmatch(value):
            number = kind(value)
        elif type(value) is int or (kind is float and type(value) is float):
            number = kind(value)
        else:
            return _UNSET
        return number if _in_bounds(number, info) else _UNSET
    return _UNSET


class _Quick:
    """A parameter's coercion: plain values here, the rest through typer's own (built on first need)."""

    def __init__(self, param: Any):
        self.param = param
        self.descriptor = param.type_descriptor
        self.multi = param.multiple or param.nargs == -1

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if self.multi else None  # what typer's coercion returns for a missing value
        if not (self.multi and isinstance(value, str)):
            quick = quick_value(self.descriptor.annotation, self.descriptor.parameter_info, value)
            if quick is not _UNSET:
                return quick
        full = type(self.param).get_runtime_param(self.param)  # typer's: builds its pydantic adapter
        return full.coerce(value, param=param, ctx=ctx)


def install(params: list[Any]) -> list[Any]:
    """Give each typer parameter of ``params`` the quick coercion (typers without pydantic: a no-op)."""
    for param in params:
        if (hasattr(param, "type_descriptor") and hasattr(param, "_runtime_param")
                and "get_runtime_param" not in vars(param)):
            quick = _Quick(param)
            param.get_runtime_param = lambda quick=quick: quick
    return params
