#!/usr/bin/env bash
# Builds the base image of the SMTPCR container image, without Docker and without a registry:
#   OUT/rootfs/opt/java   a Java runtime jlinked from the build's JDK (17, with its jmods), holding
#                         the modules jdeps finds in the application's classpath plus EXTRA_MODULES
#   OUT/rootfs/lib...     the shared libraries that runtime needs, from Debian's own packages
#                         (apt-get download + dpkg-deb -x, never the build host's files), with their
#                         copyright files and a dpkg status entry each (/var/lib/dpkg/status.d/), so
#                         image scanners see the versions
#   OUT/rootfs/etc        passwd and group with the smtpcr user (UID), nsswitch.conf
#   OUT/base.tar          all of that as one layer, in `docker save` form, which Jib takes as its
#                         base image (tar://); owners are root except /var/lib/smtpcr (UID:UID, mode
#                         700) and /tmp (mode 1777), set in the archive so no chown is needed
#
# Usage: base-image.sh OUT CLASSPATH UID EXTRA_MODULES
#   CLASSPATH      the application's runtime classpath (jars, ':'-separated), read by jdeps
#   EXTRA_MODULES  modules jdeps cannot see because they are found at run time (service providers)
# Needs: a JDK 17 with jmods (Debian: openjdk-17-jdk-headless), apt-get, dpkg-deb, GNU tar. Runs
# as any user; apt-get download needs the package lists (apt-get update) and the Debian mirror.
set -euo pipefail

out=$1
classpath=$2
uid=$3
extra_modules=$4
# the libraries the jlinked runtime links to (readelf -d of bin/java, lib/*.so, lib/server/libjvm.so):
# libc.so.6 libm.so.6 ld-linux (libc6), libz.so.1 (zlib1g), libstdc++.so.6 (libstdc++6),
# libgcc_s.so.1 (libgcc-s1); gcc-12-base holds the copyright file the two gcc libraries point to
debs=(libc6 libgcc-s1 gcc-12-base libstdc++6 zlib1g)

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
jlink=$java_home/bin/jlink
jdeps=$java_home/bin/jdeps
if [ ! -x "$jlink" ] || [ ! -d "$java_home/jmods" ]; then
  echo "base-image.sh: $java_home has no jlink or no jmods: a full JDK 17 is needed (Debian: openjdk-17-jdk-headless)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out/debs" "$out/unpacked"
root=$out/rootfs

# 1. the Java runtime
IFS=: read -r -a jars <<<"$classpath"
modules=$("$jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "${jars[@]}")
modules="$modules,$extra_modules"
echo "$modules" >"$out/modules.txt"
echo "base-image.sh: jdeps took ${SECONDS}s; jlink $modules"
# no --compress: the layer is compressed anyway, and classes load faster from an uncompressed
# modules file; --generate-cds-archive: class-data sharing for the runtime's own classes
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$root/opt/java"

# 2. the shared libraries, from the Debian packages
(
  cd "$out/debs"
  if ! apt-get download "${debs[@]}" >/dev/null 2>"$out/apt.err"; then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get -q update >/dev/null
      apt-get download "${debs[@]}" >/dev/null
    else
      cat "$out/apt.err" >&2
      echo "base-image.sh: apt-get download failed; run apt-get update (as root) and retry" >&2
      exit 1
    fi
  fi
)
mkdir -p "$root/var/lib/dpkg/status.d"
for deb in "$out"/debs/*.deb; do
  name=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -x "$deb" "$out/unpacked"
  { dpkg-deb -f "$deb" Package; echo "Status: install ok installed"; dpkg-deb -f "$deb" |
    grep -v '^Package:'; } >"$root/var/lib/dpkg/status.d/$name"
  echo "$name $(dpkg-deb -f "$deb" Version)" >>"$out/packages.txt"
done
(
  cd "$out/unpacked"
  # what the runtime uses: the libraries and the loader; not gconv (iconv), locales, gdb scripts
  rm -rf usr/lib/x86_64-linux-gnu/gconv usr/share/gcc usr/share/gdb usr/share/lintian \
    usr/share/locale etc/ld.so.conf.d
  find usr/share/doc -type f ! -name copyright -delete
  cp -a . "$root/"
)

# 3. the user, name resolution, the writable places
mkdir -p "$root/etc" "$root/tmp" "$root/etc/smtpcr" "$root/opt/smtpcr"
printf 'root:x:0:0:root:/root:/sbin/nologin\nsmtpcr:x:%s:%s:SMTPCR:/var/lib/smtpcr:/sbin/nologin\n' \
  "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\nsmtpcr:x:%s:\n' "$uid" >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
mkdir -p "$out/state/var/lib/smtpcr"

# 4. one layer, reproducible: sorted names, one timestamp, numeric owners
layer=$out/layer.tar
tar_opts=(--sort=name --mtime=@0 --numeric-owner --format=posix
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
chmod 1777 "$root/tmp"
tar -C "$root" "${tar_opts[@]}" --owner=0 --group=0 -cf "$layer" .
chmod 700 "$out/state/var/lib/smtpcr"
tar -C "$out/state" "${tar_opts[@]}" --owner="$uid" --group="$uid" -rf "$layer" ./var/lib/smtpcr
diff_id=sha256:$(sha256sum "$layer" | cut -d' ' -f1)

# 5. the `docker save` form: manifest.json, the image config, the layer
mkdir -p "$out/image"
mv "$layer" "$out/image/layer.tar"
cat >"$out/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/opt/java/bin","JAVA_HOME=/opt/java"]},"rootfs":{"type":"layers","diff_ids":["$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"smtpcr-examples/image/src/image/base-image.sh: jlink $modules; Debian $(tr '\n' ' ' <"$out/packages.txt")"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["smtpcr-base:build"],"Layers":["layer.tar"]}]' \
  >"$out/image/manifest.json"
tar -C "$out/image" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  -cf "$out/base.tar" manifest.json config.json layer.tar
rm -rf "$out/unpacked" "$out/image"
echo "base-image.sh: $out/base.tar ($(du -h "$out/base.tar" | cut -f1)) in ${SECONDS}s"
