#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements (runtime, or runtime + test tools with "dev").
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements.txt
[ "${1:-}" = "dev" ] && requirements=requirements-dev.txt
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(sha1sum requirements.txt "$requirements" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi

# Debian's fonts for the PDF statements (partner_model/pdf_fonts.py): DejaVu Sans, the main face (quick to embed),
# and Noto Color Emoji. Without them the statements still show every script but emoji, with Kurinto Sans from the
# weblate-fonts package (slower: about a second a statement).
fonts=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || fonts+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || fonts+=(fonts-noto-color-emoji)
if [ "${#fonts[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${fonts[@]}" >/dev/null) \
    || echo "warning: could not install ${fonts[*]}; PDF statements fall back to the weblate-fonts fonts"
fi
