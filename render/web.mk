# What a reader's page needs besides the videos (render/videos.mk, read before this file):
#
#   media/videos/<scene>.vtt   WebVTT captions, one cue per beat  <- the master (its render wrote
#                                                                    the beats), the registry
#   media/embed/<scene>.html, media/embed/figure-<figure>.html    <- the manifest, BASE_URL
#                              ready-to-paste <figure> snippets

CAPTION_SRC   := render/captions.py scenes/registry.py
CAPTION_FILES  = $(SCENE_NAMES:%=$(MEDIA)/videos/%.vtt)

# The beats were written by the render that made the master (build/render/beats/<scene>.video.json).
$(MEDIA)/videos/%.vtt: $(MASTER)/%.mp4 $(CAPTION_SRC)
	@$(PY) -m render.captions $* --video $< --beats $(RBUILD)/beats/$*.video.json --out $@

# The manifest lists the captions and carries the alt text (render/alt.py fills the registries'
# templates); the gallery is built with the snippets' markup, the captions inline.
$(MEDIA)/manifest.json: $(CAPTION_FILES) render/alt.py render/captions.py
$(MEDIA)/index.html: render/embeds.py
videos: $(CAPTION_FILES)

# Embed snippets. BASE_URL (default: paths relative to media/embed/) is checked before anything
# runs: a value with a quote, <, > or a space gets one line and exit status 2. It is recorded in an
# option file rewritten only when it changes, so a new BASE_URL rewrites the snippets. One command
# writes every snippet (and removes those of videos and figures that are gone); its stamp lives
# in build/, so media/ holds published files only.
BASE_URL   ?=
EMBED_OPTS := $(RBUILD)/options/embed
EMBED_STAMP := $(RBUILD)/embeds.stamp
ifneq ($(filter videos $(MEDIA)/% $(RBUILD)/%,$(MAKECMDGOALS)),)
ifneq ($(wildcard $(PY)),)
BASE_URL_CHECK := $(shell $(PY) -m render.embeds --check-base-url $(call shell_quote,$(BASE_URL)) 2>&1)
ifneq ($(BASE_URL_CHECK),)
$(error $(BASE_URL_CHECK))
endif
endif
$(EMBED_OPTS): $(shell echo 'base_url=$(BASE_URL)' | cmp -s - $(EMBED_OPTS) 2>/dev/null || echo render-options-force)
	@mkdir -p $(@D); echo 'base_url=$(BASE_URL)' > $@
endif

$(EMBED_STAMP): $(MEDIA)/manifest.json render/embeds.py $(EMBED_OPTS)
	@$(PY) -m render.embeds --media $(MEDIA) --base-url '$(BASE_URL)'
	@touch $@

videos: $(EMBED_STAMP)
