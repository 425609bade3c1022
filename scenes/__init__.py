"""Manim scenes: each maps a scenario's precomputed data (build/data/*.npz) to mobjects."""
