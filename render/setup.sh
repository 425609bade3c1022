#!/usr/bin/env bash
# Installs what the project needs on this machine, once: system packages (apt-get when root on
# Debian, otherwise a message with the exact command), then .venv with `pip install -e .[dev]`.
# Usage: render/setup.sh STAMP   (the Makefile touches STAMP when everything is in place)
set -euo pipefail

# reveal.js for the lecture deck (make slides), from its pinned npm package (assets/reveal.json):
# fetched once with npm, checked against the pinned sha512, and the files the deck uses kept in
# .venv/share/gd-media/reveal.js-<version>/ (outside media/, kept by make clean). Skipped when
# present. Usage: render/setup.sh --reveal
if [ "${1:-}" = "--reveal" ]; then
    py=.venv/bin/python
    [ -x "$py" ] || py=${PYTHON:-python3}
    read -r version integrity files < <("$py" -c 'import json; d = json.load(open("assets/reveal.json")); print(d["version"], d["integrity"], ",".join(d["files"]))')
    dest=.venv/share/gd-media/reveal.js-$version
    if [ -f "$dest/.complete" ]; then
        exit 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "setup: installing npm (to fetch reveal.js $version once)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
        else
            echo "setup: npm is missing (it fetches reveal.js $version once); run: sudo apt-get install -y npm  (on macOS: brew install node), then make setup" >&2
            exit 1
        fi
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    echo "setup: fetching reveal.js $version (npm)"
    if ! (cd "$tmp" && npm pack "reveal.js@$version" --silent >/dev/null 2>npm.log); then
        echo "setup: could not fetch reveal.js $version from the npm registry (offline?); connect once and run make setup" >&2
        exit 1
    fi
    got="sha512-$(openssl dgst -sha512 -binary "$tmp/reveal.js-$version.tgz" | openssl base64 -A)"
    if [ "$got" != "$integrity" ]; then
        echo "setup: reveal.js-$version.tgz has sha512 $got, not the pinned $integrity (assets/reveal.json)" >&2
        exit 1
    fi
    tar -xzf "$tmp/reveal.js-$version.tgz" -C "$tmp"
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    IFS=, read -r -a wanted <<< "$files"
    for f in "${wanted[@]}"; do
        mkdir -p "$dest.tmp/$(dirname "$f")"
        cp "$tmp/package/$f" "$dest.tmp/$f"
    done
    echo "$version" > "$dest.tmp/.complete"
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
    exit 0
fi

stamp=${1:-.venv/.installed}
PY=${PYTHON:-python3}

# Debian packages: Cairo and Pango headers for manim's pycairo/manimpango, ffmpeg for the
# post-processing, LaTeX (standalone class from latex-extra) and dvisvgm for manim's Tex labels,
# Chromium for the tests that open pages in a real browser (Playwright drives it: tests/browser.py;
# no browser is ever downloaded), Latin Modern for the lecture deck's text slides (LaTeX depends on
# it already; named so the deck's need is written down: render/deck.py).
apt_pkgs=(build-essential pkg-config libcairo2-dev libpango1.0-dev ffmpeg
          texlive-latex-base texlive-latex-extra texlive-fonts-recommended fonts-lmodern dvisvgm
          chromium)
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
render/setup.sh --reveal
touch "$stamp"
