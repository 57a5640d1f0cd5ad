#!/usr/bin/env bash
# Compiles SMTPCR's James SMTP hooks against James 3.9.0's protocols-api and protocols-smtp, which are
# not published where we build: those two (and the few sources they need) are compiled from James's
# tagged sources in a scratch directory, then our hook sources, unchanged, with --release 17 against
# them. Finally the James references of the resulting class files are compared with those of the
# classes in smtpcr-examples-james-jakarta's jar. Not part of the build; nothing is kept.
#
#   scripts/james39-hook-check.sh /path/to/james-project.git [tag]
#
# Needs: a git clone (or bare mirror) of apache/james-project with the tag james-project-3.9.0, a
# Java 21 or later JDK under /usr/lib/jvm (or $SMTPCR_JAVA21_HOME), and a previous
#   mvn -pl smtpcr-examples/james-jakarta -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:?usage: $0 /path/to/james-project.git [tag]}
tag=${2:-james-project-3.9.0}

jdk=${SMTPCR_JAVA21_HOME:-}
if [ -z "$jdk" ]; then
  for home in /usr/lib/jvm/*/; do
    spec=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p') || continue
    if [ -n "$spec" ] && [ "$spec" -ge 21 ]; then jdk=${home%/}; fi
  done
fi
[ -n "$jdk" ] || { echo "no Java 21 or later JDK found" >&2; exit 1; }
jar=$(realpath smtpcr-examples/james-jakarta/target/smtpcr-examples-james-jakarta-*.jar)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# James's sources: only what javac pulls in through -sourcepath gets compiled
for dir in protocols/api protocols/smtp protocols/netty metrics/metrics-api server/protocols/jwt; do
  git -C "$repo" archive "$tag" "$dir/src/main/java" | tar -x -C "$work"
done
sourcepath=$work/protocols/api/src/main/java:$work/protocols/smtp/src/main/java
sourcepath=$sourcepath:$work/protocols/netty/src/main/java:$work/metrics/metrics-api/src/main/java
sourcepath=$sourcepath:$work/server/protocols/jwt/src/main/java

# their dependencies, at James 3.9.0's versions where it matters
for a in org.apache.james:james-core:3.9.0 org.apache.james:james-server-util:3.9.0 \
  org.apache.james:apache-mailet-api:3.9.0 org.eclipse.angus:jakarta.mail:2.0.3 \
  jakarta.activation:jakarta.activation-api:2.1.3 org.apache.commons:commons-configuration2:2.12.0 \
  com.google.guava:guava:33.5.0-jre org.slf4j:slf4j-api:2.0.17 jakarta.inject:jakarta.inject-api:2.0.1 \
  io.projectreactor:reactor-core:3.7.11 org.reactivestreams:reactive-streams:1.0.4 \
  com.github.fge:throwing-lambdas:0.5.0 io.netty:netty-handler:4.1.137.Final \
  io.netty:netty-common:4.1.137.Final io.netty:netty-buffer:4.1.137.Final \
  io.netty:netty-transport:4.1.137.Final io.netty:netty-codec:4.1.137.Final \
  io.netty:netty-codec-haproxy:4.1.137.Final; do
  IFS=: read -r g id v <<<"$a"
  local_jar=${MAVEN_REPO:-$HOME/.m2/repository}/${g//.//}/$id/$v/$id-$v.jar
  mkdir -p "$work/lib"
  if [ -f "$local_jar" ]; then
    cp "$local_jar" "$work/lib/"
  else
    mvn -B -ntp -q dependency:copy -Dartifact="$a" -Dtransitive=false -DoutputDirectory="$work/lib" >/dev/null
  fi
done
cp=$(ls "$work"/lib/*.jar | tr '\n' ':')
cp=$cp$PWD/smtpcr-core/target/classes:$PWD/smtpcr-tokens/target/classes
cp=$cp:$PWD/smtpcr-auth/target/classes:$PWD/smtpcr-examples/runtime/target/classes

src=smtpcr-examples/james/src/main/java/org/smtpcr/examples/james
hooks=(SmtpcrRcptHook SmtpcrMessageHook SmtpcrReplyHandler JamesSpf OpenTransaction Replies HookConfig HeaderReader)
files=()
for c in "${hooks[@]}"; do files+=("$src/$c.java"); done

# 1. James's classes (Java 21 sources), compiled as our sources need them
"$jdk/bin/javac" --release 21 -nowarn -proc:none -d "$work/james" -sourcepath "$sourcepath" -cp "$cp" "${files[@]}"
rm -rf "$work/james/org/smtpcr"
# 2. ours, as they are, for Java 17, against those classes
"$jdk/bin/javac" --release 17 -Xlint:all,-processing,-classfile -Werror -proc:none -d "$work/ours" \
  -cp "$work/james:$cp" "${files[@]}"
echo "compiled against $tag: ${hooks[*]}"

# 3. the same James references as the shipped (transformed) classes
mkdir "$work/jar" && (cd "$work/jar" && "$jdk/bin/jar" -xf "$jar")
refs() {
  "$jdk/bin/javap" -v "$1" | grep -oE '(Methodref|InterfaceMethodref|Fieldref|Class) +[^ ]+ +// .*org/apache.*' |
    sed 's|.*// *||' | grep -v 'lambda\$' | sort -u
}
status=0
for c in "${hooks[@]}"; do
  if diff <(refs "$work/ours/org/smtpcr/examples/james/$c.class") \
    <(refs "$work/jar/META-INF/versions/17/org/smtpcr/examples/james/$c.class"); then
    echo "$c: same James references as in $(basename "$jar")"
  else
    echo "$c: James references differ from $(basename "$jar")" >&2
    status=1
  fi
done
exit $status
