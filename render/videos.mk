# Videos: every registered scene rendered by manim, exported for the web, described and shown.
#
#   build/render/master/<scene>.mp4  lossless H.264             <- scene file, components, theme,
#                                                                  its data files, QUALITY/THEME
#   media/videos/<scene>.mp4      H.264 yuv420p +faststart      <- the master, one decode for
#   media/videos/<scene>.av1.mp4  AV1 (the smaller first source)   all three (AV1 only when the
#   media/videos/<scene>.gif      <= 480 px, <= 5 MB               local ffmpeg has libsvtav1)
#   media/posters/<scene>.png     a representative frame        <- the master
#   media/manifest.json, media/index.html                       <- all of the above and the figures
#
# Per-scene rules are generated from scenes/registry.py into build/scenes.mk (python -m render
# makefile). QUALITY and THEME are recorded in small option files rewritten only when their
# value changes, so switching quality re-renders and a repeated build does nothing.

MEDIA     ?= media
RBUILD    ?= build/render
MASTER    := $(RBUILD)/master
SCENES_MK := build/scenes.mk
THEME     ?= light
RENDER    := $(PY) -m render

VIDEO_QUALITIES := low medium high production 4k
VIDEO_QUALITY   := $(or $(QUALITY),high)
PREVIEW_QUALITY := $(or $(QUALITY),low)
STILL_QUALITY   := $(or $(QUALITY),high)
VERBOSE_FLAG     = $(if $(filter-out 0,$(VERBOSE)),--verbose)

ifneq ($(QUALITY),)
ifeq ($(filter $(VIDEO_QUALITIES) test,$(QUALITY)),)
$(error unknown QUALITY '$(QUALITY)'; valid: $(VIDEO_QUALITIES))
endif
endif
ifeq ($(filter light dark,$(THEME)),)
$(error unknown THEME '$(THEME)'; valid: light dark)
endif

# `make scene|still SCENE=x`: check the name against the registry before anything runs (quoted
# for the shell, so any value gets the list of valid names).
shell_quote = '$(subst ','\'',$(1))'
ifneq ($(filter scene still watch,$(MAKECMDGOALS)),)
ifeq ($(strip $(SCENE)),)
$(error SCENE is missing: make $(firstword $(filter scene still watch,$(MAKECMDGOALS))) SCENE=<name>; valid: $(shell $(RENDER) list 2>/dev/null | cut -d' ' -f1 | paste -sd' '))
endif
ifneq ($(wildcard $(PY)),)
SCENE_CHECK := $(shell $(RENDER) check-scene $(call shell_quote,$(SCENE)))
ifneq ($(SCENE_CHECK),)
$(error $(SCENE_CHECK))
endif
endif
endif

