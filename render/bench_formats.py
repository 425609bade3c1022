"""``make bench`` (formats part): bytes, SSIM and PSNR of every published video format, per scene,
against the lossless render it is encoded from.

    python -m render.bench_formats [--scenes a,b] [--quality high] [--masters DIR]
                                   [--also vp9,h264-veryfast] [--out build/bench/formats.json]

Each scene is rendered losslessly (what ``make videos`` renders: x264 at crf 0, the exact yuv420p
pictures), or read from ``--masters DIR/<scene>.mp4`` when there (``make bench`` keeps those of
``render.bench_render``, rendered at high quality); then each format is encoded from it as
``make videos`` does, on one thread, and scored against it with ffmpeg's ``ssim`` and ``psnr``
filters (all planes; SSIM also in dB, −10 log10(1 − SSIM)). CPU seconds are the encoder's own
(user + system of the ffmpeg process, the master's decode included). ``--also`` adds formats that
were measured before choosing: ``vp9`` (the WebM this project served before, realtime speed 8,
crf 38) and ``h264-veryfast`` (the x264 settings manim rendered with, in one pass).

Goals: the first source (AV1) at most 0.7x the MP4's bytes at an SSIM at least the MP4's; the MP4
no larger than the one manim wrote before at equal SSIM. AV1 is encoded at the scene's CRF (its
registry entry's ``av1_crf``, else render/ffmpeg.py's default), and also ``CRF_STEP`` lower
(``av1-q+``) to interpolate its bytes at the MP4's SSIM exactly (log bytes linear in SSIM dB): the
goal line prints both, so a scene whose CRF misses shows which way to move it. SSIM averages over
the frame, so each format also gets a count of frames with one wrong block (:func:`block_errors`):
a stale digit in a readout, which no average notices. Figures are printed and saved as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from render import exports, ffmpeg, outputs, pipeline
from render.pipeline import ROOT

AV1_GOAL = 0.7  # the first source's bytes / the MP4's, at equal or better SSIM
CRF_STEP = 4  # the second AV1 encode, for the bytes at the MP4's SSIM


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def formats(crf: int = ffmpeg.AV1["crf"]) -> dict:
    """name -> graph builder ``(src, dst) -> stream``: the published formats (AV1 at ``crf``, a
    scene's :func:`render.exports.av1_crf`), then the others."""
    return {
        "av1": lambda src, dst: ffmpeg.av1_mp4(src, dst, crf=crf),
        "av1-q+": lambda src, dst: ffmpeg.av1_mp4(src, dst, crf=crf - CRF_STEP),
        "h264": lambda src, dst: ffmpeg.h264_mp4(src, dst),
        "vp9": lambda src, dst: ffmpeg.webm_vp9(src, dst),
        "h264-veryfast": lambda src, dst: ffmpeg.h264_mp4(src, dst, preset="veryfast", tune=None,
                                                          crf=23, params=None),
    }


def score(reference: Path, encoded: Path) -> tuple[float, float]:
    """(SSIM, PSNR in dB) of ``encoded`` against ``reference``, averaged over frames and planes."""
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-threads", "1", "-i", str(encoded), "-threads",
            "1", "-i", str(reference), "-lavfi",
            "[0:v]split[a0][a1];[1:v]split[b0][b1];[a0][b0]ssim;[a1][b1]psnr", "-f", "null", "-"]
    err = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True).stderr
    ssim = re.search(r"SSIM .*All:([\d.]+)", err)
    psnr = re.search(r"PSNR .*average:([\d.]+|inf)", err)
    if not (ssim and psnr):
        raise ffmpeg.FFmpegError(f"scoring {encoded.name}: {err.strip().splitlines()[-1:]}")
    return float(ssim.group(1)), float(psnr.group(1))


BLOCK = 8  # pixels: a block about the size of a stroke of a small digit at 1080p
BLOCK_LIMIT = 20  # of 255 grey levels (luma as shown), a block's mean error: a wrong glyph, not noise


