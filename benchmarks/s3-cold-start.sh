#!/usr/bin/env bash
# Which S3 client for the Lambda path: hello vs the AWS SDK v2 S3 client (URL-connection HTTP
# client) vs our SigV4 signer over HttpURLConnection, each making one signed listing against
# s3proxy, run cold in fresh JVMs through the real runtime interface client; then each one's jar
# footprint. See docs/architecture.md, "S3: our own signer".
#
#   benchmarks/s3-cold-start.sh [runs per variant, default 11]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-11}"
# One reactor invocation, so that the project's own modules resolve to their target/classes.
./mvnw -q -B -ntp -pl registry-client-s3 -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/cold-start.classpath
cp="registry-client-s3/target/test-classes:registry-client-s3/target/classes:$(cat registry-client-s3/target/cold-start.classpath)"
exec java -Ds3proxy.jar=registry-client-s3/target/s3proxy/s3proxy.jar -cp "$cp" \
  dev.registry.client.s3.S3ColdStartHarness "$runs"
