#!/usr/bin/env bash
# Checks SMTPCR's James SMTP hooks against James 3.9.0's protocols-api, protocols-smtp and
# protocols-netty, which are not published where we build. In a scratch directory (nothing is kept,
# and no build step uses this):
#  1. those three are compiled from James's tagged sources (Java 21);
#  2. our hook sources, unchanged, are compiled with --release 17 against them, -Werror;
#  3. the James references of those class files are compared with the classes in
#     smtpcr-examples-james-jakarta's jar;
#  4. the hook tests of smtpcr-examples-james, as transformed for jakarta.mail, run on those classes
#     (the test SMTP server, OwnedExecutorNettyServer, is recompiled for 3.9's pipeline factory,
#     which takes one more argument).
#
#   scripts/james39-hook-check.sh /path/to/james-project.git [tag]
#
# Needs: a git clone (or bare mirror) of apache/james-project with the tag james-project-3.9.0, a
# Java 21 or later JDK under /usr/lib/jvm (or $SMTPCR_JAVA21_HOME), and a previous
#   mvn -pl smtpcr-examples/james-jakarta -am verify -Dsmtpcr.java21=/path/to/java21+/bin/java
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
  io.netty:netty-codec-haproxy:4.1.137.Final io.netty:netty-transport-native-unix-common:4.1.137.Final \
  io.netty:netty-resolver:4.1.137.Final io.netty:netty-transport-classes-epoll:4.1.86.Final \
  org.apache.commons:commons-lang3:3.17.0 commons-io:commons-io:2.19.0; do
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

# 1. James's protocol classes (Java 21 sources)
"$jdk/bin/javac" --release 21 -nowarn -proc:none -d "$work/james" -sourcepath "$sourcepath" -cp "$cp" \
  $(find "$work/protocols" -name '*.java')
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
[ "$status" -eq 0 ] || exit "$status"

# 4. the hook tests, on those classes
tests=smtpcr-examples/james-jakarta/target/james-tests
[ -d "$tests" ] || { echo "$tests missing: run the mvn verify named above first" >&2; exit 1; }
# the class path failsafe used for the James 3.9 tests (the jakarta jar, the transformed tests, James
# 3.9.0's mailet jars, SMTPCR's jars, JUnit, H2 ...): no James protocol jar is on it
report=smtpcr-examples/james-jakarta/target/failsafe-reports/TEST-org.smtpcr.examples.james.SmtpcrLearnRecipientsTest.xml
[ -f "$report" ] || { echo "$report missing: run the mvn verify named above first" >&2; exit 1; }
testcp=$(grep -o 'name="surefire.test.class.path" value="[^"]*"' "$report" | sed 's/.*value="//; s/"$//'):
# and what only the hook tests use: smtpcr-auth's test helpers (DKIM keys, dnsmasq)
testcp=$testcp$(ls "$PWD"/smtpcr-auth/target/smtpcr-auth-*-tests.jar):
launcher=$(ls "${MAVEN_REPO:-$HOME/.m2/repository}"/org/junit/platform/junit-platform-launcher/1.14.1/*.jar)
mkdir -p "$work/harness" "$work/run/target"
sed 's/^        false,$/        false,\n        false,/' \
  smtpcr-examples/james/src/test/java/org/smtpcr/examples/james/OwnedExecutorNettyServer.java \
  >"$work/harness/OwnedExecutorNettyServer.java"
cat >"$work/harness/RunTests.java" <<'JAVA'
import java.io.PrintWriter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

public class RunTests {
  public static void main(String[] args) throws Exception {
    var request = LauncherDiscoveryRequestBuilder.request();
    for (String a : args) request.selectors(DiscoverySelectors.selectClass(Class.forName(a)));
    var listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request.build(), listener);
    listener.getSummary().printTo(new PrintWriter(System.out));
    listener.getSummary().printFailuresTo(new PrintWriter(System.out), 5);
    System.exit(listener.getSummary().getTotalFailureCount() == 0 ? 0 : 1);
  }
}
JAVA
runcp=$testcp$work/james:$cp:$launcher
"$jdk/bin/javac" --release 17 -nowarn -proc:none -d "$work/harness" -cp "$runcp" "$work/harness"/*.java
hooktests=()
for t in RepliesTest SmtpcrReplyHandlerTest SmtpcrRcptHookTest SmtpcrMessageHookTest JamesSpfTest HookConfigTest \
  HeaderReaderTest LogSecretsTest OneSettingEverywhereTest ServerLifecycleTest SmtpcrJamesSmtpTest \
  SmtpcrJamesAuthenticationTest SmtpcrStoreFailureTest SmtpcrSubjectPassCodeTest; do
  hooktests+=("org.smtpcr.examples.james.$t")
done
echo "running the hook tests on $tag's protocol classes:"
doc=$PWD/docs/james.md
(cd "$work/run" && "$jdk/bin/java" -Dsmtpcr.it.required=true -Dsmtpcr.james.doc="$doc" \
  -cp "$work/harness:$runcp" RunTests "${hooktests[@]}") |
  grep -E 'tests (found|successful|failed)|JUnit Jupiter:|=>'
