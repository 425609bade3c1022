# The lecture deck: every scene's beats as slides, with their speaker notes (render/slides.py,
# render/deck.py). Read after videos.mk (file names sort so), whose variables it uses.
#
#   media/slides/index.html    the lecture (scenes/lecture.py)    <- the lecture scenes' slide sets
#   media/slides/lecture.pptx  the same for PowerPoint / Impress   <- the same
#   media/slides/slides.json   the lecture's slides (for the manifest)
#   media/slides/<scene>.html  one scene's slides                 <- its slide set
#   build/render/slides/<theme>.<quality>/<scene>.json + videos    <- what the scene's video depends on
#
# A scene's slides come from a manim run of the scene as a manim-slides Slide. `make videos` renders
# every video that way and keeps the slides, so `make slides` at the theme and quality of the videos
# renders nothing; `make videos slides THEME=dark` renders each scene once for both. THEME defaults
# to dark here (the lecture; the videos' default stays light), QUALITY to high. Rules per scene are
# generated from the registries into build/slides.mk (python -m render.slides makefile).

SLIDES_THEME   := $(if $(filter command line environment%,$(origin THEME)),$(THEME),dark)
SLIDES_QUALITY := $(or $(QUALITY),high)
SLIDE_SET      := $(RBUILD)/slides/$(SLIDES_THEME).$(SLIDES_QUALITY)
SLIDE_OPTS     := $(RBUILD)/options/slides
SLIDES_MK      := build/slides.mk
SLIDES         := $(PY) -m render.slides
SLIDES_SRC     := render/slides.py render/slides_compat.py
DECK_SRC       := render/deck.py render/slides.py render/slides_compat.py scenes/lecture.py \
                  scenes/registry.py assets/slides.html assets/theme.json core/theme.py \
                  assets/reveal.json
# reveal.js's set-up cache, in the virtualenv of $(PY) (render/deck.py looks in sys.prefix)
REVEAL_MARK    := $(abspath $(dir $(PY))..)/share/gd-media/reveal.js-$(shell sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' assets/reveal.json)/.complete
SLIDE_GOALS    := slides $(MEDIA)/slides/% $(RBUILD)/slides/% $(SLIDES_MK)

# make videos slides with the same theme (given on the command line) and quality: a slide set
# waits for its video, whose render writes it (render.slides scene then finds it fresh).
slides_share = $(if $(and $(filter videos,$(MAKECMDGOALS)),$(filter command line environment%,$(origin THEME)),$(filter $(SLIDES_QUALITY),$(VIDEO_QUALITY))),$(MASTER)/$(1).mp4)

ifneq ($(filter slides,$(MAKECMDGOALS)),)
ifneq ($(strip $(SCENE)),)
ifneq ($(wildcard $(PY)),)
SLIDES_SCENE_CHECK := $(shell $(RENDER) check-scene $(call shell_quote,$(SCENE)))
ifneq ($(SLIDES_SCENE_CHECK),)
$(error $(SLIDES_SCENE_CHECK))
endif
endif
endif
endif

$(SLIDES_MK): scenes/registry.py scenes/lecture.py render/slides.py scenes | $(STAMP)
	@mkdir -p $(@D)
	@$(SLIDES) makefile --out $@

# reveal.js, fetched once (render/setup.sh --reveal, also part of make setup); the deck's browser
# test needs it too.
$(REVEAL_MARK): assets/reveal.json | $(STAMP)
	@render/setup.sh --reveal && touch $@
setup test: $(REVEAL_MARK)

# Recipes used by the generated rules: $(1) scene name, $(2) i/n.
render_slides = $(SLIDES) scene $(1) --index $(2) --quality $(SLIDES_QUALITY) --theme $(SLIDES_THEME) \
                --data-dir $(DATA) --out $@ --deps $^ $(VERBOSE_FLAG)
scene_deck    = $(SLIDES) deck $(1) --sets $(SLIDE_SET) --theme $(SLIDES_THEME) --out $@

ifneq ($(filter $(SLIDE_GOALS),$(MAKECMDGOALS)),)
-include $(SLIDES_MK)
# The slides' theme and quality, rewritten only when they change (as the videos' option files).
$(SLIDE_OPTS): $(shell echo 'quality=$(SLIDES_QUALITY) theme=$(SLIDES_THEME)' | cmp -s - $(SLIDE_OPTS) 2>/dev/null || echo render-options-force)
	@mkdir -p $(@D); echo 'quality=$(SLIDES_QUALITY) theme=$(SLIDES_THEME)' > $@

LECTURE_SETS = $(LECTURE_SCENES:%=$(SLIDE_SET)/%.json)

$(MEDIA)/slides/index.html $(MEDIA)/slides/slides.json &: $(LECTURE_SETS) $(DECK_SRC) $(SLIDE_OPTS) | $(REVEAL_MARK)
	@$(SLIDES) deck --sets $(SLIDE_SET) --theme $(SLIDES_THEME) --out $(MEDIA)/slides/index.html \
	  --index-out $(MEDIA)/slides/slides.json
$(MEDIA)/slides/lecture.pptx: $(LECTURE_SETS) $(DECK_SRC) $(SLIDE_OPTS)
	@$(SLIDES) pptx --sets $(SLIDE_SET) --theme $(SLIDES_THEME) --out $@
endif

# The manifest lists the lecture's slides: after the deck when both are built, else whenever the
# deck's list changed (without slides among the goals, the list is a plain file: no deck is built).
$(MEDIA)/manifest.json: $(if $(filter slides,$(MAKECMDGOALS)),$(MEDIA)/slides/slides.json,$(wildcard $(MEDIA)/slides/slides.json))

ifeq ($(strip $(SCENE)),)
slides: $(MEDIA)/slides/index.html $(MEDIA)/slides/slides.json $(MEDIA)/slides/lecture.pptx \
        $(SLIDE_SCENES:%=$(MEDIA)/slides/%.html)
else
slides: $(MEDIA)/slides/$(SCENE).html
endif
slides: ## the lecture deck: media/slides/index.html, lecture.pptx and a deck per scene [THEME=dark QUALITY=high] [SCENE=x: one scene's deck]
	@echo "$(MEDIA)/slides/$(if $(strip $(SCENE)),$(SCENE).html,index.html) is ready ($(SLIDES_THEME), $(SLIDES_QUALITY)); open it in a browser"

.PHONY: slides
