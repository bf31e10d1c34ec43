#!/usr/bin/env bash
# `npm run image`: the switchyard-node image as an OCI layout (default dist/image), built offline
# with umoci from files on this machine: no base image, no registry. It holds this machine's
# Node.js 20 (stripped) with the shared libraries it and koffi's native module load, the bundled
# runtime (dist/switchyard-node.js), dist/verifier.wasm and koffi; no npm, no shell, no dev
# dependencies.
# The entrypoint is `node /app/switchyard-node.js`, so the container's arguments are the CLI's.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-dist/image}
version=$(node -p 'require("./package.json").version')
tag=${IMAGE_TAG:-$version}
nodebin=${NODE_BINARY:-$(command -v node)}

declare -A package=([umoci]=umoci [ldd]=libc-bin [strip]=binutils)
for tool in "${!package[@]}"; do
  command -v "$tool" >/dev/null || { echo "image: needs $tool (Debian package ${package[$tool]})" >&2; exit 1; }
done
major=$("$nodebin" -p 'process.versions.node.split(".")[0]')
[ "$major" = 20 ] || { echo "image: $nodebin is Node.js $major; the image ships Node.js 20 (set NODE_BINARY)" >&2; exit 1; }
for f in dist/switchyard-node.js dist/verifier.wasm dist/node_modules/koffi/package.json; do
  [ -e "$f" ] || { echo "image: $f is missing; run npm run build first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-image-XXXXXX")
trap 'rm -rf "$work"' EXIT
# Replaces a previous image only: never a directory that is something else.
if [ -e "$out" ]; then
  [ -f "$out/oci-layout" ] || [ -z "$(ls -A "$out")" ] || { echo "image: $out exists and is not an OCI layout; not replacing it" >&2; exit 1; }
  rm -rf "$out"
fi
umoci init --layout "$out"
umoci new --image "$out:$tag"
umoci unpack --image "$out:$tag" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs

# Node.js without its symbols and debug information (12 MiB of the official build's 94 MiB).
mkdir -p "$rootfs/usr/bin"
strip -o "$rootfs/usr/bin/node" "$nodebin"
chmod 0755 "$rootfs/usr/bin/node"
# Every shared library node or koffi.node loads, at the paths the dynamic loader looks for.
natives=("$nodebin" dist/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node)
ldd "${natives[@]}" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u | while read -r lib; do
  real=$(readlink -f "$lib")
  install -D -m 0755 "$real" "$rootfs$lib"
done

install -D -m 0644 dist/switchyard-node.js "$rootfs/app/switchyard-node.js"
install -D -m 0644 dist/verifier.wasm "$rootfs/app/verifier.wasm"
# koffi's JavaScript and the glibc build of its native module (the musl one is of no use here).
mkdir -p "$rootfs/app/node_modules/@koromix"
cp -r dist/node_modules/koffi "$rootfs/app/node_modules/koffi"
cp -r dist/node_modules/@koromix/koffi-linux-x64 "$rootfs/app/node_modules/@koromix/"
rm -rf "$rootfs/app/node_modules/@koromix/koffi-linux-x64/musl_x64"
# Where the runtime writes: its state (--state), and the mount points the DaemonSet fills.
mkdir -p "$rootfs/run/switchyard" "$rootfs/tmp" "$rootfs/sys/fs/bpf" "$rootfs/proc"
chmod 1777 "$rootfs/tmp"

umoci repack --image "$out:$tag" "$work/bundle"
umoci config --image "$out:$tag" \
  --config.entrypoint /usr/bin/node --config.entrypoint /app/switchyard-node.js \
  --config.cmd --help \
  --config.workingdir /app \
  --config.env NODE_ENV=production \
  --config.label "org.opencontainers.image.title=switchyard-node" \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label "org.opencontainers.image.licenses=Apache-2.0"
umoci gc --layout "$out"

# Size: the compressed blobs a registry would store, and the unpacked root filesystem.
blobs=$(du -sb "$out/blobs" | cut -f1)
unpacked=$(du -sb "$rootfs" | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "image: $out:$tag (OCI layout): $(mib "$blobs") compressed, $(mib "$unpacked") unpacked; node $("$nodebin" --version)"
