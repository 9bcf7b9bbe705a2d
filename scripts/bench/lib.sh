# Sourced by the benchmark scripts. bench_java MODULE CLASS [ARGS...]: compiles MODULE's test classes, then runs
# org.neurosweep.bench.CLASS on MODULE's test classpath with the ND4J native build the launcher would pick and
# OMP_NUM_THREADS threads (default: all cores). MAVEN_ARGS (e.g. -o) goes to Maven; BENCH_PROFILES (e.g. cpu,libtorch)
# names the Maven profiles; BENCH_HEAP sets -Xmx (default 6g); BENCH_JAVA_OPTS adds JVM options (split at spaces).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/jvm.sh
source "$here/scripts/lib/jvm.sh"

bench_java() {
  local module="$1" class="$2"
  # a class of MODULE's tests, or a single-file program (a path ending in .java) run on their classpath
  local main="org.neurosweep.bench.$class"
  [[ $class == *.java ]] && main="$class"
  shift 2
  cd "$here"
  local cp_file="$here/$module/target/bench.classpath"
  # shellcheck disable=SC2086
  mvn -q -B ${MAVEN_ARGS:-} ${BENCH_PROFILES:+-P"$BENCH_PROFILES"} -pl "$module" test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
  nd4j_native bench
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc 2>/dev/null || echo 2)}"
  # shellcheck disable=SC2086
  exec java -Xmx"${BENCH_HEAP:-6g}" -Xss8m ${BENCH_JAVA_OPTS:-} "${spark_opens[@]}" -Djavacpp.platform.extension="$ext" \
    -Dlog4j2.configurationFile="$here/conf/log4j2.properties" \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$main" "$@"
}
