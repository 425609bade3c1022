#!/usr/bin/env bash
# Installs what the project needs on this machine, once: system packages (apt-get when root on
# Debian, otherwise a message with the exact command), then .venv with `pip install -e .[dev]`.
# Usage: render/setup.sh STAMP   (the Makefile touches STAMP when everything is in place)
set -euo pipefail
stamp=${1:-.venv/.installed}
PY=${PYTHON:-python3}

# Debian packages: Cairo and Pango headers for manim's pycairo/manimpango, ffmpeg for the
# post-processing, LaTeX (standalone class from latex-extra) and dvisvgm for manim's Tex labels,
# Chromium for the tests that open pages in a real browser (Playwright drives it: tests/browser.py;
# no browser is ever downloaded).
apt_pkgs=(build-essential pkg-config libcairo2-dev libpango1.0-dev ffmpeg
          texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm chromium)
brew_pkgs=(pkg-config cairo pango ffmpeg)
brew_casks=(mactex-no-gui chromium)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${apt_pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    # Debian's own python3 needs these for venv and for compiling pycairo.
    if [ "$($PY -c 'import sys; print(sys.prefix)')" = "/usr" ]; then
        for p in python3-venv python3-dev; do
            dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
        done
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ]; then
            echo "setup: installing system packages: ${missing[*]}"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        else
            echo "setup: missing system packages; run: sudo apt-get install -y --no-install-recommends ${missing[*]}  (on macOS: brew install ${brew_pkgs[*]} && brew install --cask ${brew_casks[*]})" >&2
            exit 1
        fi
    fi
else
    for c in ffmpeg ffprobe latex dvisvgm pkg-config; do
        command -v "$c" >/dev/null 2>&1 || missing+=("$c")
    done
    [ -x /Applications/Chromium.app/Contents/MacOS/Chromium ] || command -v chromium >/dev/null 2>&1 \
        || missing+=(chromium)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: missing ${missing[*]}; on macOS run: brew install ${brew_pkgs[*]} && brew install --cask ${brew_casks[*]}" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    $PY -m venv .venv
fi
echo "setup: pip install -e .[dev]"
log=.venv/pip-install.log
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -e '.[dev]'; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup: pip install failed; the full log is $log" >&2
    exit 1
fi
touch "$stamp"
