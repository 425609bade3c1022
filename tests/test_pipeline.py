"""`make videos` end to end, in a throw-away copy of the project (render/sandbox.py).

The copy registers two small real scenes (tests/fixtures/pipeline/) that read the project's data,
and renders them at the hidden tiny quality QUALITY=test (256x144, 5 fps). The checks use oracles
independent of the pipeline: ffprobe, an MP4 box parser, frames decoded by the ffmpeg binary,
sha256 of the files, and the scenario data the videos show.
"""

import base64
import hashlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from core import theme
from core.datafile import load, save
from render import sandbox
from test_ffmpeg import decode_gray, top_level_boxes

pytestmark = pytest.mark.render

FIXTURES = ROOT / "tests" / "fixtures" / "pipeline"
SCENES = {
    "fixture-parabola": ("fixture_parabola", "FixtureParabola", ("convex-1d",),
                         "A point descends f(x) = x² and everything fades out."),
    "fixture-hill": ("fixture_hill", "FixtureHill", ("hill",), "Top-down descent paths on sin x sin y."),
}
FILES = [FIXTURES / "fixture_parabola.py", FIXTURES / "fixture_hill.py"]
Q = "QUALITY=test"
NOTHING_TO_DO = "make: Nothing to be done for 'videos'."  # and not one command run
PROGRESS = re.compile(r"^\[(\d+)/\d+\] (\S+)  144p5  [\d.]+ s  (\d+) frames  [\d.]+ frames/s$", re.M)


def project(tmp_path, **kw):
    return sandbox.create(tmp_path / "project", scenes=kw.pop("scenes", SCENES),
                          scene_files=kw.pop("scene_files", FILES), figures=False, **kw)


def make(root, *targets, jobs=1, ok=True):
    res = sandbox.make(root, *targets, jobs=jobs, timeout=300)
    if ok:
        assert res.returncode == 0, f"make {' '.join(targets)} failed:\n{res.stdout}\n{res.stderr}"
    return res


def rendered(res) -> list[str]:
    return sorted(m.group(2) for m in PROGRESS.finditer(res.stdout))


def outputs(name):
    return [f"videos/{name}.mp4", f"videos/{name}.av1.mp4", f"videos/{name}.gif",
            f"videos/{name}.vtt", f"posters/{name}.png"]


def snapshot(media: Path) -> dict:
    """path -> (inode, mtime_ns) for every file under media/."""
    return {p.relative_to(media).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(media.rglob("*")) if p.is_file()}


def probe(path) -> dict:
    res = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-show_streams", "-show_format",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True)
    info = json.loads(res.stdout)
    s = info["streams"][0]
    return {"codec": s["codec_name"], "pix_fmt": s.get("pix_fmt"), "profile": s.get("profile"),
            "width": s["width"],
            "height": s["height"], "frames": int(s["nb_read_packets"]),
            "duration": float(info["format"].get("duration", 0)),
            "tags": info["format"].get("tags", {})}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def expected_frames(root, name) -> int:
    """Frames the fixture scene should have, from the data it shows (its beats' run times)."""
    data = root / "build" / "data"
    if name == "fixture-parabola":
        steps = load(data / "convex-1d.npz").meta["steps"]
        seconds = 0.8 + 0.2 + 0.05 * steps + 0.2 + 0.4
    else:
        seconds = 0.5 + 1.2 + 0.3
    return round(seconds * 5)