# What every video depends on besides its own scene file and data files.
SCENE_COMMON := $(wildcard scenes/components/*.py) assets/theme.json core/theme.py $(wildcard assets/*.tex) \
                $(wildcard manim.cfg) render/pipeline.py render/manim_run.py render/ffmpeg.py
EXPORT_SRC   := render/exports.py render/ffmpeg.py render/pipeline.py
VIDEO_OPTS   := $(RBUILD)/options/videos
PREVIEW_OPTS := $(RBUILD)/options/preview
STILL_OPTS   := $(RBUILD)/options/still

# The per-scene rules (and SCENE_NAMES), only when a goal needs them: `make help` or `make test`
# on a fresh checkout must not set anything up.
RENDER_GOALS := videos scene still $(MEDIA)/% $(RBUILD)/% $(SCENES_MK)
define option_file
$(1): $(shell echo '$(2)' | cmp -s - $(1) 2>/dev/null || echo render-options-force)
	@mkdir -p $$(@D); echo '$(2)' > $$@
endef
ifneq ($(filter $(RENDER_GOALS),$(MAKECMDGOALS)),)
-include $(SCENES_MK)
endif

$(SCENES_MK): scenes/registry.py render/cli.py scenes | $(STAMP)
	@mkdir -p $(@D)
	@$(RENDER) makefile --out $@

# Recipes used by the generated rules: $(1) scene name, $(2) i/n.
render_video   = $(RENDER) video $(1) --index $(2) --quality $(VIDEO_QUALITY) --theme $(THEME) \
                 --data-dir $(DATA) --out $@ $(VERBOSE_FLAG)
render_preview = $(RENDER) scene $(1) --quality $(PREVIEW_QUALITY) --theme $(THEME) \
                 --data-dir $(DATA) --out $@ $(VERBOSE_FLAG)
render_still   = $(RENDER) still $(1) --quality $(STILL_QUALITY) --theme $(THEME) \
                 --data-dir $(DATA) --out $@ $(VERBOSE_FLAG)

# Option files, $(1) recording quality $(2) and the theme (options_rule; option_file for any text
# $(2), as build/scenes.mk's per-scene encoder settings): (re)written only when the recorded value
# differs from the one asked for, so a switch re-renders and `make -n videos` lists exactly what a
# build would redo (nothing, when everything is up to date). Only the render goals read them.
options_rule = $(call option_file,$(1),quality=$(2) theme=$(THEME))
ifneq ($(filter $(RENDER_GOALS),$(MAKECMDGOALS)),)
$(eval $(call options_rule,$(VIDEO_OPTS),$(VIDEO_QUALITY)))
$(eval $(call options_rule,$(PREVIEW_OPTS),$(PREVIEW_QUALITY)))
$(eval $(call options_rule,$(STILL_OPTS),$(STILL_QUALITY)))
endif

# AV1 needs ffmpeg's libsvtav1 encoder. Without it the videos are H.264 only, and make says so in
# one line naming the package (once, in make's first pass).
VIDEO_GOALS := videos $(MEDIA)/%
ifneq ($(filter $(VIDEO_GOALS),$(MAKECMDGOALS)),)
HAVE_AV1 := $(shell ffmpeg -hide_banner -encoders 2>/dev/null | grep -qw libsvtav1 && echo yes)
ifeq ($(HAVE_AV1)$(MAKE_RESTARTS),)
$(shell $(PY) -c 'from render import ffmpeg; print(ffmpeg.av1_missing_line())' >&2)
endif
endif

# Exports, from the lossless master, in one decode: one rule (a pattern rule with several targets
# is run once for all of them; for x.av1.mp4 make picks the pattern with the shorter stem).
$(MEDIA)/videos/%.mp4 $(if $(HAVE_AV1),$(MEDIA)/videos/%.av1.mp4) $(MEDIA)/videos/%.gif: \
        $(MASTER)/%.mp4 $(EXPORT_SRC)
	@$(RENDER) web $< --mp4 $(MEDIA)/videos/$*.mp4 $(if $(HAVE_AV1),--av1 $(MEDIA)/videos/$*.av1.mp4) \
	  --gif $(MEDIA)/videos/$*.gif --av1-crf $(AV1_CRF.$*)
# A scene's AV1 CRF (AV1_CRF.<scene>, from scenes/registry.py) is in build/scenes.mk, with an
# option file per scene rewritten only when it changes: a new CRF re-encodes that scene alone.
# The poster is cut from the master; which frame is judged from the GIF (decoded far faster).
$(MEDIA)/posters/%.png: $(MASTER)/%.mp4 $(MEDIA)/videos/%.gif $(EXPORT_SRC)
	@$(RENDER) poster $< --samples $(word 2,$^) --out $@

MASTER_FILES  = $(SCENE_NAMES:%=$(MASTER)/%.mp4)
VIDEO_FILES   = $(SCENE_NAMES:%=$(MEDIA)/videos/%.mp4)
EXPORT_FILES  = $(if $(HAVE_AV1),$(SCENE_NAMES:%=$(MEDIA)/videos/%.av1.mp4)) \
                $(SCENE_NAMES:%=$(MEDIA)/videos/%.gif) $(SCENE_NAMES:%=$(MEDIA)/posters/%.png)
# The figures, when render/figures.mk (read before this file) defines them: $(FIGURES) lists
# their files and $(FIG_DIR) is the folder for the current THEME.
VIDEOS_FIGURES := $(FIGURES)
VIDEOS_FIG_DIR := $(or $(FIG_DIR),$(MEDIA)/figures)

$(MEDIA)/manifest.json: $(VIDEO_FILES) $(EXPORT_FILES) $(VIDEOS_FIGURES) $(DATA_FILES) \
                        scenes/registry.py render/figures/registry.py render/publish.py
	@$(RENDER) manifest --media $(MEDIA) --figures $(VIDEOS_FIG_DIR) --data-dir $(DATA) --out $@
$(MEDIA)/index.html: $(MEDIA)/manifest.json render/publish.py assets/theme.json core/theme.py
	@$(RENDER) gallery --media $(MEDIA) --theme $(THEME) --out $@

# The option files come first: a render whose option file is still being written when make reaches
# it is put off until make has started everything after it (with -j2 the first two scenes' renders
# began last, after the figures, and their exports ran alone at the end of the build).
VIDEO_OPTION_FILES = $(VIDEO_OPTS) $(SCENE_NAMES:%=$(RBUILD)/options/encode.%)
videos: $(VIDEO_OPTION_FILES) $(VIDEO_FILES) $(EXPORT_FILES) $(VIDEOS_FIGURES) $(MEDIA)/manifest.json $(MEDIA)/index.html ## every video (mp4, av1.mp4, gif, poster), figure, manifest and gallery [QUALITY=high THEME=light] [-j2]

# FROM=k (make scene): from the k-th animation on (manim's -n, 0 = the first), into its own file;
# AT=t (make still): the frame at t seconds. Both depend on what the whole preview or still does.
ifneq ($(FROM),)
ifeq ($(shell echo '$(subst ','',$(FROM))' | grep -xE '[0-9]+'),)
$(error invalid FROM '$(FROM)'; valid: an animation number, 0 (the first) or more)
endif
endif
ifneq ($(AT),)
ifeq ($(shell echo '$(subst ','',$(AT))' | grep -xE '[0-9]+(\.[0-9]*)?|\.[0-9]+'),)
$(error invalid AT '$(AT)'; valid: a time in seconds, 0 or more (AT=12.5))
endif
endif
PREVIEW_FILE := $(MEDIA)/preview/$(SCENE)$(if $(FROM),.from-$(FROM)).mp4
STILL_FILE   := $(MEDIA)/stills/$(SCENE)$(if $(AT),.at-$(AT)s).png
ifneq ($(filter scene still,$(MAKECMDGOALS)),)
ifneq ($(FROM),)
$(PREVIEW_FILE): $(SCENE_DEPS.$(SCENE)) $(SCENE_COMMON) render/manim_authoring.py $(PREVIEW_OPTS)
	@$(call render_preview,$(SCENE)) --from $(FROM)
endif
ifneq ($(AT),)
$(STILL_FILE): $(SCENE_DEPS.$(SCENE)) $(SCENE_COMMON) render/manim_authoring.py $(STILL_OPTS)
	@$(call render_still,$(SCENE)) --at $(AT)
endif
endif

scene: $(PREVIEW_FILE) ## one scene while authoring: SCENE=<name> [QUALITY=low] [FROM=k: from the k-th animation] -> media/preview/<name>.mp4
	@echo "$(PREVIEW_FILE) is ready ($(PREVIEW_QUALITY))"

still: $(STILL_FILE) ## a scene's last frame: SCENE=<name> [QUALITY=high] [AT=seconds] -> media/stills/<name>.png
	@echo "$(STILL_FILE) is ready ($(STILL_QUALITY))"

watch: $(DATA_FILES) | $(STAMP) ## re-render SCENE on every save; a local page plays it: SCENE=<name> [QUALITY=low] [THEME=light] [PORT=8000]
	@$(PY) -m render.watch $(call shell_quote,$(SCENE)) --quality $(PREVIEW_QUALITY) --theme $(THEME) \
	  --data-dir $(DATA) $(if $(PORT),--port $(call shell_quote,$(PORT)))

list: | $(STAMP) ## the scenes, one line each
	@$(RENDER) list

.PHONY: videos scene still watch list render-options-force
