"""render/ffmpeg.py's graph builders (through ``.get_args()``) and the exports built on them,
checked against ffprobe and against frames decoded independently with the ffmpeg binary."""

import struct
import subprocess

import numpy as np
import pytest

from render import exports, ffmpeg


def opt(args, flag):
    """The value following ``flag`` in an ffmpeg argument list (or None)."""
    return args[args.index(flag) + 1] if flag in args else None


def top_level_boxes(path):
    """The MP4's top-level box types in file order (an independent parser, not ffprobe)."""
    boxes = []
    with open(path, "rb") as f:
        while True:
            head = f.read(8)
            if len(head) < 8:
                return boxes
            size, kind = struct.unpack(">I4s", head)
            hdr = 8
            if size == 1:
                size, hdr = struct.unpack(">Q", f.read(8))[0], 16
            boxes.append(kind.decode("latin-1"))
            if size == 0:
                return boxes
            f.seek(size - hdr, 1)


def decode_gray(path, width, height):
    """Every frame of ``path`` as grey bytes at width x height, decoded by the ffmpeg binary."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"scale={width}:{height}",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True,
                         check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A 2 s, 10 fps, 320x180 H.264 clip with its index at the end (like manim's), whose
    brightness steps up each second: frames 0-9 dark grey, 10-19 light grey."""
    path = tmp_path_factory.mktemp("src") / "src.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "color=c=0x202020:s=320x180:r=10:d=1", "-f", "lavfi", "-i",
                    "color=c=0xD0D0D0:s=320x180:r=10:d=1", "-filter_complex", "[0][1]concat=n=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    """1 s of 480x270 noise at 15 fps: GIFs of it are big, to exercise the size budget."""
    path = tmp_path_factory.mktemp("noise") / "noise.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=480x270:r=15:d=1",
                    "-vf", "noise=alls=60:allf=t", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-crf", "30", "-y", str(path)], check=True)
    return path


# --------------------------------------------------------------------------- pure graph builders

def test_faststart_is_a_stream_copy_with_the_index_first():
    args = ffmpeg.faststart_mp4("in.mp4", "out.tmp", comment='{"scene": "x"}').get_args()
    assert opt(args, "-i") == "in.mp4" and opt(args, "-c:v") == "copy"
    assert opt(args, "-movflags") == "+faststart" and opt(args, "-f") == "mp4"
    assert opt(args, "-map_metadata") == "-1" and "-an" in args
    assert opt(args, "-metadata") == 'comment={"scene": "x"}'
    assert "out.tmp" in args and "-y" in args and opt(args, "-loglevel") == "error"
    assert "-crf" not in args and "-pix_fmt" not in args


def test_faststart_reencodes_to_h264_yuv420p_when_asked():
    args = ffmpeg.faststart_mp4("in.mp4", "out.tmp", reencode=True).get_args()
    assert opt(args, "-c:v") == "libx264" and opt(args, "-pix_fmt") == "yuv420p"
    assert opt(args, "-movflags") == "+faststart" and "-metadata" not in args


def test_h264_is_x264_tuned_for_animation_with_the_index_first():
    args = ffmpeg.h264_mp4("in.mp4", "out.tmp", comment="c").get_args()
    assert opt(args, "-c:v") == "libx264" and opt(args, "-f") == "mp4"
    assert (opt(args, "-preset"), opt(args, "-tune"), opt(args, "-crf")) == \
        (ffmpeg.H264["preset"], "animation", str(ffmpeg.H264["crf"]))
    assert opt(args, "-x264-params") == "subme=1:b-adapt=0"
    web = ffmpeg.web_exports("in.mp4", "a.tmp", "b.tmp", "c.tmp", width=320, fps=12).get_args()
    assert opt(web, "-x264-params") == "subme=1:b-adapt=0"  # the published MP4 too
    assert opt(args, "-pix_fmt") == "yuv420p" and opt(args, "-movflags") == "+faststart"
    assert opt(args, "-metadata") == "comment=c" and opt(args, "-map_metadata") == "-1"
    assert "-an" in args


def test_av1_is_svt_av1_in_mp4_on_one_logical_processor():
    args = ffmpeg.av1_mp4("in.mp4", "out.tmp", crf=44).get_args()
    assert opt(args, "-c:v") == "libsvtav1" and opt(args, "-f") == "mp4"
    assert opt(args, "-preset") == str(ffmpeg.AV1["preset"]) and opt(args, "-crf") == "44"
    assert opt(args, "-svtav1-params") == "lp=1:scm=1" and opt(args, "-pix_fmt") == "yuv420p"
    assert opt(args, "-movflags") == "+faststart" and "-metadata" not in args


def test_a_scenes_av1_crf_reaches_its_encode_and_its_make_rules():
    from render.cli import makefile_text
    from scenes.registry import SCENES

    args = ffmpeg.web_exports("in.mp4", "a.tmp", "b.tmp", "c.tmp", width=320, fps=12, av1_crf=44).get_args()
    av1 = args[args.index("libsvtav1"):]
    assert opt(av1, "-crf") == "44" and opt(args, "-crf") == str(ffmpeg.H264["crf"])  # x264's first
    default = ffmpeg.web_exports("in.mp4", "a.tmp", "b.tmp", "c.tmp", width=320, fps=12).get_args()
    assert opt(default[default.index("libsvtav1"):], "-crf") == str(ffmpeg.AV1["crf"])
    text = makefile_text(SCENES)
    for name, e in SCENES.items():
        crf = e.av1_crf if e.av1_crf is not None else ffmpeg.AV1["crf"]
        assert f"AV1_CRF.{name} := {crf}\n" in text, name
        assert f"call option_file,$(RBUILD)/options/encode.{name},av1_crf=$(AV1_CRF.{name})" in text, name


def test_every_decoder_and_encoder_runs_on_one_thread():
    # make -jN runs N jobs side by side; a fixed thread count also fixes the encoders' bytes
    graphs = {"h264": ffmpeg.h264_mp4("in.mp4", "out.tmp"),
              "av1": ffmpeg.av1_mp4("in.mp4", "out.tmp"),
              "web": ffmpeg.web_exports("in.mp4", "a.tmp", "b.tmp", "c.tmp", width=320, fps=12),
              "gif": ffmpeg.gif("in.mp4", "out.tmp", width=360, fps=12),
              "poster": ffmpeg.poster_png("in.mp4", "p.tmp", time=1),
              "samples": ffmpeg.sample_frames("in.mp4", every=4, width=96, height=54)}
    for name, graph in graphs.items():
        args = graph.get_args()
        before_input = args[:args.index("-i")]
        assert opt(before_input, "-threads") == "1", (name, args)
    for name in ("h264", "av1"):
        args = graphs[name].get_args()
        assert opt(args[args.index("-i"):], "-threads") == "1", name
    web = graphs["web"].get_args()
    assert web.count("-threads") == 3  # the decoder, x264 and SVT-AV1 (the GIF has no threads)
    assert opt(web, "-svtav1-params") == "lp=1:scm=1"


def test_av1_codecs_string():
    info = ffmpeg.VideoInfo("av1", "yuv420p", 1920, 1080, 60, 1.0, 60, {}, "Main", 9)
    assert ffmpeg.av1_codecs(info) == "av01.0.09M.08"
    assert ffmpeg.av1_codecs(info._replace(level=-99, pix_fmt="yuv420p10le")) == "av01.0.31M.10"


def test_gif_graph_is_fps_scale_then_palettegen_and_paletteuse():
    args = ffmpeg.gif("in.mp4", "out.tmp", width=360, fps=12).get_args()
    graph = opt(args, "-filter_complex")
    order = ["fps=fps=12", "scale=360:-1:flags=lanczos", "split=2", "palettegen=stats_mode=diff",
             "paletteuse="]
    positions = [graph.index(part) for part in order]
    assert positions == sorted(positions), graph
    assert opt(args, "-f") == "gif" and opt(args, "-loop") == "0"
    assert graph.endswith(opt(args, "-map"))  # the output is paletteuse's


def test_gif_refuses_more_than_480_px():
    with pytest.raises(ValueError, match="480"):
        ffmpeg.gif("in.mp4", "out.tmp", width=481, fps=10)


def test_gif_fps_is_written_as_an_exact_fraction():
    graph = opt(ffmpeg.gif("a", "b", width=100, fps=30000 / 1001).get_args(), "-filter_complex")
    assert "fps=fps=30000/1001" in graph


def test_poster_seeks_on_the_input_and_writes_one_png():
    args = ffmpeg.poster_png("in.mp4", "p.tmp", time=2.25).get_args()
    assert args.index("-ss") < args.index("-i") and opt(args, "-ss") == "2.250000"
    assert opt(args, "-vframes") == "1" and opt(args, "-vcodec") == "png"
    assert ffmpeg.poster_png("in.mp4", "p.tmp", time=-1).get_args()[1] == "0.000000"


def test_sample_frames_selects_every_nth_as_grey_bytes():
    args = ffmpeg.sample_frames("in.mp4", every=4, width=96, height=54).get_args()
    graph = opt(args, "-filter_complex")
    assert r"select=not(mod(n\,4))" in graph and "scale=96:54" in graph and "format=gray" in graph
    assert opt(args, "-f") == "rawvideo" and opt(args, "-pix_fmt") == "gray" and "pipe:" in args


# --------------------------------------------------------------------------- the edge

def test_run_raises_quoting_ffmpeg(tmp_path):
    with pytest.raises(ffmpeg.FFmpegError, match="No such file or directory") as err:
        ffmpeg.run(ffmpeg.poster_png(tmp_path / "missing.mp4", tmp_path / "p.tmp", time=0),
                   what="poster of missing.mp4")
    assert "poster of missing.mp4" in str(err.value)


def test_probe_raises_quoting_ffprobe(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(ffmpeg.FFmpegError, match="bad.mp4"):
        ffmpeg.probe(bad)


def test_video_info_counts_frames(source):
    info = ffmpeg.video_info(source)
    assert (info.codec, info.pix_fmt, info.width, info.height) == ("h264", "yuv420p", 320, 180)
    assert info.fps == 10 and info.frames == 20 and info.duration == pytest.approx(2.0)


def test_faststart_moves_moov_before_mdat_and_keeps_every_frame(source, tmp_path):
    assert top_level_boxes(source).index("moov") > top_level_boxes(source).index("mdat")
    out = tmp_path / "out.mp4"
    ffmpeg.run(ffmpeg.faststart_mp4(source, out, comment="hello"), what="remux")
    boxes = top_level_boxes(out)
    assert boxes.index("moov") < boxes.index("mdat"), boxes
    info = ffmpeg.video_info(out)
    assert (info.codec, info.pix_fmt, info.frames) == ("h264", "yuv420p", 20)
    assert info.tags["comment"] == "hello"
    assert np.array_equal(decode_gray(out, 32, 18), decode_gray(source, 32, 18))  # a copy, not a re-encode


def test_h264_and_av1_exports_keep_every_frame(source, tmp_path):
    for name, graph in (("h264", ffmpeg.h264_mp4), ("av1", ffmpeg.av1_mp4)):
        out = tmp_path / f"out.{name}.mp4"
        ffmpeg.run(graph(source, out, comment="hello"), what=name)
        info = ffmpeg.video_info(out)
        assert (info.codec, info.pix_fmt, info.width, info.frames) == (name, "yuv420p", 320, 20)
        assert info.tags["comment"] == "hello"
        boxes = top_level_boxes(out)
        assert boxes.index("moov") < boxes.index("mdat"), (name, boxes)
        frames = decode_gray(out, 32, 18).astype(int)
        assert abs(frames[:10].mean() - 0x20) < 6 and abs(frames[10:].mean() - 0xD0) < 6, name
        if name == "av1":
            level = ffmpeg.av1_codecs(info)
            assert level.startswith("av01.0.") and level.endswith("M.08") and info.profile == "Main"


def test_poster_shows_the_frame_at_its_time(source, tmp_path):
    dark, light = tmp_path / "dark.png", tmp_path / "light.png"
    exports.make_poster(source, dark, time=0.45)
    exports.make_poster(source, light, time=1.05)
    assert decode_gray(dark, 8, 8).mean() < 60 and decode_gray(light, 8, 8).mean() > 180


def test_poster_time_skips_a_fade_out(tmp_path):
    # 1 s of a drawn square, then 1 s of an empty frame: the poster is the last drawn frame.
    src = tmp_path / "fade.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=white:s=160x90:r=10:d=2",
                    "-vf", "drawbox=x=40:y=20:w=60:h=50:c=black:t=fill:enable='lt(t,1)'",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", str(src)], check=True)
    t = exports.poster_time(src)
    assert 0.85 <= t < 1.0  # frame 9 (t = 0.9), the last one with the square
    out = tmp_path / "poster.png"
    exports.make_poster(src, out)
    img = decode_gray(out, 160, 90)[0]
    assert img[45, 70] < 40 and img[80, 140] > 215  # the square is there, on white


def test_poster_time_judged_from_the_gif_matches_the_mp4(tmp_path):
    # 30 fps: a square for 2 s, then a fade to white over 1 s. The GIF (15 fps, smaller) picks
    # the same moment as the full MP4, within one GIF frame, and the poster shows the square.
    src = tmp_path / "fade.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=white:s=320x180:r=30:d=3",
                    "-vf", "drawbox=x=80:y=40:w=120:h=100:c=black:t=fill,fade=t=out:st=2:d=1:c=white",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", str(src)], check=True)
    gif = tmp_path / "fade.gif"
    exports.make_gif(src, gif)
    t_mp4, t_gif = exports.poster_time(src), exports.poster_time(src, samples=gif)
    assert 1.9 <= t_mp4 <= 2.15, t_mp4
    assert abs(t_gif - t_mp4) <= 1 / 15 + 1e-9, (t_gif, t_mp4)
    out = tmp_path / "poster.png"
    exports.make_poster(src, out, samples=gif)
    img = decode_gray(out, 320, 180)[0]
    assert img[90, 140] < 60 and img[170, 300] > 215, (img[90, 140], img[170, 300])


def test_pick_poster_index_and_ink():
    assert exports.pick_poster_index([0.0, 0.5, 1.0, 0.9, 0.2, 0.0]) == 3
    assert exports.pick_poster_index([0.3]) == 0
    frames = np.full((2, 10, 10), 250, np.uint8)
    frames[1, 2:7, 2:6] = 20  # 20 of 100 pixels drawn, 230 grey levels from the background
    frames[0, 0:5, 5] = 247  # compression noise on the other frame
    assert exports.ink(frames) == pytest.approx([0.0, 0.2 * 230 / 255])


def test_gif_candidates_lower_fps_first_then_width():
    c = exports.gif_candidates(1920, 60)
    assert c[0] == (480, 15) and c[:4] == [(480, 15), (480, 12), (480, 10), (480, 8)]
    assert [w for w, _ in c[4:]] == sorted([w for w, _ in c[4:]], reverse=True)
    assert all(w <= 480 for w, _ in c) and all(f == 8 for _, f in c[4:])
    assert exports.gif_candidates(256, 5)[0] == (256, 5)  # never upscaled or sped up


def test_gif_within_budget_is_not_reduced(source, tmp_path):
    res = exports.make_gif(source, tmp_path / "a.gif")
    info = ffmpeg.video_info(res.path)
    assert (info.codec, info.width, info.frames) == ("gif", 320, 20)
    assert not res.reduced and res.note() is None and res.bytes == res.path.stat().st_size


def test_gif_over_budget_reduces_fps_then_width_and_says_so(noisy, tmp_path):
    full = exports.make_gif(noisy, tmp_path / "full.gif")
    assert full.width == 480 and full.fps == 15  # the source size and rate
    budget = full.bytes // 3
    res = exports.make_gif(noisy, tmp_path / "small.gif", budget=budget)
    size = res.path.stat().st_size
    assert size <= budget and res.reduced and res.attempts[0][2] > budget
    assert (res.width, res.fps) != (480, 15) and res.width <= 480
    info = ffmpeg.video_info(res.path)
    assert info.width == res.width and info.frames == round(1 * res.fps)
    assert "budget" in res.note(budget) and f"{res.width} px" in res.note(budget)


def test_gif_impossible_budget_fails_and_writes_nothing(source, tmp_path):
    out = tmp_path / "x.gif"
    with pytest.raises(ffmpeg.FFmpegError, match="budget"):
        exports.make_gif(source, out, budget=100)
    assert not out.exists()


def packets(path):
    """framemd5 lines of the encoded video frames (muxers' headers may differ by a few bytes)."""
    return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy",
                           "-f", "framemd5", "-"], capture_output=True, check=True).stdout