def check_outputs(root, name):
    media = root / "media"
    mp4 = probe(media / "videos" / f"{name}.mp4")
    assert (mp4["codec"], mp4["pix_fmt"], mp4["width"], mp4["height"]) == ("h264", "yuv420p", 256, 144)
    boxes = top_level_boxes(media / "videos" / f"{name}.mp4")
    assert boxes.index("moov") < boxes.index("mdat"), f"{name}.mp4 is not faststart: {boxes}"
    assert mp4["frames"] == expected_frames(root, name), name
    av1 = probe(media / "videos" / f"{name}.av1.mp4")
    assert (av1["codec"], av1["pix_fmt"], av1["width"], av1["frames"]) == \
        ("av1", "yuv420p", 256, mp4["frames"])
    boxes = top_level_boxes(media / "videos" / f"{name}.av1.mp4")
    assert boxes.index("moov") < boxes.index("mdat"), f"{name}.av1.mp4 is not faststart: {boxes}"
    master = probe(root / "build" / "render" / "master" / f"{name}.mp4")
    assert master["frames"] == mp4["frames"]
    # the master is lossless: x264's lossless profile, and the exports are close to it
    assert master["profile"] == "High 4:4:4 Predictive", master
    ref = decode_gray(root / "build" / "render" / "master" / f"{name}.mp4", 256, 144).astype(int)
    for path in (f"{name}.mp4", f"{name}.av1.mp4"):
        frames = decode_gray(media / "videos" / path, 256, 144).astype(int)
        assert np.abs(frames - ref).mean() < 2, path
    gif = media / "videos" / f"{name}.gif"
    g = probe(gif)
    assert g["codec"] == "gif" and g["width"] <= 480 and gif.stat().st_size <= 5_000_000
    assert g["frames"] == mp4["frames"]  # 5 fps source: the GIF keeps every frame
    poster = probe(media / "posters" / f"{name}.png")
    assert (poster["codec"], poster["width"], poster["height"]) == ("png", 256, 144)
    check_captions(root, name, mp4)
    return mp4


def vtt_cues(path):
    """(start, end, text) of each cue, read with a parser of this test's own."""
    blocks = Path(path).read_text().split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        lines = [ln for ln in block.split("\n") if ln]
        i = next(k for k, ln in enumerate(lines) if "-->" in ln)
        a, b = (sum(float(x) * 60 ** (2 - j) for j, x in enumerate(t.split(":")))
                for t in lines[i].split(" --> "))
        cues.append((a, b, " ".join(lines[i + 1:])))
    return cues


def check_captions(root, name, mp4):
    """Cues where the fixture's beats begin (from its run times: frames at 5 fps), or one cue
    from the registry description for a scene without beats."""
    cues = vtt_cues(root / "media" / "videos" / f"{name}.vtt")
    end = pytest.approx(mp4["duration"], abs=0.21)
    if name == "fixture-parabola":
        steps = load(root / "build" / "data" / "convex-1d.npz").meta["steps"]
        starts = [0.0, 0.8, round((0.8 + 0.2 + 0.05 * steps + 0.2) * 5) / 5]
        assert [round(c[0], 3) for c in cues] == pytest.approx(starts, abs=0.21), cues
        assert [c[1] for c in cues[:-1]] == [c[0] for c in cues[1:]] and cues[-1][1] == end
        assert [c[2] for c in cues] == ["The parabola f(x) = x² &amp; its formula.",
                                        "The point descends: x ← x − α f'(x).",
                                        "Everything fades out."]
    else:
        assert cues == [(0.0, end, SCENES[name][3])], cues


def ink(gray):
    """How much is drawn: mean contrast against the border's median grey."""
    bg = np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]]))
    return np.abs(gray.astype(int) - bg).mean() / 255


def check_manifest(root):
    media = root / "media"
    manifest = json.loads((media / "manifest.json").read_text())
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert manifest["commit"] == head
    by_path = {o["path"]: o for o in manifest["outputs"]}
    assert sorted(by_path) == sorted(p for n in SCENES for p in outputs(n))
    for path, entry in by_path.items():
        f = media / path
        assert entry["sha256"] == sha256(f) and entry["bytes"] == f.stat().st_size, path
        assert entry["scene"] in SCENES and entry["quality"] == "test" and entry["commit"] == head
        for scenario in SCENES[entry["scene"]][2]:
            meta = load(root / "build" / "data" / f"{scenario}.npz").meta
            assert entry["scenarios"][scenario] == meta, path
        if path.endswith(".vtt"):
            assert entry["format"] == "captions" and entry["cues"] == len(vtt_cues(f)), path
        if path.endswith((".mp4", ".gif")):
            p = probe(f)
            assert entry["frames"] == p["frames"] and entry["duration"] == pytest.approx(p["duration"], abs=0.05)
    return manifest


