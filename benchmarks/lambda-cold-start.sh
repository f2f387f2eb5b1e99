#!/usr/bin/env bash
# Lambda cold start: hello vs naive (OkHttp + ObjectMapper + GET) vs ours (the adapter), each
# handler run cold in fresh JVMs (-XX:TieredStopAtLevel=1) through the real
# aws-lambda-java-runtime-interface-client against a local stand-in for the Runtime API and the
# in-process reference registry. See docs/benchmarks.md, "Lambda cold start".
#
#   benchmarks/lambda-cold-start.sh [runs per variant, default 11] [cds]
#
# With "cds", a fourth variant runs ours with an AppCDS archive (-XX:SharedArchiveFile).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-11}"
extra=()
if [[ "${2:-}" == "cds" ]]; then
  extra=("cds=registry-client-lambda/target/cold-start-ours.jsa")
fi
# One reactor invocation, so that the project's own modules resolve to their target/classes.
./mvnw -q -B -ntp -pl registry-client-lambda -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/cold-start.classpath
cp="registry-client-lambda/target/test-classes:registry-client-lambda/target/classes:$(cat registry-client-lambda/target/cold-start.classpath)"
exec java -cp "$cp" dev.registry.client.lambda.coldstart.ColdStartHarness "$runs" "${extra[@]}"
