"""render/bench_formats.py: the scores against an independent oracle (a frame compared with
itself, and a known degradation), and the equal-SSIM interpolation."""

import math
import subprocess

import pytest

from render import bench_formats as bf


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    d = tmp_path_factory.mktemp("clip")
    src = d / "src.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=160x90:r=10:d=1",
                    "-c:v", "libx264", "-crf", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-y", str(src)], check=True)
    return src


def test_a_video_scored_against_itself_is_perfect(clip):
    ssim, psnr = bf.score(clip, clip)
    assert ssim == 1.0 and psnr == math.inf


def test_scores_fall_with_quality(clip, tmp_path):
    rows = bf.measure(clip, ["h264", "av1", "av1-q+"], tmp_path)
    by = {r["format"]: r for r in rows}
    assert by["h264"]["bytes_vs_mp4"] == 1.0
    for r in rows:
        assert 0.5 < r["ssim"] < 1 and 20 < r["psnr"] < 80, r
    assert by["av1-q+"]["ssim"] > by["av1"]["ssim"]  # a lower CRF keeps more
    assert by["av1-q+"]["bytes"] > by["av1"]["bytes"]
    line = bf.goal_line("clip", rows)
    assert line.startswith("clip: AV1 ") and "at the MP4's SSIM" in line


def test_bytes_at_an_ssim_between_two_encodes():
    s1, s2 = 0.99, 0.999  # 20 and 30 dB
    assert bf.ssim_db(s1) == pytest.approx(20) and bf.ssim_db(s2) == pytest.approx(30)
    points = [(1000, s1), (4000, s2)]
    assert bf.bytes_at(s1, points) == pytest.approx(1000)
    assert bf.bytes_at(1 - 10 ** -2.5, points) == pytest.approx(2000)  # 25 dB: half way in log
    assert bf.bytes_at(1 - 10 ** -3.5, points) == pytest.approx(8000)  # extrapolated
    rows = [{"format": "h264", "bytes": 4000, "ssim": 1 - 10 ** -2.5},
            {"format": "av1", "bytes": 1000, "ssim": s1}, {"format": "av1-q+", "bytes": 4000, "ssim": s2}]
    assert bf.equal_ssim_ratio(rows) == pytest.approx(0.5)


def test_block_errors_find_a_single_wrong_block(tmp_path):
    """A flat black clip, and its copy with one white 8x8 block in frames 3-5 (10 fps): those three
    frames are counted, the worst error is white minus black on the full grey scale (255, as the
    frame shows them; both clips are lossless), at 0.3 s; the clip against itself has none."""
    def clip(name, vf=None):
        path = tmp_path / name
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=black:s=160x96:r=10:d=1",
                        *(["-vf", vf] if vf else []), "-c:v", "libx264", "-crf", "0", "-preset",
                        "ultrafast", "-pix_fmt", "yuv420p", "-y", str(path)], check=True)
        return path

    ref = clip("ref.mp4")
    bad = clip("bad.mp4", "drawbox=x=40:y=24:w=8:h=8:color=white:t=fill:enable='between(n,3,5)'")
    assert bf.block_errors(ref, ref) == {"frames_over": 0, "frames": 10, "worst": 0, "worst_at": 0.0}
    assert bf.block_errors(ref, bad) == {"frames_over": 3, "frames": 10, "worst": 255,
                                         "worst_at": 0.3}