def test_web_exports_from_one_decode_equal_the_separate_exports(noisy, tmp_path):
    args = ffmpeg.web_exports("in.mp4", "a.tmp", "b.tmp", "c.tmp", width=320, fps=12).get_args()
    assert args.count("-i") == 1 and args.count("-map") == 3  # one input, three outputs
    assert "split=3" in opt(args, "-filter_complex")
    info = ffmpeg.video_info(noisy)
    web = exports.make_web(noisy, tmp_path / "a.mp4", tmp_path / "a.av1.mp4", tmp_path / "a.gif")
    assert web.av1 == tmp_path / "a.av1.mp4" and web.notes == ()
    ffmpeg.run(ffmpeg.h264_mp4(noisy, tmp_path / "b.mp4", comment=info.tags.get("comment")), what="h264")
    ffmpeg.run(ffmpeg.av1_mp4(noisy, tmp_path / "b.av1.mp4"), what="av1")
    alone = exports.make_gif(noisy, tmp_path / "b.gif")
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()
    assert (web.gif.width, web.gif.fps, web.gif.bytes) == (alone.width, alone.fps, alone.bytes)
    for a, b in (("a.mp4", "b.mp4"), ("a.av1.mp4", "b.av1.mp4")):
        assert packets(tmp_path / a) == packets(tmp_path / b), a
        assert len(packets(tmp_path / a).splitlines()) > 10