# --------------------------------------------------------------------------- the build

def test_make_videos_end_to_end(tmp_path):
    root = project(tmp_path)
    media = root / "media"

    # ---------------------------------------------------------------- a parallel build from clean
    res = make(root, "videos", Q, jobs=2)
    assert rendered(res) == ["fixture-hill", "fixture-parabola"], res.stdout
    for name in SCENES:
        check_outputs(root, name)
    manifest = check_manifest(root)
    assert [s["name"] for s in manifest["scenes"]] == list(SCENES)

    # the poster is a drawn frame of the video, not the faded-out end
    for name in SCENES:
        frames = decode_gray(media / "videos" / f"{name}.mp4", 256, 144)
        poster = decode_gray(media / "posters" / f"{name}.png", 256, 144)[0]
        inks = np.array([ink(f) for f in frames])
        closest = int(np.argmin([np.abs(f.astype(int) - poster).mean() for f in frames]))
        assert np.abs(frames[closest].astype(int) - poster).mean() < 3, name
        assert ink(poster) >= 0.8 * inks.max(), name
        if name == "fixture-parabola":  # it fades out: the poster comes before the fade
            assert closest < len(frames) - 1 and inks[-1] < 0.8 * inks.max()

    # the gallery: every video with both sources (AV1 first, with its codecs) and its poster, the
    # descriptions, nothing remote
    page = (media / "index.html").read_text()
    for name, (_, _, _, desc) in SCENES.items():
        sources = re.findall(r'<source src="([^"]+)" type="([^"]+)">', page.split(f'id="{name}"')[1])
        assert [html.unescape(t) for _, t in sources[:2]] == \
            ['video/mp4; codecs="av01.0.00M.08"', "video/mp4"], sources
        assert [s for s, _ in sources[:2]] == [f"videos/{name}.av1.mp4", f"videos/{name}.mp4"]
        assert track_text(page.split(f'id="{name}"')[1]) == \
            (media / "videos" / f"{name}.vtt").read_text()
        assert f'poster="posters/{name}.png"' in page and html.escape(desc) in page
    assert "http://" not in page and "https://" not in page and "//" not in page.replace("://", "")

    # LaTeX typeset once is kept for later renders, as complete SVG files only
    cache = root / "build" / "render" / "tex-cache"
    svgs = list(cache.iterdir())
    assert svgs and all(p.suffix == ".svg" and p.read_text().rstrip().endswith("</svg>") for p in svgs)

    # ---------------------------------------------------------------- a second run renders nothing
    before = snapshot(media)
    res = make(root, "videos", Q, jobs=None)  # as typed, without -j
    assert res.stdout.strip() == NOTHING_TO_DO, res.stdout
    assert snapshot(media) == before
    res = make(root, "-n", "videos", Q)  # a dry run agrees: nothing to redo
    assert "render video" not in res.stdout and "render web" not in res.stdout, res.stdout
    res = make(root, "-n", "videos", "QUALITY=low")  # ... and lists every render a switch redoes
    assert sorted(re.findall(r"render video (\S+)", res.stdout)) == sorted(SCENES), res.stdout
    assert snapshot(media) == before and "test" in (root / "build/render/options/videos").read_text()

    # ---------------------------------------------------------------- core/ edited, same data
    os.utime(root / "core" / "objectives.py")
    res = make(root, "videos", Q, jobs=2)  # every scenario is recomputed, no data file changes
    assert rendered(res) == [] and snapshot(media) == before, res.stdout
    for name in ("convex-1d", "hill"):
        stamp = root / "build" / "data" / f".{name}.stamp"
        assert stamp.stat().st_mtime_ns >= (root / "core" / "objectives.py").stat().st_mtime_ns
    assert make(root, "-n", "videos", Q).stdout.strip() == NOTHING_TO_DO

    # ---------------------------------------------------------------- touching one scene file
    os.utime(root / "scenes" / "fixture_hill.py")
    res = make(root, "videos", Q, jobs=2)
    assert rendered(res) == ["fixture-hill"], res.stdout
    after = snapshot(media)
    for path in outputs("fixture-parabola"):
        assert after[path] == before[path], f"{path} was rewritten"
    for path in outputs("fixture-hill") + ["manifest.json", "index.html"]:
        assert after[path] != before[path], f"{path} was not rebuilt"
    check_manifest(root)

    # ---------------------------------------------------------------- new data for one scenario
    before = snapshot(media)
    subprocess.run([sys.executable, "-m", "core", "run", "convex-1d", "--lr", "0.2", "--out",
                    str(root / "build" / "data" / "convex-1d.npz")], cwd=root, check=True,
                   capture_output=True)
    res = make(root, "videos", Q, jobs=2)
    assert rendered(res) == ["fixture-parabola"], res.stdout
    after = snapshot(media)
    assert all(after[p] == before[p] for p in outputs("fixture-hill"))
    manifest = check_manifest(root)
    mp4 = next(o for o in manifest["outputs"] if o["path"] == "videos/fixture-parabola.mp4")
    assert mp4["scenarios"]["convex-1d"]["params"]["lr"] == 0.2

    # ---------------------------------------------------------------- killed mid-render, twice
    for sig in (signal.SIGTERM, signal.SIGKILL):
        good = {p: sha256(media / p) for p in outputs("fixture-parabola")}
        os.utime(root / "scenes" / "fixture_parabola.py")
        killed_during = kill_mid_render(root, "fixture-parabola", sig)
        assert killed_during, f"{sig!r}: the render finished before it could be killed"
        files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
        assert files == published(), files
        assert {p: sha256(media / p) for p in good} == good  # the old, complete files
        if sig == signal.SIGTERM:  # the render process cleaned up after itself
            assert not list((root / "build" / "render" / "tmp").iterdir())
            assert not (root / "build" / "render" / "work" / "fixture-parabola.video").exists()
        assert not manim_running(root)
        res = make(root, "videos", Q, jobs=2)  # resumes: renders what was killed
        assert rendered(res) == ["fixture-parabola"], res.stdout
        check_outputs(root, "fixture-parabola")
        check_manifest(root)
    assert make(root, "videos", Q).stdout.strip() == NOTHING_TO_DO

    # ---------------------------------------------------------------- media/ holds published files
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*"))
    assert files == sorted({*published(), "embed", "posters", "videos"}), files

    # ---------------------------------------------------------------- embed snippets, BASE_URL
    check_embeds(root, "../")
    before = snapshot(media)
    res = make(root, "videos", Q, "BASE_URL=/assets/gd", jobs=2)  # no trailing slash: added
    assert rendered(res) == [] and "render.embeds" not in res.stderr, res.stdout
    after = snapshot(media)
    assert sorted(p for p in after if after[p] != before[p]) == \
        sorted(f"embed/{n}.html" for n in SCENES), "only the snippets change"
    check_embeds(root, "/assets/gd/")
    res = make(root, "videos", Q, "BASE_URL=/assets/gd")
    assert res.stdout.strip() == NOTHING_TO_DO, res.stdout

    # ---------------------------------------------------------------- one scene's AV1 CRF changed
    reg = root / "scenes" / "registry.py"
    registry_text = reg.read_text()
    vtt = (media / "videos" / "fixture-parabola.vtt").read_bytes()
    reg.write_text(registry_text + "SCENES['fixture-hill'] = SCENES['fixture-hill']._replace(av1_crf=40)\n")
    res = make(root, "-n", "videos", Q, "BASE_URL=/assets/gd")  # re-encodes that scene's files, renders nothing
    assert "render video" not in res.stdout, res.stdout
    assert re.findall(r"render web \S+/(\S+)\.mp4 .*?--av1-crf (\d+)", res.stdout, re.S) == \
        [("fixture-hill", "40")], res.stdout
    before, av1_before = snapshot(media), sha256(media / "videos" / "fixture-hill.av1.mp4")
    make(root, "videos", Q, "BASE_URL=/assets/gd", jobs=2)
    after = snapshot(media)
    # (the captions are written again from the registry, the same words)
    assert [p for p in outputs("fixture-parabola") if after[p] != before[p]] == ["videos/fixture-parabola.vtt"]
    assert (media / "videos" / "fixture-parabola.vtt").read_bytes() == vtt
    av1 = media / "videos" / "fixture-hill.av1.mp4"
    assert sha256(av1) != av1_before and probe(av1)["codec"] == "av1"  # encoded at crf 40


