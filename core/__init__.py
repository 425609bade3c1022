"""Pure-NumPy gradient descent: objectives, optimizers, the runner and the post's scenarios.

Nothing in this package imports manim or matplotlib; the scenes and figures read the data files
it writes (``build/data/<scenario>.npz``).
"""