def test_web_exports_copy_the_masters_provenance(source, tmp_path):
    master = tmp_path / "master.mp4"
    ffmpeg.run(ffmpeg.faststart_mp4(source, master, comment='{"scene": "x"}'), what="remux")
    web = exports.make_web(master, tmp_path / "a.mp4", tmp_path / "a.av1.mp4", tmp_path / "a.gif")
    for path in (web.mp4, web.av1):
        assert ffmpeg.video_info(path).tags["comment"] == '{"scene": "x"}', path


def test_without_an_av1_encoder_the_mp4_and_gif_are_written_and_the_package_named(
        source, tmp_path, monkeypatch):
    monkeypatch.setattr(ffmpeg, "encoders", lambda: frozenset({"libx264", "gif"}))
    web = exports.make_web(source, tmp_path / "a.mp4", tmp_path / "a.av1.mp4", tmp_path / "a.gif")
    assert web.av1 is None and not (tmp_path / "a.av1.mp4").exists()
    assert ffmpeg.video_info(web.mp4).codec == "h264" and web.gif.path.exists()
    assert len(web.notes) == 1 and "\n" not in web.notes[0]
    assert "libsvtav1" in web.notes[0] and "apt-get install" in web.notes[0]


def test_encoders_lists_this_ffmpegs_video_encoders():
    names = ffmpeg.encoders()
    assert {"libx264", "gif", "png"} <= names and "aac" not in names  # video only


def test_web_exports_reduce_a_gif_over_budget_and_fail_cleanly(noisy, tmp_path):
    full = exports.make_gif(noisy, tmp_path / "full.gif")
    res = exports.make_web(noisy, tmp_path / "a.mp4", tmp_path / "a.av1.mp4", tmp_path / "a.gif",
                           budget=full.bytes // 3)
    assert res.gif.reduced and res.gif.path.stat().st_size <= full.bytes // 3
    assert any("gif budget" in n for n in res.notes)
    assert ffmpeg.video_info(tmp_path / "a.av1.mp4").codec == "av1"
    with pytest.raises(ffmpeg.FFmpegError, match="budget"):
        exports.make_web(noisy, tmp_path / "b.mp4", tmp_path / "b.av1.mp4", tmp_path / "b.gif",
                         budget=100)
    assert not list(tmp_path.glob("b.*"))


def test_only_render_ffmpeg_imports_ffmpeg_python():
    import ast

    from conftest import ROOT

    offenders = []
    for path in sorted(p for d in ("core", "scenes", "render", "tests") for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            if any(n == "ffmpeg" or n.startswith("ffmpeg.") for n in names):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == ["render/ffmpeg.py"]
