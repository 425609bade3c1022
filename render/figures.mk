# Figures: every still of the post (and the optimizer races) as media/figures/<name>.png (200 dpi)
# + .svg, drawn by the package render/figures/.
#
# Per-figure rules are generated from render/figures/registry.py into build/figures.mk
# (python -m render.figures --makefile): each figure depends on its family module, the modules
# every figure shares (FIG_COMMON: the package's other files and the theme) and exactly the data
# files it reads. The data files are rewritten only when their bytes change, so recomputing a
# scenario to the same result redraws nothing.
#
# Themes: THEME=light (default, the blog) writes media/figures/<name>.*; THEME=dark (the lecture)
# writes media/figures/dark/<name>.*. Each theme has its own files, so switching themes always gives
# the right colours (the file name says which theme it is), never redraws the other theme's
# figures, and keeps both sets incrementally up to date. FIG_DIR is the folder for the current theme.
THEME ?= light
ifeq ($(filter $(THEME),light dark),)
$(error unknown THEME '$(THEME)'; valid: light dark)
endif
FIG_DIR       := media/figures$(if $(filter dark,$(THEME)),/dark)
FIGURES_MK    := build/figures.mk
FIG_THEME_SRC := assets/theme.json scenes/components/theme.py

# The generated rules (FIGURE_NAMES, FIG_COMMON), only when a goal needs them: `make help` or
# `make test` on a fresh checkout must not set anything up.
FIG_GOALS := figures videos media/% $(FIG_DIR)/% $(FIGURES_MK)
ifneq ($(filter $(FIG_GOALS),$(MAKECMDGOALS)),)
-include $(FIGURES_MK)
endif

$(FIGURES_MK): render/figures/registry.py render/figures | $(STAMP)
	@mkdir -p $(@D)
	@$(PY) -m render.figures --makefile $@

FIGURE_PNGS := $(sort $(FIGURE_NAMES:%=$(FIG_DIR)/%.png))
FIGURE_SVGS := $(FIGURE_PNGS:.png=.svg)
FIGURES     := $(FIGURE_PNGS) $(FIGURE_SVGS)

# One recipe writes both files (a pattern rule with two targets is grouped: it runs once for the
# pair); the prerequisites come from the generated rules. The CLI writes each file through a temp
# file and a rename, so a failure leaves no half figure.
$(FIG_DIR)/%.png $(FIG_DIR)/%.svg: | $(STAMP)
	@$(PY) -m render.figures --theme $(THEME) --out $(FIG_DIR) $*

figures: $(FIGURES) ## draw every still: media/figures/<name>.png + .svg (THEME=dark: media/figures/dark/)

.PHONY: figures
