package dev.registry.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.registry.examples.quickstart.Quickstart.Kind;
import dev.registry.examples.quickstart.Quickstart.Story;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartTest {

  @Test
  void theQuickstartTellsTheWholeStoryInUnderAMinute() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Story story = assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        new Quickstart(new PrintStream(printed, true, StandardCharsets.UTF_8)).run(null));
    String output = printed.toString(StandardCharsets.UTF_8);

    // Three instances appear and share the first six calls exactly evenly.
    for (String name : List.of("payment-1", "payment-2", "payment-3")) {
      assertThat(story.first(Kind.APPEARED, name)).isNotNegative();
    }
    Map<String, Integer> firstCalls = new HashMap<>();
    story.answeredBetween(0, story.killedAt()).forEach(n -> firstCalls.merge(n, 1, Integer::sum));
    assertThat(firstCalls).containsOnly(
        Map.entry("payment-1", 2), Map.entry("payment-2", 2), Map.entry("payment-3", 2));

    // An operator's configuration change reaches every running instance at once, and the
    // registry shows that each applied it.
    for (String name : List.of("payment-1", "payment-2", "payment-3")) {
      assertThat(story.first(Kind.CONFIGURED, name) - story.configuredAt()).as(name).isBetween(0L, 1_500L);
    }
    assertThat(output).contains("registry: 3 of 3 instances report configuration index");

    // The killed instance vanishes only when its lease ends, and is not chosen after that.
    long vanished3 = story.first(Kind.VANISHED, "payment-3");
    assertThat(vanished3 - story.killedAt())
        .isBetween(Quickstart.LEASE_TTL.toMillis() - Quickstart.HEARTBEAT.toMillis() - 200,
            Quickstart.LEASE_TTL.toMillis() + 2_500);
    assertThat(story.answeredBetween(vanished3, Long.MAX_VALUE)).doesNotContain("payment-3");

    // The gracefully closed one vanishes at once; the new one appears at once.
    assertThat(story.first(Kind.VANISHED, "payment-2") - story.closedAt()).isLessThan(1_500);
    assertThat(story.first(Kind.APPEARED, "payment-4") - story.startedAt()).isLessThan(1_500);
    assertThat(story.answeredBetween(story.startedAt(), Long.MAX_VALUE))
        .containsOnly("payment-1", "payment-4").contains("payment-4");

    assertThat(output).contains("Registry started in-process", "payment-3: killed",
        "payment-2: closing gracefully", "payment-4 appeared", "Done in");
  }
}
