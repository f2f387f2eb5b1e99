package dev.registry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.registry.client.spi.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * The client's JSON reader (the small {@link Json} parser, the view shapes of {@code JsonViews},
 * and the wire's documents in {@link JsonCodec}) reads network input: whatever the bytes, each
 * reader answers a value or an {@link IOException}, never another exception, in time and memory
 * proportional to the input. Arbitrary bytes, arbitrary text, and valid answers of the reference
 * server and the seed registry mutated (cut, spliced, duplicated, salted with JSON's own
 * tokens).
 */
class JsonReaderFuzzTest {
  /** Valid answers, the seeds of mutations. */
  static final List<String> ANSWERS = List.of(
      "{\"service\":\"payment-service\",\"stage\":\"default\",\"index\":42,\"count\":2,\"instances\":["
          + "{\"id\":\"p1\",\"address\":\"http://10.0.0.5:8080\",\"stage\":\"default\",\"status\":\"UP\","
          + "\"metadata\":{\"version\":\"1.4.2\",\"zone\":\"eu-west-1a\"},\"uptime_seconds\":45.2,"
          + "\"ttl_seconds\":15,\"lease_remaining_seconds\":11.6},"
          + "{\"id\":\"p2\",\"address\":\"http://[::1]:8081/x?y=1\",\"status\":\"OUT_OF_SERVICE\",\"metadata\":{}}]}",
      "{\"stage\":\"default\",\"index\":57,\"epoch\":\"2xk1q8zv0m3f\",\"delta\":true,\"services\":{"
          + "\"payment-service\":{\"index\":42,\"count\":1,\"instances\":[{\"id\":\"p1\",\"address\":"
          + "\"http://10.0.0.5:8080\",\"status\":\"UP\",\"metadata\":{\"k\":\"v\\u00e9\\n\"}}]},"
          + "\"user-service\":{\"index\":0,\"count\":0,\"instances\":[]}}}",
      "{\"service\":\"user-service\",\"instances\":[{\"address\":\"http://localhost:8001\","
          + "\"uptime_seconds\":45.2}],\"count\":1}",
      "{\"status\":\"registered\",\"message\":\"Service s registered at http://h:1\",\"id\":\"s-1\","
          + "\"instance_secret\":\"9f8e\",\"index\":3}",
      "{\"error\":\"unknown_service\",\"message\":\"Service x not found\",\"instances\":[],\"count\":0}");
  static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\ud800",
      "null", "true", "-", "0", "1e999999", "-0.0e-9", "99999999999999999999", "\u0000", "\u2028",
      "\uD83D", "[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":", "http://0xA9FEA9FE/", "\"instances\"");

  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Property(tries = 1500, shrinking = ShrinkingMode.OFF)
  void arbitraryBytesGiveAValueOrAnIOException(@ForAll @Size(max = 2048) byte[] bytes) {
    readAll(new String(bytes, StandardCharsets.UTF_8));
    readAll(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
  void arbitraryTextGivesAValueOrAnIOException(@ForAll @Size(max = 2048) String text) {
    readAll(text);
  }

  @Property(tries = 4000, shrinking = ShrinkingMode.OFF)
  void mutatedAnswersGiveAValueOrAnIOException(@ForAll("mutatedAnswers") String text) {
    readAll(text);
  }

  @Provide
  Arbitrary<String> mutatedAnswers() {
    Arbitrary<Mutation> mutation = Combinators.combine(
        Arbitraries.integers().between(0, 5), Arbitraries.doubles().between(0, 1),
        Arbitraries.integers().between(0, 64), Arbitraries.of(TOKENS)).as(Mutation::new);
    return Combinators.combine(Arbitraries.of(ANSWERS), mutation.list().ofMinSize(1).ofMaxSize(6))
        .as((answer, mutations) -> {
          String text = answer;
          for (Mutation m : mutations) {
            text = m.apply(text);
          }
          return text;
        });
  }

  /** One edit of a text: where (a fraction of its length), how much, and with what. */
  record Mutation(int kind, double at, int length, String token) {
    String apply(String text) {
      int from = (int) (at * text.length());
      int to = Math.min(text.length(), from + length);
      return switch (kind) {
        case 0 -> text.substring(0, from) + token + text.substring(from);           // insert a token
        case 1 -> text.substring(0, from) + text.substring(to);                     // delete
        case 2 -> text.substring(0, to) + text.substring(from, to) + text.substring(to); // duplicate
        case 3 -> text.substring(0, from);                                          // cut
        case 4 -> text.substring(0, from) + token + text.substring(to);             // replace
        default -> text.substring(0, from) + token.repeat(Math.max(1, length))
            + text.substring(from);                                                 // salt
      };
    }
  }

  /**
   * Every reader on {@code text}: a value or an IOException, within 1 MiB plus 200 bytes per
   * character of heap allocated and 5 s (generous bounds: they catch a blow-up, not a slow run).
   */
  private void readAll(String text) {
    long allocated = threads.getCurrentThreadAllocatedBytes();
    long started = System.nanoTime();
    boolean anyValue = false;
    anyValue |= outcome(text, () -> Json.parse(text));
    anyValue |= outcome(text, () -> JsonCodec.view(text, "payment-service", "default", 20_000));
    anyValue |= outcome(text, () -> JsonCodec.view(text, "user-service", "default", 1));
    anyValue |= outcome(text, () -> JsonCodec.catalog(text, "default", 20_000));
    anyValue |= outcome(text, () -> JsonCodec.serviceCatalog(text, "default", 20_000));
    anyValue |= outcome(text, () -> JsonCodec.registered(text));
    JsonCodec.error(text); // lenient: never throws at all
    Statistics.label("read").collect(anyValue ? "a value" : "only IOExceptions");
    long heap = threads.getCurrentThreadAllocatedBytes() - allocated;
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(heap).as("heap allocated reading %s", abbreviate(text)).isLessThan((1L << 20) + 200L * text.length());
    assertThat(millis).as("ms reading %s", abbreviate(text)).isLessThan(5_000);
  }

  interface Reader {
    Object read() throws IOException;
  }

  /** Whether {@code reader} gave a value; an IOException is a fine answer too; nothing else is. */
  private static boolean outcome(String text, Reader reader) {
    try {
      reader.read();
      return true;
    } catch (IOException e) {
      return false;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("reading " + abbreviate(text) + " threw " + e, e);
    }
  }

  private static String abbreviate(String text) {
    String quoted = text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    return "'" + quoted + "'";
  }
}
