"""A faster key for manim's partial-movie cache, for the authoring loop (``make watch``, ``FROM=``).

With caching on, manim keys
each ``play``/``wait`` by a JSON dump of everything reachable from its animations and the
scene's mobjects (``manim.utils.hashing.get_hash_from_play_call``) and reuses the segment already
encoded under that key. That dump cost 0.2–0.8 s per play on convex-descent (19 plays, 224,000
objects, 12.9 million Python calls for one render: more than drawing the frames at 480p). The key
here walks the same graph (the camera's settings, the animations, the scene's mobjects, every
updater's code and closure) into one BLAKE2 digest without building JSON, and is stricter where
manim's is lossy: a function is keyed by its compiled code (constants, names, nested code, default
values, closure cells and the globals it reads) rather than its source text, NumPy scalars and
``__slots__`` objects by their values, sets independently of their order, and the scene (which
manim leaves out) by the plain values of its class's attributes (``HOLD = 2.5``). Identities and
addresses never enter it, so it is the same in every process. ``--stock-hash`` (or
``GD_STOCK_HASH=1``) keeps manim's own.

Installed by :mod:`render.manim_authoring` (never by ``make videos``). manim 0.22 only
(``pyproject.toml`` pins it): anything else is refused in one line.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import struct
import sys
import types
from pathlib import Path, PurePath

import numpy as np

import manim

SUPPORTED = "0.22."
if not manim.__version__.startswith(SUPPORTED):
    sys.exit(f"render.manim_playkey: manim {manim.__version__} is installed; this key is "
             f"for manim {SUPPORTED}* (pyproject.toml pins it): run make setup")

from manim.renderer import cairo_renderer  # noqa: E402
from manim.utils.hashing import KEYS_TO_FILTER_OUT  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Attributes that are the frame being drawn, not how it is drawn (manim leaves out the same ones),
# render.manim_run's hand-over flag, and an SVG's index of its groups by id (the same groups as its
# submobjects, but for a formula from manim's SVG cache a copy's: not drawn, it would change keys).
# For the same reason a mobject without points of its own is keyed without its sheen direction
# (a parsed formula's is flipped, one from the cache's is not; only drawn points use it).
_SKIP = frozenset(KEYS_TO_FILTER_OUT) | {"_handed_over", "id_to_vgroup_dict"}
# ... and the table of drawing functions the camera builds when it first draws (a cached play
# is not drawn).
_CAMERA_SKIP = _SKIP | {"display_funcs"}
# The parsed SVG a formula was drawn from (15,000 objects in convex-descent): its points are
# already in the mobject's.
_OPAQUE = ("svgelements",)
# Floats are keyed to 9 decimals (a pixel at 4K is 0.004 scene units): a play skipped by the cache
# (one jump to its end) leaves points a few ulps away from where drawing it frame by frame did
# (convex-descent's readout glyphs), which would otherwise change the key of every later play.
DECIMALS = 9
_PRIMITIVE = (type(None), bool, int, float, str, bytes, complex)


_pack_len = struct.Struct("<I").pack


class _Key:
    """One walk over an object graph into a digest.

    Every value is written as a self-delimiting token into one buffer, hashed at the end; an
    object met again is written as the order of its first visit (the same in every process)."""

    def __init__(self, scene):
        self.buf = bytearray()
        self.seen: dict[int, int] = {}
        self.alive: list = []  # keeps walked objects (and so their ids) alive during the walk
        self.floats: list = []  # float arrays, flattened
        self.pyfloats: list = []  # Python floats
        self.scene = scene

    def digest(self) -> bytes:
        h = hashlib.blake2b(self.buf, digest_size=20)
        if self.pyfloats:
            self.floats.append(np.array(self.pyfloats, dtype=np.float64))
        if self.floats:  # rounded, and -0.0 made 0.0
            h.update((np.concatenate(self.floats, dtype=np.float64).round(DECIMALS) + 0.0).tobytes())
        return h.digest()

    def tag(self, text: str) -> None:
        token = _TOKENS.get(text)
        if token is None:
            b = text.encode("utf-8", "surrogatepass")
            token = b"s" + _pack_len(len(b)) + b
            if len(_TOKENS) < 100_000:
                _TOKENS[text] = token
        self.buf += token

    def walk(self, obj) -> None:
        t = type(obj)
        handler = _HANDLERS.get(t)
        if handler is None:
            handler = _HANDLERS[t] = _handler_for(t)
        handler(self, obj)

    def first_visit(self, obj) -> bool:
        i = id(obj)
        ref = self.seen.get(i)
        if ref is not None:
            self.buf += b"R%d;" % ref
            return False
        self.seen[i] = len(self.seen)
        self.alive.append(obj)
        return True

    # ------------------------------------------------------------------ handlers by type
    def none(self, obj):
        self.buf += b"N"

    def boolean(self, obj):
        self.buf += b"T" if obj else b"F"

    def integer(self, obj):
        self.buf += b"i%d;" % obj

    def real(self, obj):
        self.buf += b"f"
        self.pyfloats.append(obj)  # rounded with the arrays, in digest()

    text = tag

    def raw(self, obj):
        self.buf += b"b" + _pack_len(len(obj)) + obj

    def cplx(self, obj):
        self.real(obj.real)
        self.real(obj.imag)

    def sequence(self, obj):
        if self.first_visit(obj):
            self.buf += b"L%d;" % len(obj)
            for item in obj:
                self.value(item)

    def mapping(self, obj):
        if not self.first_visit(obj):
            return
        buf, tokens = self.buf, _TOKENS
        buf += b"D"
        no_points = "sheen_direction" in obj and len(obj.get("points", ())) == 0
        for k, v in obj.items():
            if k in _SKIP or (no_points and k == "sheen_direction"):
                continue
            if type(k) is str:  # an attribute's name, mostly: its token is kept
                token = tokens.get(k)
                if token is None:
                    self.tag(k)
                else:
                    buf += token
            else:
                self.walk(k)
            self.value(v)
        buf += b"d"

    def value(self, v):
        """:meth:`walk`, with the commonest types written here (the key walks some 20,000
        values per play)."""
        t = type(v)
        if t is float:
            self.buf += b"f"
            self.pyfloats.append(v)
        elif t is bool:
            self.buf += b"T" if v else b"F"
        elif t is int:
            self.buf += b"i%d;" % v
        elif v is None:
            self.buf += b"N"
        else:
            handler = _HANDLERS.get(t)
            if handler is None:
                handler = _HANDLERS[t] = _handler_for(t)
            handler(self, v)

    def array(self, a):
        a = np.asarray(a)
        if a.dtype.names:  # structured: field by field
            self.tag(f"nd:{a.dtype.names}:{a.shape}")
            for name in a.dtype.names:
                self.array(a[name])
        elif a.dtype.hasobject:  # (may hold itself, through its items)
            if not self.first_visit(a):
                return
            self.tag(f"nd:{a.dtype.str}:{a.shape}")
            for item in a.ravel():
                self.walk(item)
        elif a.dtype.kind == "f":  # the values are rounded all at once, in digest()
            self.buf += b"A%s%s;" % (a.dtype.str.encode(), str(a.shape).encode())
            self.floats.append(a.ravel())
        else:
            self.buf += b"A%s%s;" % (a.dtype.str.encode(), str(a.shape).encode())
            self.buf += np.ascontiguousarray(a).tobytes()

    def unordered(self, items):
        if not self.first_visit(items):
            return
        parts = []
        for item in items:  # each from the same start, so their order does not matter
            sub = _Key(self.scene)
            sub.seen = dict(self.seen)  # (and a way back to the set is a reference, not a loop)
            sub.walk(item)
            parts.append(sub.digest())
        self.buf += b"S%d;" % len(parts)
        for p in sorted(parts):
            self.buf += p

    def function(self, fn):
        """A function: a library's by its name, the project's by its code and the data globals
        it reads; both with their default values and closure cells (manim's ``always_redraw``
        closes over the author's function)."""
        if not self.first_visit(fn):
            return
        self.tag(f"fn:{fn.__module__}.{fn.__qualname__}")
        self.walk(fn.__defaults__)
        self.walk(fn.__kwdefaults__)
        self.walk(fn.__closure__)
        if not _in_project(fn):
            return
        self.code(fn.__code__)
        glob = fn.__globals__
        for name in sorted(_global_names(fn.__code__)):
            value = glob.get(name, _MISSING)
            if value is _MISSING:
                continue
            self.tag(f"global:{name}")
            if _is_data(value):
                self.walk(value)
            else:  # an object of a library (manim's config, a logger): by its type
                self.tag(f"{type(value).__module__}.{type(value).__qualname__}")

    def method(self, obj):
        self.buf += b"M"
        self.walk(obj.__func__)
        self.walk(obj.__self__)

    def code(self, co):
        if not self.first_visit(co):
            return
        self.tag(f"code:{co.co_name}:{co.co_argcount}:{co.co_kwonlyargcount}:{co.co_flags}")
        self.raw(co.co_code)
        self.tag(" ".join(co.co_names))
        for const in co.co_consts:
            self.walk(const)

    def module(self, obj):
        self.tag(f"module:{obj.__name__}")

    def cls(self, c):
        """A class: its name; for one defined in the project, also its own functions and values."""
        if not self.first_visit(c):
            return
        self.tag(f"class:{c.__module__}.{c.__qualname__}")
        if _in_project(c):
            for base in c.__mro__[1:]:
                if _in_project(base):
                    self.tag(f"base:{base.__module__}.{base.__qualname__}")
            for name, value in sorted(vars(c).items()):
                if not name.startswith("__") and isinstance(value, (*_PRIMITIVE, tuple,
                                                                     types.FunctionType)):
                    self.tag(name)
                    self.walk(value)

    def path(self, obj):  # by its text: a path caches parts of itself lazily, in slots
        self.tag(f"path:{obj}")

    def builtin(self, obj):
        self.tag(f"builtin:{getattr(obj, '__module__', '')}."
                 f"{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}")

    def cell(self, obj):
        try:
            self.walk(obj.cell_contents)
        except ValueError:
            self.buf += b"E"

    def scene_values(self, scene):
        """The scene itself (manim leaves it out): its class's plain settings, ``HOLD = 2.5``."""
        if not self.first_visit(scene):
            return
        self.tag("scene")
        for c in type(scene).__mro__:
            if _in_project(c):
                for name, value in sorted(vars(c).items()):
                    if not name.startswith("_") and isinstance(value, (*_PRIMITIVE, tuple)):
                        self.tag(f"{c.__qualname__}.{name}")
                        self.walk(value)

    def instance(self, obj):
        if obj is self.scene:
            self.scene_values(obj)
            return
        if not self.first_visit(obj):
            return
        t = type(obj)
        info = _TYPES.get(t)
        if info is None:
            info = _TYPES[t] = _type_info(t)
        token, project, opaque, slots = info
        self.buf += token
        if opaque:
            return
        if project:
            self.walk(t)
        d = getattr(obj, "__dict__", None)
        if type(d) is dict:
            self.mapping(d)
        for name in slots:
            try:
                value = getattr(obj, name)
            except AttributeError:
                continue
            self.tag(name)
            self.walk(value)


def _handler_for(t: type):
    """The :class:`_Key` method that writes values of type ``t`` (looked up once per type)."""
    exact = {type(None): _Key.none, bool: _Key.boolean, int: _Key.integer, float: _Key.real,
             str: _Key.text, bytes: _Key.raw, complex: _Key.cplx}
    if t in exact:
        return exact[t]
    for base, handler in ((bool, _Key.boolean), (int, _Key.integer), (float, _Key.real),
                          (str, _Key.text), (list, _Key.sequence), (tuple, _Key.sequence),
                          (dict, _Key.mapping), (np.ndarray, _Key.array), (np.generic, _Key.array),
                          (set, _Key.unordered), (frozenset, _Key.unordered),
                          (types.FunctionType, _Key.function), (types.MethodType, _Key.method),
                          (types.CodeType, _Key.code), (types.ModuleType, _Key.module),
                          (type, _Key.cls), (types.BuiltinFunctionType, _Key.builtin),
                          (np.ufunc, _Key.builtin), (types.CellType, _Key.cell),
                          (PurePath, _Key.path)):
        if issubclass(t, base):
            return handler
    return _Key.instance


_HANDLERS: dict = {}
_TOKENS: dict = {}  # str -> its token (attribute names, mostly)
_TYPES: dict = {}


def _type_info(t: type):
    token = f"obj:{t.__module__}.{t.__qualname__}".encode()
    return (b"O" + _pack_len(len(token)) + token, _in_project(t), t.__module__.startswith(_OPAQUE),
            _slots(t))


_MISSING = object()


def _is_data(value) -> bool:
    """Whether a global is walked: plain values, containers, arrays, the project's own code."""
    if isinstance(value, (*_PRIMITIVE, list, tuple, dict, set, frozenset, np.ndarray, np.generic)):
        return True
    return isinstance(value, (types.FunctionType, type)) and _in_project(value) or \
        _in_project(type(value))


def _global_names(co: types.CodeType) -> set[str]:
    names = set(co.co_names)
    for const in co.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


_SLOTS: dict[type, tuple[str, ...]] = {}


def _slots(t: type) -> tuple[str, ...]:
    try:
        return _SLOTS[t]
    except KeyError:
        pass
    names = []
    for c in t.__mro__:
        s = c.__dict__.get("__slots__", ())
        names += [s] if isinstance(s, str) else [n for n in s if n not in ("__dict__", "__weakref__")]
    _SLOTS[t] = tuple(names)
    return _SLOTS[t]


_PROJECT_MODULES: dict[str, bool] = {}


def _in_project(c) -> bool:
    """Whether class or function ``c`` is defined in the project's scenes or core (its code may
    change while the author works; manim's and the libraries' does not)."""
    name = getattr(c, "__module__", None) or ""
    try:
        return _PROJECT_MODULES[name]
    except KeyError:
        pass
    path = getattr(sys.modules.get(name), "__file__", None)
    inside = bool(path) and any(Path(path).resolve().is_relative_to(ROOT / d) for d in ("scenes", "core"))
    _PROJECT_MODULES[name] = inside
    return inside


def play_key(scene_object, camera_object, animations_list, current_mobjects_list, *, backend: str,
             encoder_fingerprint: str, renderer_state) -> str:
    """The cache key of one play: ``manim.utils.hashing.get_hash_from_play_call``'s signature and
    inputs (camera settings, animations, the scene's mobjects, the encoder), walked as described
    in the module's docstring."""
    try:
        return _play_key(scene_object, camera_object, animations_list, current_mobjects_list,
                         backend=backend, encoder_fingerprint=encoder_fingerprint,
                         renderer_state=renderer_state)
    except RecursionError:  # a structure too deep to walk: this play is drawn, and never reused
        return f"unkeyed_{os.getpid()}_{next(_UNKEYED)}"


_UNKEYED = itertools.count()


def _play_key(scene_object, camera_object, animations_list, current_mobjects_list, *, backend: str,
              encoder_fingerprint: str, renderer_state) -> str:
    k = _Key(scene_object)
    k.tag(f"{backend}|{encoder_fingerprint}|gd-play-key-1")
    k.tag("camera")
    k.walk({n: v for n, v in vars(camera_object).items() if n not in _CAMERA_SKIP})
    k.tag("animations")
    k.walk(list(animations_list))
    k.tag("mobjects")
    k.walk(list(current_mobjects_list))
    k.walk(renderer_state)
    return k.digest().hex()


def install_play_key() -> None:
    cairo_renderer.get_hash_from_play_call = play_key
