# Figures: every still of the post (and the optimizer races of issue 6) as
# media/figures/<name>.png (200 dpi) + .svg, from render/figures.py.
#
# Incremental: a figure is redrawn only when its code (render/figures.py, render/figstyle.py), the
# theme (assets/theme.json and its loader scenes/components/theme.py) or the data files it reads
# changed; the data files are rewritten only when their bytes change, so recomputing a scenario to
# the same result redraws nothing.
#
# Themes: THEME=light (default, the blog) writes media/figures/<name>.*; THEME=dark (the lecture)
# writes media/figures/dark/<name>.*. Each theme has its own files, so switching themes always gives
# the right colours (the file name says which theme it is), never redraws the other theme's
# figures, and keeps both sets incrementally up to date. FIG_DIR is the folder for the current theme.
THEME ?= light
ifeq ($(filter $(THEME),light dark),)
$(error unknown THEME '$(THEME)'; valid: light dark)
endif
FIG_DIR := media/figures$(if $(filter dark,$(THEME)),/dark)
FIG_SRC := render/figures.py render/figstyle.py assets/theme.json scenes/components/theme.py

# The scenarios each figure reads: mirrors FIGURES in render/figures.py (tests/test_figures.py
# checks that the two agree). Adding a figure = a function + FIGURES entry + one line here.
FIG_DATA_true-line-and-noisy-points := linear-regression
FIG_DATA_example-result             := linear-regression
FIG_DATA_gradient-field-with-paths  := gradient-field
FIG_DATA_hill-paths                 := hill
FIG_DATA_regression-loss-landscape  := linear-regression parabolic-regression
FIG_DATA_comparison-of-losses       := linear-regression parabolic-regression
FIG_DATA_lr-slow-and-steady         := lr-small
FIG_DATA_lr-adequately-fast         := lr-good
FIG_DATA_lr-a-bit-unstable          := lr-large
FIG_DATA_lr-unusable                := lr-unstable
FIG_DATA_multiple-minima            := multiple-minima-1d
FIG_DATA_convex                     := convex-1d
FIG_DATA_race-rosenbrock            := race-rosenbrock
FIG_DATA_race-himmelblau            := race-himmelblau
FIG_DATA_race-rastrigin             := race-rastrigin
FIG_DATA_race-saddle                := race-saddle

FIGURE_NAMES := $(patsubst FIG_DATA_%,%,$(filter FIG_DATA_%,$(.VARIABLES)))
FIGURE_PNGS  := $(sort $(FIGURE_NAMES:%=$(FIG_DIR)/%.png))
FIGURE_SVGS  := $(FIGURE_PNGS:.png=.svg)
FIGURES      := $(FIGURE_PNGS) $(FIGURE_SVGS)

# One recipe writes both files (a pattern rule with two targets is grouped: it runs once for the
# pair). The CLI writes each through a temp file and a rename, so a failure leaves no half figure.
$(FIG_DIR)/%.png $(FIG_DIR)/%.svg: $(FIG_SRC) | $(STAMP)
	@$(PY) -m render.figures --theme $(THEME) --out $(FIG_DIR) $*

# Each figure also depends on exactly the data files it reads.
$(foreach n,$(FIGURE_NAMES),$(eval \
  $(FIG_DIR)/$(n).png $(FIG_DIR)/$(n).svg: $(FIG_DATA_$(n):%=$(DATA)/%.npz)))

figures: $(FIGURES) ## draw every still: media/figures/<name>.png + .svg (THEME=dark: media/figures/dark/)

.PHONY: figures