def track_text(page: str) -> str:
    """The captions of the first <track> of ``page``: inline, as a base64 data: URL."""
    m = re.search(r'<track kind="captions" srclang="en" label="English" '
                  r'src="data:text/vtt;base64,([A-Za-z0-9+/=]+)" default>', page)
    assert m, page[:500]
    return base64.b64decode(m.group(1)).decode("utf-8")


def published() -> list[str]:
    return sorted([*[p for n in SCENES for p in outputs(n)], "manifest.json", "index.html",
                   *[f"embed/{n}.html" for n in SCENES]])


def check_embeds(root, base):
    """Each video's snippet: the manifest's files with ``base`` before them, in the gallery's
    order, the track, the size, the description, and nothing but ASCII."""
    media = root / "media"
    manifest = json.loads((media / "manifest.json").read_text())
    by_path = {o["path"]: o for o in manifest["outputs"]}
    for scene in manifest["scenes"]:
        name = scene["name"]
        raw = (media / "embed" / f"{name}.html").read_bytes()
        assert raw.isascii(), name
        text = html.unescape(raw.decode())
        assert text.startswith("<figure") and text.rstrip().endswith("</figure>")
        assert re.findall(r'<source src="([^"]+)"', raw.decode()) == \
            [f"{base}videos/{name}.av1.mp4", f"{base}videos/{name}.mp4"]
        assert track_text(text) == (media / "videos" / f"{name}.vtt").read_text()
        assert f'poster="{base}posters/{name}.png"' in text
        mp4 = by_path[f"videos/{name}.mp4"]
        assert f'width="{mp4["width"]}" height="{mp4["height"]}"' in text
        assert all(w in text for w in ("playsinline", "muted", "loop"))
        assert f"<figcaption>{SCENES[name][3]}</figcaption>" in text


