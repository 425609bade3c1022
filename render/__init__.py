"""Orchestration: rendering, ffmpeg post-processing, figures, exports, benchmarks."""
