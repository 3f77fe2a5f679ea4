#!/usr/bin/env bash
# Test set-up (never part of the shipped install): a JACK-only build of @julusian/midi in .cache/midi-jack/,
# so test/bridge/jack.test.ts can loop real virtual MIDI ports through a user-space jackd (no sound card, no ALSA
# sequencer needed). The shipped package keeps its prebuilt ALSA/CoreMIDI/WinMM binary.
#   bash test/setup/jack.sh      # ~10-60 s; exits 0 with a message when impossible (the test then skips)
set -uo pipefail
cd "$(dirname "$0")/../.."
DEST=.cache/midi-jack
say() { echo "jack set-up: $*" >&2; }
skip() { say "$* — the JACK MIDI test will skip"; exit 0; }

[ "$(uname -s)" = Linux ] || skip "not Linux"
if ! command -v jackd >/dev/null || [ ! -f /usr/include/jack/jack.h ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  if command -v apt-get >/dev/null; then
    say "installing jackd2 and libjack-jackd2-dev (apt)"
    (export DEBIAN_FRONTEND=noninteractive; $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends jackd2 libjack-jackd2-dev) >/dev/null 2>&1 || skip "apt-get install jackd2 libjack-jackd2-dev failed"
  fi
fi
command -v jackd >/dev/null || skip "jackd not found"
[ -f /usr/include/jack/jack.h ] || skip "JACK headers (libjack-jackd2-dev) not found"

SRC=node_modules/@julusian/midi
[ -f "$SRC/binding.gyp" ] || skip "$SRC not installed (run npm ci first)"
if [ -f "$DEST/build/Release/midi.node" ] && [ "$DEST/.stamp" -nt "$SRC/package.json" ] 2>/dev/null; then
  say "already built: $DEST/build/Release/midi.node"; exit 0
fi
rm -rf "$DEST" && mkdir -p "$(dirname "$DEST")" && cp -r "$SRC" "$DEST" || skip "cannot copy $SRC"
rm -rf "$DEST/prebuilds" "$DEST/build"          # JACK-only: no fallback to the ALSA prebuild
sed -i 's/__LINUX_ALSA__/__UNIX_JACK__/; s/-lasound/-ljack/' "$DEST/binding.gyp"
grep -q __UNIX_JACK__ "$DEST/binding.gyp" || skip "binding.gyp did not take the JACK patch"

GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$GYP" ] || GYP="$(command -v node-gyp || true)"
[ -n "$GYP" ] || skip "node-gyp not found"
NODEDIR=()
[ -f /usr/include/node/node_api.h ] && NODEDIR=(--nodedir=/usr)
say "building $DEST for JACK"
(cd "$DEST" && node "$GYP" rebuild "${NODEDIR[@]}" -j 2 >build.log 2>&1) || { tail -20 "$DEST/build.log" >&2; skip "node-gyp build failed (log: $DEST/build.log)"; }
touch "$DEST/.stamp"
say "built $DEST/build/Release/midi.node"