def block_errors(reference: Path, encoded: Path) -> dict:
    """Frames of ``encoded`` with a ``BLOCK`` × ``BLOCK`` block of luma off from ``reference`` by more
    than ``BLOCK_LIMIT`` grey levels on average, the worst block's error and the time of its frame.

    What SSIM, an average over the frame, cannot see: AV1 at SVT-AV1's preset 13 showed
    descent-rule's readout "0.062" as "0.069" (a digit of an earlier frame) at an SSIM as good as
    the MP4's. Measured in ffmpeg: the absolute difference of the luma planes (``blend``),
    averaged over blocks (``scale`` by 1/BLOCK with area averaging), its maximum per frame
    (``signalstats`` YMAX)."""
    graph = (f"[0:v]format=gray[e];[1:v]format=gray[r];[e][r]blend=all_mode=difference,"
             f"scale=iw/{BLOCK}:ih/{BLOCK}:flags=area,signalstats,"
             f"metadata=mode=print:key=lavfi.signalstats.YMAX:file=-")
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-threads", "1", "-i",
            str(encoded), "-threads", "1", "-i", str(reference), "-lavfi", graph, "-f", "null", "-"]
    res = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    times = [float(t) for t in re.findall(r"pts_time:([\d.]+)", res.stdout)]
    levels = [int(v) for v in re.findall(r"YMAX=(\d+)", res.stdout)]
    if res.returncode != 0 or not levels or len(levels) != len(times):
        raise ffmpeg.FFmpegError(f"block errors of {encoded.name}: "
                                 f"{(res.stderr.strip().splitlines() or ['no frames'])[-1]}")
    worst = max(range(len(levels)), key=levels.__getitem__)
    return {"frames_over": sum(v > BLOCK_LIMIT for v in levels), "frames": len(levels),
            "worst": levels[worst], "worst_at": round(times[worst], 3)}


def ssim_db(ssim: float) -> float:
    return math.inf if ssim >= 1 else -10 * math.log10(1 - ssim)


def measure(master: Path, names, tmp: Path, av1_crf: int = ffmpeg.AV1["crf"]) -> list[dict]:
    """Encode ``master`` in each format of ``names`` and score it; one row per format."""
    builders = formats(av1_crf)
    rows = []
    for name in names:
        if name == "av1" and not ffmpeg.has_av1():
            rows.append({"format": name, "error": ffmpeg.av1_missing_line()})
            continue
        dst = tmp / f"{master.stem}.{name}"
        cpu0 = _children_cpu()
        ffmpeg.run(builders[name](master, dst), what=f"{master.stem}: {name} encode")
        cpu = _children_cpu() - cpu0
        ssim, psnr = score(master, dst)
        rows.append({"format": name, "bytes": dst.stat().st_size, "ssim": ssim, "psnr": psnr,
                     "cpu_seconds": round(cpu, 1), "blocks": block_errors(master, dst)})
        dst.unlink()
    mp4 = next((r for r in rows if r["format"] == "h264" and "bytes" in r), None)
    for r in rows:
        if mp4 and "bytes" in r:
            r["bytes_vs_mp4"] = round(r["bytes"] / mp4["bytes"], 3)
    return rows


def bytes_at(ssim: float, points) -> float:
    """Bytes at ``ssim`` from two (bytes, SSIM) encodes of one encoder: log(bytes) linear in SSIM
    in dB between (or beyond) them, as rate-distortion curves are over a few CRF steps."""
    (b1, s1), (b2, s2) = points
    d1, d2, d = ssim_db(s1), ssim_db(s2), ssim_db(ssim)
    if d1 == d2:
        return float(min(b1, b2))
    t = (d - d1) / (d2 - d1)
    return math.exp(math.log(b1) + t * (math.log(b2) - math.log(b1)))


def equal_ssim_ratio(rows: list[dict]) -> float | None:
    """AV1's bytes at the MP4's SSIM over the MP4's bytes (from the two AV1 encodes)."""
    by = {r["format"]: r for r in rows if "bytes" in r}
    if not {"av1", "av1-q+", "h264"} <= set(by):
        return None
    m = by["h264"]
    points = [(by[f]["bytes"], by[f]["ssim"]) for f in ("av1", "av1-q+")]
    return bytes_at(m["ssim"], points) / m["bytes"]


