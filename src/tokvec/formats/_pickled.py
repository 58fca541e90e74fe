"""A pickle reader that runs nothing: allowed classes become plain records, numpy arrays become arrays.

Python's pickle calls whatever a file names (``os.system``, ``builtins.eval``, ...) while it loads.
``load`` reads a pickle with the standard library's pure-Python unpickler, whose ``find_class`` answers
only from fixed tables: each allowed class becomes a ``Record`` subclass (the class's name and the state
the pickle gives it; the class itself is never imported and none of its code runs); numpy's array,
dtype and scalar helpers become ``PickledArray``/``PickledDtype`` and functions that check the bytes and
rebuild a plain numeric array (never an object array); a random generator's state and ``hash`` become
``Ignored``; anything else is refused with ``UnsafeFileError`` before it is called. BUILD applies a state
only to these stand-ins, and persistent ids, the copyreg extension registry and out-of-band buffers are
refused. The pure-Python unpickler keeps its memo in a dict, so a forged memo index allocates nothing
(the C unpickler would allocate a table that large), and every length is read before it is allocated.

>>> import io, pickle
>>> data = pickle.dumps({"rows": [1, 2]}, protocol=4)
>>> load(io.BytesIO(data), "x.pkl", {})
{'rows': [1, 2]}
>>> load(io.BytesIO(pickle.dumps(print)), "x.pkl", {})
Traceback (most recent call last):
...
tokvec.errors.UnsafeFileError: x.pkl: refused: its pickle calls builtins.print, which is not part of a saved \
model's data; tokvec ran nothing. If you trust the file, load it with the library that wrote it and save the \
vectors in a vector format

Deliberately left out: writing pickles, and the protocol 0/1 object opcodes (INST, OBJ; no saved model
that tokvec reads uses them).
"""

from __future__ import annotations

import pickle
import struct
from typing import Any

import numpy as np

from ..errors import FormatError, UnsafeFileError

_RENAMED = {"__builtin__": "builtins", "copy_reg": "copyreg", "UserString": "collections",
            "UserList": "collections", "UserDict": "collections", "numpy._core.multiarray": "numpy.core.multiarray",
            "numpy._core.numeric": "numpy.core.numeric"}
_NUMERIC_KINDS = "biufc"  # bool, signed, unsigned, float, complex: never objects, records or strings
_MAX_DIMS = 32


class Record:
    """An object of an allowed class, as data: ``kind`` (``module.Class``) and ``state`` (what BUILD gave)."""

    kind = ""
    state: Any = None

    def __init__(self, *args: Any) -> None:  # REDUCE may call the class; its arguments are not kept
        self.state = None

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def __repr__(self) -> str:
        return f"<pickled {self.kind}>"


def record_class(kind: str) -> type[Record]:
    """A ``Record`` subclass standing for the class ``kind`` (``"gensim.models.word2vec.Word2Vec"``)."""
    return type(kind.rpartition(".")[2], (Record,), {"kind": kind})


class Ignored:
    """A value the reader never uses (a random generator's state, ``hash``): takes anything, keeps nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


class PickledDtype:
    """``numpy.dtype(name, align, copy)`` as a pickle builds it; ``resolve`` gives a numeric dtype or refuses."""

    def __init__(self, name: Any = "", align: Any = False, copy: Any = False) -> None:
        self.name, self.order = name, "="

    def __setstate__(self, state: Any) -> None:
        if not (isinstance(state, tuple) and len(state) >= 5 and state[1] in ("<", ">", "|", "=")
                and state[2] is None and state[3] is None and state[4] is None):
            raise ValueError("a numpy dtype state that is not a plain number type")
        self.order = state[1]

    def resolve(self) -> np.dtype:
        name = self.name.decode("latin-1") if isinstance(self.name, bytes) else self.name
        if not isinstance(name, str) or not name.isalnum() or len(name) > 8:
            raise ValueError(f"numpy dtype {name!r:.40} is not a plain number type")
        dtype = np.dtype(name)
        if dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(f"numpy dtype {name!r} is not a number type")
        return dtype.newbyteorder(self.order) if self.order in "<>" else dtype


class PickledArray:
    """An ndarray as numpy's ``_reconstruct`` leaves it; BUILD gives its shape, dtype and bytes (``array``)."""

    array: np.ndarray | None = None

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise ValueError("a numpy array state that is not (version, shape, dtype, fortran, bytes)")
        shape, dtype, fortran, raw = state[-4:]
        self.array = to_array(raw, dtype, shape, "F" if fortran else "C")


def to_array(raw: Any, dtype: Any, shape: Any, order: str = "C") -> np.ndarray:
    """A numeric array over ``raw`` bytes (a Python 2 pickle's latin-1 str too), shape and size checked."""
    if isinstance(raw, str):
        raw = raw.encode("latin-1")
    if not isinstance(raw, (bytes, bytearray)) or not isinstance(dtype, PickledDtype):
        raise ValueError("a numpy array whose data is not bytes of a plain dtype")
    if not (isinstance(shape, tuple) and len(shape) <= _MAX_DIMS
            and all(type(d) is int and d >= 0 for d in shape)):
        raise ValueError(f"a numpy array shape that is not a tuple of sizes: {shape!r:.60}")
    dt = dtype.resolve()
    count = 1
    for d in shape:
        count *= d
    if count * dt.itemsize != len(raw):
        raise ValueError(f"a numpy array of shape {shape} needs {count * dt.itemsize:,} bytes, has {len(raw):,}")
    return np.frombuffer(raw, dt, count).reshape(shape, order=order)