def manim_running(root) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if b"manim" in cmd and cwd == str(root):
            pids.append(int(proc.name))
    return pids


def kill_mid_render(root, name, sig) -> bool:
    """Start `make videos`, wait until manim is drawing ``name``'s frames, signal the whole job
    (as Ctrl-C or a closed terminal would); True if the kill landed during the render."""
    partial = root / "build" / "render" / "work" / f"{name}.video" / "media"
    proc = subprocess.Popen(sandbox.make_command(root, "videos", Q, jobs=2),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=sandbox.make_env())
    landed = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(partial.rglob("*.mp4")) if partial.exists() else False:
            os.killpg(proc.pid, sig)
            landed = True
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    time.sleep(0.2)  # let the group's last members exit
    return landed


# --------------------------------------------------------------------------- errors

def test_bad_scene_quality_theme_give_one_line_and_status_2(tmp_path):
    root = project(tmp_path)
    cases = [
        (("scene", "SCENE=nope"), "unknown SCENE 'nope'; valid: fixture-parabola, fixture-hill"),
        (("still", "SCENE=nope"), "unknown SCENE 'nope'; valid: fixture-parabola, fixture-hill"),
        (("scene",), "SCENE is missing"),
        (("scene", "SCENE=x'y"), """unknown SCENE "x'y"; valid: fixture-parabola, fixture-hill"""),
        (("videos", "QUALITY=ultra"), "unknown QUALITY 'ultra'; valid: low medium high production 4k"),
        (("scene", "SCENE=fixture-hill", "QUALITY=1080p"), "unknown QUALITY '1080p'; valid:"),
        (("videos", "THEME=blue"), "light dark"),
        (("videos", "BASE_URL=/a b/"), "BASE_URL '/a b/' contains a space"),
        (("videos", 'BASE_URL=/"x/'), "BASE_URL '/\"x/' contains '\"'"),
        (("videos", "BASE_URL=/<x>/"), "BASE_URL '/<x>/' contains '<'"),
        (("videos", "BASE_URL=/it's/"), "contains \"'\""),
        (("videos", "BASE_URL=javascript:alert(1)"), "is not a folder URL"),
    ]
    for args, message in cases:
        res = make(root, *args, ok=False)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, res.stderr)
    cli = [sys.executable, "-m", "render"]
    for args, message in [(("scene", "nope"), "unknown scene 'nope'; valid: fixture-parabola, fixture-hill"),
                          (("video", "fixture-hill", "--quality", "ultra", "--out", "x.mp4"),
                           "unknown quality 'ultra'; valid: low, medium, high, production, 4k"),
                          (("still", "fixture-hill", "--theme", "blue"), "unknown theme 'blue'")]:
        res = subprocess.run([*cli, *args], cwd=root, capture_output=True, text=True)
        assert res.returncode == 2 and res.stderr.count("\n") == 1 and message in res.stderr, res.stderr
    assert not (root / "media").exists()


