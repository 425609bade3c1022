"""Reusable scene pieces. Modules here that need manim import it themselves; theme.py does not."""
