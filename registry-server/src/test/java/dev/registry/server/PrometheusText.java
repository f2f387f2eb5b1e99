package dev.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parses the Prometheus text format with the Prometheus project's own parser: the one of its
 * Python client library ({@code prometheus_client.parser}, Debian's {@code
 * python3-prometheus-client}; the Java client has none), run as a child process. A text it
 * cannot parse fails the test with the parser's message.
 */
final class PrometheusText {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String SCRIPT = String.join("\n",
      "import json, sys",
      "from prometheus_client.parser import text_string_to_metric_families",
      "for family in text_string_to_metric_families(sys.stdin.read()):",
      "    for s in family.samples:",
      "        print(json.dumps({'family': family.name, 'type': family.type, 'name': s.name,",
      "                          'labels': s.labels, 'value': s.value}))");

  /** One sample: its family's name and type, its own name (with a suffix), labels and value. */
  record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  static List<Sample> parse(String text) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      throw new AssertionError("the metrics tests need /usr/bin/python3 and python3-prometheus-client"
          + " (apt-get install python3-prometheus-client); .ci/run installs them");
    }
    Process process = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the Prometheus parser did not finish");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("the Prometheus parser refused the text (apt-get install"
          + " python3-prometheus-client if it is missing):\n" + err);
    }
    List<Sample> samples = new ArrayList<>();
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode node = TestHttp.JSON.readTree(line);
      Map<String, String> labels = new LinkedHashMap<>();
      node.get("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
      samples.add(new Sample(node.get("family").asText(), node.get("type").asText(), node.get("name").asText(),
          labels, node.get("value").asDouble()));
    }
    return samples;
  }
}