def goal_line(scene: str, rows: list[dict]) -> str:
    by = {r["format"]: r for r in rows if "bytes" in r}
    if "av1" not in by or "h264" not in by:
        return f"{scene}: AV1 not measured"
    a, m = by["av1"], by["h264"]
    ok = a["bytes"] <= AV1_GOAL * m["bytes"] and a["ssim"] >= m["ssim"]
    ratio = equal_ssim_ratio(rows)
    at = (f"; at the MP4's SSIM AV1 would take {ratio:.2f}x "
          f"({'within' if ratio <= AV1_GOAL else 'OVER'} {AV1_GOAL}x)" if ratio else "")
    return (f"{scene}: AV1 {a['bytes_vs_mp4']:.2f}x the MP4's bytes at SSIM {a['ssim']:.5f} vs "
            f"{m['ssim']:.5f} ({'meets' if ok else 'misses'} <= {AV1_GOAL}x at >= SSIM){at}")


def print_table(scene: str, frames: int, rows: list[dict]) -> None:
    print(f"{scene} ({frames} frames)")
    for r in rows:
        if "error" in r:
            print(f"  {r['format']:<14} {r['error']}")
            continue
        b = r["blocks"]
        print(f"  {r['format']:<14}{r['bytes'] / 1e3:>9.0f} kB{r.get('bytes_vs_mp4', 0):>7.2f}x"
              f"{r['ssim']:>10.5f}{ssim_db(r['ssim']):>8.2f} dB{r['psnr']:>8.2f} dB"
              f"{r['cpu_seconds']:>8.1f} CPU-s{b['frames_over']:>8d}{b['worst']:>6d} at "
              f"{b['worst_at']:.2f} s", flush=True)


HEADER = (f"  {'format':<14}{'bytes':>12}{'xMP4':>8}{'SSIM':>10}{'SSIM':>11}{'PSNR':>11}"
          f"{'encode':>14}{'blocks':>8}{'worst':>6}\n  (blocks: frames with an {BLOCK}x{BLOCK} "
          f"block of luma off by more than {BLOCK_LIMIT} grey levels on average; worst: the largest "
          f"such error, and when)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m render.bench_formats",
                                description=__doc__.split("\n")[0])
    p.add_argument("--scenes", default=None, help="comma-separated (default: every scene with a file)")
    p.add_argument("--quality", default="high")
    p.add_argument("--masters", default=None,
                   help="a folder of lossless renders <scene>.mp4 to use where present (they must "
                        "be of --quality)")
    p.add_argument("--also", default="", help="formats measured for comparison: vp9,h264-veryfast")
    p.add_argument("--out", default=str(ROOT / "build" / "bench" / "formats.json"))
    args = p.parse_args(argv)

    scenes = pipeline.registry()
    names = args.scenes.split(",") if args.scenes else \
        [n for n, e in scenes.items() if pipeline.scene_file(e).exists()]
    for n in names:
        pipeline.get_scene(n)
    pipeline.get_quality(args.quality)
    also = [f for f in args.also.split(",") if f]
    unknown = [f for f in also if f not in formats()]
    if unknown:
        p.error(f"unknown format {unknown[0]!r}; valid: {', '.join(formats())}")
    result = {"quality": args.quality, "scenes": []}
    print(f"== formats against the lossless render, {args.quality}; SSIM and PSNR over all planes, "
          f"encode = CPU seconds of the encoder on one thread")
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        tmp = Path(tmp)
        for name in names:
            kept = Path(args.masters) / f"{name}.mp4" if args.masters else None
            master = kept if kept is not None and kept.exists() else tmp / f"{name}.mp4"
            if master.parent == tmp:
                pipeline.render_video(name, args.quality, out=master, key="bench-formats",
                                      lossless=True)
            frames = ffmpeg.video_info(master).frames
            crf = exports.av1_crf(pipeline.get_scene(name))
            rows = measure(master, ["av1", "h264", "av1-q+", *also], tmp, av1_crf=crf)
            print_table(name, frames, rows)
            print(f"  (AV1 at crf {crf}, the scene's; av1-q+ at crf {crf - CRF_STEP})")
            print("  " + goal_line(name, rows), flush=True)
            ratio = equal_ssim_ratio(rows)
            result["scenes"].append({"scene": name, "frames": frames, "formats": rows,
                                     "av1_bytes_at_mp4_ssim": round(ratio, 3) if ratio else None})
            if master.parent == tmp:
                master.unlink()
    out = Path(args.out)
    outputs.write_text_atomic(out, json.dumps(result, indent=2) + "\n")
    print(f"figures saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
