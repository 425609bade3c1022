"""``media/embed/<scene>.html`` and ``media/embed/figure-<figure>.html``: a ready-to-paste
``<figure>`` for every video and every figure, made from ``media/manifest.json``.

A video's snippet is a ``<video>`` with its poster, size, the sources in the order a browser should
try them (AV1 with its codecs string, then the H.264 MP4), the captions track, ``controls
playsinline muted loop`` (as the gallery shows them) and a ``<figcaption>`` with the scene's
registry description. The captions are inline (a ``data:`` URL of ``<scene>.vtt``, see
:func:`captions_url`): a track from another file is refused to a page opened from disk, and to a
post on another host than the media's without CORS headers. A figure's is a ``<picture>``: the SVG, with the PNG (its size and alt text)
as the fallback, and its title and description. The gallery builds its videos and pictures with
the same functions.

Paths start with ``BASE_URL``: by default ``../``, relative to ``media/embed/``, so a snippet works
where it lies and wherever the media folder goes with it; ``make videos BASE_URL=/assets/gd/``
(the folder ``media/`` is served from) writes site paths instead. A base with a quote, ``<``,
``>``, a backtick, a space or a control character, a query or fragment, or a scheme other than
http(s) is refused in one line (exit 2). The snippets are ASCII (other characters as HTML
character references), so they paste into a page in any encoding.

    python -m render.embeds [--media media] [--manifest media/manifest.json] [--base-url URL]
    python -m render.embeds --check-base-url URL       nothing, or the one-line error (exit 2)
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from render import outputs, pipeline
from render.pipeline import UsageError

DEFAULT_BASE = "../"
SOURCE_FORMATS = ("av1", "h264")  # the order a page offers them: AV1 is smaller, H.264 plays everywhere
_FORBIDDEN = re.compile(r"[\"'<>`\\\s\x00-\x1f\x7f]")


def check_base_url(value: str | None) -> str:
    """The prefix for every path in the snippets (ends with ``/``), or UsageError."""
    if value is None or value == "":
        return DEFAULT_BASE
    bad = _FORBIDDEN.search(value)
    valid = ("valid: a URL path or http(s) URL of the folder media/ is served from, such as "
             "/assets/gd/ or https://example.org/gd/")
    if bad:
        what = {" ": "a space", "\t": "a tab", "\n": "a newline"}.get(bad.group(), repr(bad.group()))
        raise UsageError(f"BASE_URL {value!r} contains {what}; {valid}")
    parts = urlsplit(value)
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise UsageError(f"BASE_URL {value!r} has a query or fragment; {valid}")
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        raise UsageError(f"BASE_URL {value!r} is not a folder URL; {valid}")
    return value if value.endswith("/") else value + "/"


def _attr(text) -> str:
    return html.escape(str(text), quote=True)


def source_type(output: dict) -> str:
    """A ``<source type>``: the MIME type, with the codecs for AV1 (so a browser that cannot
    decode it takes the next source)."""
    codecs = output.get("codecs")
    return f'{output["type"]}; codecs="{codecs}"' if codecs else output["type"]


def scene_outputs(scene: dict, by_path: dict) -> dict:
    """``{format: output}`` of a manifest scene (av1, h264, gif, captions, poster)."""
    return {by_path[p]["format"]: by_path[p] for p in scene["outputs"] if p in by_path}


def captions_url(path: Path) -> str:
    """The captions as a ``data:`` URL. A ``<track>`` is fetched same-origin only: from a page
    opened as a file (the gallery offline) Chromium refuses another file ("'file:' URLs are treated
    as unique security origins"), and from a post on another host than ``BASE_URL``'s it needs
    CORS headers. Inline, the captions play wherever the snippet is pasted."""
    return "data:text/vtt;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def video_tag(outs: dict, base: str = "", *, media: Path | None = None,
              label: str | None = None) -> str:
    """``<video>`` with poster, size, the sources in order and the captions track (inline when
    ``media``, the folder the manifest describes, holds the file; else its path)."""
    mp4 = outs["h264"]
    poster = f' poster="{_attr(base + outs["poster"]["path"])}"' if "poster" in outs else ""
    aria = f' aria-label="{_attr(label)}"' if label else ""
    sources = "".join(f'<source src="{_attr(base + o["path"])}" type="{_attr(source_type(o))}">'
                      for f in SOURCE_FORMATS if (o := outs.get(f)))
    track = ""
    if "captions" in outs:
        vtt = Path(media) / outs["captions"]["path"] if media is not None else None
        src = captions_url(vtt) if vtt is not None and vtt.exists() else base + outs["captions"]["path"]
        track = f'<track kind="captions" srclang="en" label="English" src="{_attr(src)}" default>'
    return (f'<video controls playsinline muted loop preload="metadata" width="{mp4["width"]}" '
            f'height="{mp4["height"]}"{poster}{aria}>{sources}{track}</video>')


def picture_tag(files: dict, base: str = "", *, alt: str, lazy: bool = True) -> str:
    """``<picture>``: the SVG first, the PNG (size and alt text) as the fallback ``<img>``."""
    png, svg = files.get(".png"), files.get(".svg")
    img_file = png or svg
    size = (f' width="{png["width"]}" height="{png["height"]}"'
            if png and png.get("width") else "")
    source = (f'<source srcset="{_attr(base + svg["path"])}" type="image/svg+xml">'
              if svg and png else "")
    loading = ' loading="lazy"' if lazy else ""
    return (f'<picture>{source}<img src="{_attr(base + img_file["path"])}"{size} '
            f'alt="{_attr(alt)}"{loading}></picture>')


STYLE = ' style="max-width:100%;height:auto"'


def video_snippet(scene: dict, by_path: dict, base: str, media: Path | None = None) -> str:
    outs = scene_outputs(scene, by_path)
    tag = video_tag(outs, base, media=media, label=scene.get("alt"))
    tag = tag.replace("<video ", f"<video{STYLE} ", 1)
    return (f'<figure class="gd-media" id="gd-{_attr(scene["name"])}">\n  {tag}\n'
            f'  <figcaption>{html.escape(scene["description"])}</figcaption>\n</figure>\n')


def figure_snippet(fig: dict, by_path: dict, base: str) -> str:
    files = {Path(p).suffix: by_path[p] for p in fig["outputs"] if p in by_path}
    title = fig.get("title") or fig["name"]
    alt = fig.get("alt") or title
    tag = picture_tag(files, base, alt=alt).replace("<img ", f"<img{STYLE} ", 1)
    caption = html.escape(title) + (f" &#8212; {html.escape(fig['description'])}"
                                     if fig.get("description") else "")
    return (f'<figure class="gd-media" id="gd-figure-{_attr(fig["name"])}">\n  {tag}\n'
            f'  <figcaption>{caption}</figcaption>\n</figure>\n')


def _ascii(text: str) -> str:
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def snippets(manifest: dict, base: str, media: Path | None = None) -> dict:
    """``{file name: snippet}`` for every video (with an H.264 file) and figure of a manifest."""
    by_path = {o["path"]: o for o in manifest["outputs"]}
    out = {}
    for scene in manifest.get("scenes", []):
        if "h264" in scene_outputs(scene, by_path):
            out[f"{scene['name']}.html"] = _ascii(video_snippet(scene, by_path, base, media))
    for fig in manifest.get("figures", []):
        out[f"figure-{fig['name']}.html"] = _ascii(figure_snippet(fig, by_path, base))
    return out


def write_embeds(media: Path, manifest_path: Path, base: str) -> list[Path]:
    """Write every snippet into ``media/embed/`` (atomically) and remove the ones of videos and
    figures no longer in the manifest."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    folder = Path(media) / "embed"
    written = []
    for name, text in snippets(manifest, base, Path(media)).items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="ascii", errors="replace") != text:
            outputs.write_text_atomic(path, text)
        written.append(path)
    for stale in set(folder.glob("*.html")) - set(written) if folder.is_dir() else ():
        stale.unlink()
    return written


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m render.embeds",
                                description="Ready-to-paste <figure> snippets in media/embed/.")
    p.add_argument("--media", default=str(pipeline.ROOT / "media"))
    p.add_argument("--manifest", default=None)
    p.add_argument("--base-url", default="", help=f"prefix of every path (default {DEFAULT_BASE})")
    p.add_argument("--check-base-url", default=None, metavar="URL",
                   help="only check URL: print nothing, or the one-line error (exit 2)")
    args = p.parse_args(argv)
    try:
        if args.check_base_url is not None:
            check_base_url(args.check_base_url)
            return 0
        base = check_base_url(args.base_url)
        manifest = Path(args.manifest or Path(args.media) / "manifest.json")
        if not manifest.exists():
            raise UsageError(f"{manifest} does not exist; run python -m render manifest first")
        written = write_embeds(Path(args.media), manifest, base)
    except UsageError as exc:
        sys.stderr.write(f"{exc}\n" if args.check_base_url is not None
                         else f"python -m render.embeds: error: {exc}\n")
        return 2
    print(f"{Path(args.media) / 'embed'}: {len(written)} snippets (paths start with {base})",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