def test_a_source_dated_in_the_future_recomputes_the_data_once(tmp_path):
    """Clock skew: core/ newer than any stamp make can write. Each build recomputes the data once
    (make restarts once after updating it) and renders nothing; it must not restart forever."""
    root = project(tmp_path)
    future = time.time() + 600
    os.utime(root / "core" / "objectives.py", (future, future))
    try:
        res = sandbox.make(root, "data", jobs=2, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("make data restarted for 60 s: a future-dated core/ file makes it loop")
    assert res.returncode == 0, res.stderr
    assert re.findall(r"build/data/(\S+)\.npz", res.stdout).count("convex-1d") == 1, res.stdout
    assert make(root, "-n", "data").returncode == 0


def test_a_damaged_data_file_is_recomputed_with_one_line(tmp_path):
    """A truncated file (a copy cut short) and a file of another schema: make data says so in one
    line each, recomputes them to the very bytes core writes, and the next run has nothing to do;
    a render of a damaged file names it instead of ending in a traceback."""
    root = project(tmp_path, git=False)
    data = root / "build" / "data"
    good = {n: (data / f"{n}.npz").read_bytes() for n in ("hill", "convex-1d")}
    (data / "hill.npz").write_bytes(good["hill"][:5000])
    old = load(data / "convex-1d.npz")
    save(data / "convex-1d.npz", old.arrays, {**old.meta, "schema": 0})
    res = make(root, "data")
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in res.stderr, res.stderr
    assert any("hill.npz: unreadable (BadZipFile" in ln and ln.endswith("recomputing it") for ln in lines)
    assert any("convex-1d.npz: schema 0, expected 1; recomputing it" in ln for ln in lines)
    for name, raw in good.items():
        assert (data / f"{name}.npz").read_bytes() == raw, f"{name} was not recomputed"
    again = make(root, "data")
    assert again.stderr == "" and "recomputing" not in again.stdout

    (data / "hill.npz").write_bytes(good["hill"][:5000])
    cli = [sys.executable, "-m", "render", "still", "fixture-hill", "--quality", "test",
           "--data-dir", str(data), "--out", str(tmp_path / "x.png")]
    res = subprocess.run(cli, cwd=root, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.count("\n") == 1 and "hill.npz: unreadable" in res.stderr, res.stderr


def test_missing_tools_say_how_to_install(tmp_path):
    root = project(tmp_path, git=False)
    only_ffmpeg = tmp_path / "bin"
    only_ffmpeg.mkdir()
    for tool in ("ffmpeg", "ffprobe"):
        (only_ffmpeg / tool).symlink_to(subprocess.run(["which", tool], capture_output=True,
                                                       text=True).stdout.strip())
    for path, message in [(str(tmp_path / "empty"), "apt-get install ffmpeg"),
                          (str(only_ffmpeg), "texlive-latex-base")]:
        res = subprocess.run([sys.executable, "-m", "render", "scene", "fixture-hill", "--quality", "test"],
                             cwd=root, capture_output=True, text=True, env={**os.environ, "PATH": path})
        assert res.returncode == 1 and message in res.stderr, res.stderr
    assert not (root / "media").exists()


def test_failing_scene_is_named_and_leaves_no_output(tmp_path):
    scenes = {**SCENES, "fixture-broken": ("fixture_broken", "FixtureBroken", ("hill",),
                                           "Fails on purpose.")}
    root = project(tmp_path, scenes=scenes, scene_files=[*FILES, FIXTURES / "fixture_broken.py"])
    res = sandbox.make(root, "-k", "videos", Q, jobs=2, timeout=300)
    assert res.returncode != 0
    assert "scene fixture-broken failed" in res.stderr and "no-such-scenario" in res.stderr, res.stderr
    media = root / "media"
    assert not list(media.rglob("fixture-broken*"))
    for name in SCENES:  # -k: the other scenes are complete
        check_outputs(root, name)
    assert not (media / "manifest.json").exists()  # the manifest waits for every scene
    assert not list((root / "build" / "render" / "tmp").iterdir())
    assert not (root / "build" / "render" / "work" / "fixture-broken.video").exists()
    log = root / "build" / "render" / "logs" / "fixture-broken.video.log"
    assert "FileNotFoundError" in log.read_text()


# --------------------------------------------------------------------------- authoring loop

def test_scene_preview_still_and_list(tmp_path):
    root = project(tmp_path)
    media = root / "media"
    res = make(root, "scene", "SCENE=fixture-hill", Q)
    assert "fixture-hill  144p5" in res.stdout
    mp4 = media / "preview" / "fixture-hill.mp4"
    p = probe(mp4)
    assert (p["codec"], p["pix_fmt"], p["width"], p["frames"]) == ("h264", "yuv420p", 256, 10)
    assert top_level_boxes(mp4).index("moov") < top_level_boxes(mp4).index("mdat")
    assert sorted(x.relative_to(media).as_posix() for x in media.rglob("*") if x.is_file()) == \
        ["preview/fixture-hill.mp4"]  # the preview does not touch media/videos
    again = make(root, "scene", "SCENE=fixture-hill", Q)
    assert "144p5" not in again.stdout and "is ready" in again.stdout  # up to date: no render

    make(root, "still", "SCENE=fixture-hill", Q)
    png = media / "stills" / "fixture-hill.png"
    still = decode_gray(png, 256, 144)[0]
    last = decode_gray(mp4, 256, 144)[-1]
    assert np.abs(still.astype(int) - last).mean() < 4  # the still is the video's last frame
    assert ink(still) > 0.001  # not an empty frame

    res = make(root, "list")
    lines = res.stdout.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == list(SCENES)
    assert "Top-down descent paths on sin x sin y." in lines[1]


def test_dark_theme_renders_on_the_dark_background(tmp_path):
    root = project(tmp_path, scenes={"fixture-hill": SCENES["fixture-hill"]}, scene_files=FILES[1:])
    make(root, "videos", Q, "THEME=dark", jobs=2)
    bg = theme.load("dark")["background"]
    rgb = subprocess.run(["ffmpeg", "-v", "error", "-i", str(root / "media" / "posters" / "fixture-hill.png"),
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    corner = np.frombuffer(rgb, np.uint8).reshape(144, 256, 3)[2, 2]
    assert np.abs(corner.astype(int) - [int(bg[i:i + 2], 16) for i in (1, 3, 5)]).max() <= 6
    manifest = json.loads((root / "media" / "manifest.json").read_text())
    assert {o["theme"] for o in manifest["outputs"]} == {"dark"}
    assert bg.lower() in (root / "media" / "index.html").read_text().lower()
    # switching back re-renders (the theme is part of what a video depends on)
    res = make(root, "videos", Q)
    assert rendered(res) == ["fixture-hill"]


def test_parallel_build_equals_serial_build(tmp_path):
    one = sandbox.create(tmp_path / "one", scenes=SCENES, scene_files=FILES, figures=False)
    two = sandbox.create(tmp_path / "two", scenes=SCENES, scene_files=FILES, figures=False)
    make(one, "videos", Q, jobs=1)
    make(two, "videos", Q, jobs=2)
    files = sorted(p.relative_to(one / "media") for p in (one / "media").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two / "media") for p in (two / "media").rglob("*") if p.is_file())
    for f in files:
        assert sha256(one / "media" / f) == sha256(two / "media" / f), f


@pytest.mark.parametrize("flag, jobs", [(None, len(os.sched_getaffinity(0))), ("-j1", 1),
                                        ("-j3", 3)])
def test_make_runs_one_job_per_core_unless_told(flag, jobs):
    """`make videos` alone runs as many jobs as there are cores; a -jN on the command line wins."""
    probe = "jobs-probe: ; @:$(info $(MAKEFLAGS))"
    res = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *filter(None, [flag]),
                          "--eval", probe, "jobs-probe"], capture_output=True, text=True,
                         env=sandbox.make_env(), check=True)
    given = [w for w in res.stdout.split() if w.startswith("-j")]
    assert given == [f"-j{jobs}"], (flag, res.stdout)


def test_generated_rules_depend_on_each_data_file():
    from render.cli import makefile_text
    from scenes.registry import SCENES as REAL

    text = makefile_text(REAL)
    for name, e in REAL.items():
        rule = next(ln for ln in text.splitlines() if ln.startswith(f"$(MASTER)/{name}.mp4:"))
        deps = rule.split(":", 1)[1].split()
        assert f"scenes/{e.module}.py" in deps and "$(VIDEO_OPTS)" in deps
        assert sorted(d for d in deps if d.startswith("$(DATA)/")) == sorted(f"$(DATA)/{s}.npz" for s in e.data)


def test_without_an_av1_encoder_the_build_says_so_once_and_publishes_the_mp4(tmp_path):
    root = project(tmp_path, scenes={"fixture-hill": SCENES["fixture-hill"]}, scene_files=FILES[1:])
    shim = tmp_path / "bin"
    shim.mkdir()
    real = subprocess.run(["which", "ffmpeg"], capture_output=True, text=True).stdout.strip()
    (shim / "ffmpeg").write_text(  # an ffmpeg built without libsvtav1
        "#!/bin/sh\n"
        f'case " $* " in *" -encoders "*) {real} "$@" | grep -v libsvtav1; exit ;; '
        '*libsvtav1*) echo "Unknown encoder libsvtav1" >&2; exit 1 ;; esac\n'
        f'exec {real} "$@"\n')
    (shim / "ffmpeg").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    res = sandbox.make(root, "videos", Q, jobs=2, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if "libsvtav1" in ln]
    assert len(lines) == 1 and "AV1 skipped" in lines[0] and "apt-get install" in lines[0], res.stderr
    media = root / "media"
    assert not list(media.rglob("*.av1.mp4"))
    check_manifest_formats = json.loads((media / "manifest.json").read_text())
    assert {o["format"] for o in check_manifest_formats["outputs"]} == {"h264", "gif", "captions", "poster"}
    page = (media / "index.html").read_text()
    assert '<source src="videos/fixture-hill.mp4" type="video/mp4">' in page and "av01" not in page
    res = sandbox.make(root, "videos", Q, env=env)  # and nothing to redo
    assert res.stdout.strip() == NOTHING_TO_DO, res.stdout