_NDARRAY = Ignored()  # numpy.ndarray: only ever the first argument of _reconstruct


def _reconstruct(subtype: Any, shape: Any = None, dtype: Any = None) -> PickledArray:
    if subtype is not _NDARRAY:
        raise ValueError("numpy's _reconstruct of something other than an ndarray")
    return PickledArray()


def _frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any = "C") -> np.ndarray:  # protocol 5 arrays
    return to_array(buffer, dtype, shape, "F" if order == "F" else "C")


def _scalar(dtype: Any, raw: Any = b"") -> Any:
    if not isinstance(dtype, PickledDtype):
        raise ValueError("a numpy scalar of something other than a dtype")
    return to_array(raw, dtype, ())[()]


def _encode(text: Any, encoding: Any = "utf-8") -> bytes:  # protocol 2 pickles of bytes: _codecs.encode(s, 'latin1')
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise ValueError("_codecs.encode other than a latin-1 string")
    return text.encode("latin-1")


def _empty_bytes(*args: Any) -> bytes:  # protocol 2 writes b"" as bytes(); bytes(n) would allocate n
    if args:
        raise ValueError("bytes() with arguments")
    return b""


def _defaultdict(factory: Any = None) -> dict:  # the factory is never called: a plain dict of the items
    return {}


HELPERS: dict[tuple[str, str], Any] = {
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): PickledDtype,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): _scalar,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("_codecs", "encode"): _encode,
    ("collections", "defaultdict"): _defaultdict,
    ("collections", "OrderedDict"): dict,
    ("builtins", "hash"): Ignored,
    ("builtins", "bytes"): _empty_bytes,
    **{("builtins", t.__name__): t for t in (int, float, complex, bool, str, list, tuple, dict, set, frozenset)},
    ("builtins", "long"): int,
}
"""What a saved model's pickle may name besides its classes: numpy reconstruction and harmless builtins."""


class _Unpickler(pickle._Unpickler):
    """The pure-Python unpickler with ``find_class`` answering from the tables, and unsafe opcodes removed."""

    def __init__(self, file: Any, path: str, classes: dict[tuple[str, str], Any],
                 refuse: Any) -> None:
        super().__init__(file, encoding="latin1")  # gensim's own choice for Python 2 pickles
        self.path, self.classes, self.refuse = path, classes, refuse

    def find_class(self, module: str, name: str) -> Any:
        key = (_RENAMED.get(module, module), name)
        found = self.classes.get(key, HELPERS.get(key))
        if found is not None:
            return found
        if key[0] == "numpy.random" or key[0].startswith("numpy.random."):
            return Ignored  # a random generator's state: never used
        raise self.refuse(self.path, f"{key[0]}.{name}")

    def _build(self) -> None:
        state = self.stack.pop()
        inst = self.stack[-1]
        if not isinstance(inst, (Record, PickledArray, PickledDtype, Ignored)):
            raise ValueError(f"BUILD on a {type(inst).__name__}")
        inst.__setstate__(state)

    def _bytearray8(self) -> None:  # read the bytes before allocating them: the length is the file's word
        (size,) = struct.unpack("<Q", self.read(8))
        data = self.read(size)
        if len(data) != size:
            raise ValueError("a BYTEARRAY8 longer than the file")
        self.append(bytearray(data))

    dispatch = {op: f for op, f in pickle._Unpickler.dispatch.items()
                if bytes([op]) not in (pickle.PERSID, pickle.BINPERSID, pickle.INST, pickle.OBJ, pickle.EXT1,
                                       pickle.EXT2, pickle.EXT4, pickle.NEXT_BUFFER, pickle.READONLY_BUFFER)}
    dispatch[pickle.BUILD[0]] = _build
    dispatch[pickle.BYTEARRAY8[0]] = _bytearray8


def refused(path: str, name: str) -> UnsafeFileError:
    """The error for a pickle that names ``name``, something outside the tables."""
    return UnsafeFileError(f"{path}: refused: its pickle calls {name}, which is not part of a saved model's data; "
                           "tokvec ran nothing. If you trust the file, load it with the library that wrote it and "
                           "save the vectors in a vector format")


def load(file: Any, path: str, classes: dict[tuple[str, str], Any], refuse: Any = refused) -> Any:
    """The object a pickle holds, built only from ``classes`` (``record_class`` stand-ins) and ``HELPERS``.

    ``file`` has ``read`` and ``readline`` (a ``BytesIO``, an ``mmap``); ``refuse(path, "module.name")``
    makes the error for anything else. A damaged pickle is a ``FormatError`` naming ``path``.
    """
    try:
        return _Unpickler(file, path, classes, refuse).load()
    except FormatError:
        raise
    except Exception as exc:  # the unpickler raises many kinds (KeyError, struct.error, ...) on damaged bytes
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise FormatError(f"{path}: the pickle is damaged ({type(exc).__name__}{': ' if detail else ''}{detail}); "
                          "save it again") from None


__all__ = ["HELPERS", "Ignored", "PickledArray", "PickledDtype", "Record", "load", "record_class", "refused",
           "to_array"]
