#!/usr/bin/env bash
# The interface catalogues, with Babel: extract every marked message into messages.pot, update (or start)
# each language's messages.po from it, and compile them all, failing on a catalogue that does not compile.
# Translators then fill the new or changed (fuzzy) entries in partner_model/locales/<language>/LC_MESSAGES.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pybabel ] || bash scripts/setup.sh dev
locales=partner_model/locales
pot="$locales/messages.pot"
mkdir -p "$locales"
.venv/bin/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --add-comments=TRANSLATORS: \
  --no-location --sort-output --project="Partner program" --copyright-holder="Partner program" -o "$pot" . \
  | grep -v "^extracting" || true
for language in en fi sv nl de; do
  if [ -f "$locales/$language/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel update -i "$pot" -d "$locales" -l "$language" --no-wrap --ignore-obsolete >/dev/null
  else
    .venv/bin/pybabel init -i "$pot" -d "$locales" -l "$language" --no-wrap >/dev/null
  fi
done
.venv/bin/pybabel compile -d "$locales" --statistics
