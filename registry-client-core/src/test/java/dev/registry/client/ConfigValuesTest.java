package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration's values: typed getters, declared keys, changes, and a lookup that allocates nothing. */
class ConfigValuesTest {
  private static ConfigView view(Map<String, String> values) {
    return new ConfigView("payment", "production", "eu-west-1", null, 7, values, false);
  }

  @Test
  void typedGettersParseTheValueOrAnswerTheDefaultWhenThereIsNone() {
    ConfigView v = view(Map.of("n", "42", "big", "9000000000", "on", "TRUE", "off", "false",
        "t", "1500ms", "iso", "PT2M", "plain", "250", "days", "2d"));

    assertThat(v.getInt("n", 0)).isEqualTo(42);
    assertThat(v.getLong("big", 0)).isEqualTo(9_000_000_000L);
    assertThat(v.getBoolean("on", false)).isTrue();
    assertThat(v.getBoolean("off", true)).isFalse();
    assertThat(v.getDuration("t", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(v.getDuration("iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThat(v.getDuration("plain", Duration.ZERO)).as("milliseconds, as in Spring").isEqualTo(Duration.ofMillis(250));
    assertThat(v.getDuration("days", Duration.ZERO)).isEqualTo(Duration.ofDays(2));
    assertThat(v.getInt("absent", 5)).isEqualTo(5);
    assertThat(v.getDuration("absent", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(v.get("n")).hasValue("42");
    assertThat(v.get("absent")).isEmpty();
    assertThat(v.region()).hasValue("eu-west-1");
    assertThat(v.client()).isEmpty();
  }

  @Test
  void aValueThatDoesNotParseIsAnErrorNamingTheKeyAndTheValue() {
    ConfigView v = view(Map.of("n", "forty", "b", "yes", "t", "soon", "huge", "99999999999999999999s"));

    assertThatThrownBy(() -> v.getInt("n", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the configuration value of n is not an int: 'forty'");
    assertThatThrownBy(() -> v.getBoolean("b", false)).hasMessageContaining("b is not true or false: 'yes'");
    assertThatThrownBy(() -> v.getDuration("t", Duration.ZERO)).hasMessageContaining("t is not a duration");
    assertThatThrownBy(() -> v.getDuration("huge", Duration.ZERO)).hasMessageContaining("huge is not a duration");
  }

  @Test
  void declaredKeysCheckTheirNameDefaultAndDescription() {
    assertThat(ConfigKey.ofDuration("payment.timeout", Duration.ofMillis(2500), "x").defaultValue()).isEqualTo("2500ms");
    assertThat(ConfigKey.ofDuration("payment.timeout", Duration.ofSeconds(2), null).defaultValue()).isEqualTo("2s");
    assertThat(ConfigKey.ofInt("servers[0].weight", 3, "a weight").type()).isEqualTo(ConfigKey.Type.INT);
    assertThatThrownBy(() -> ConfigKey.ofString("bad key", "v", null)).hasMessageContaining("'bad key'");
    assertThatThrownBy(() -> new ConfigKey("n", ConfigKey.Type.INT, "x", null)).hasMessageContaining("n is not an int");
    assertThatThrownBy(() -> ConfigKey.ofString("k", "v", "two\nlines")).hasMessageContaining("one line");
  }

  @Test
  void aChangeNamesTheKeysAddedChangedAndRemoved() {
    ConfigView before = view(Map.of("same", "1", "changed", "a", "removed", "x"));
    ConfigView after = view(Map.of("same", "1", "changed", "b", "added", "y"));

    assertThat(new ConfigChange(before, after).changedKeys()).containsExactly("added", "changed", "removed");
    assertThat(new ConfigChange(null, after).changedKeys()).containsExactly("added", "changed", "same");
    assertThat(new ConfigChange(after, after.withStale(true)).changedKeys()).isEmpty();
  }

  @Test
  void viewsAreEqualByTheirContentAndTheirToStringShowsNoValue() {
    ConfigView a = view(Map.of("db.password", "hunter2"));

    assertThat(a).isEqualTo(view(Map.of("db.password", "hunter2"))).hasSameHashCodeAs(view(Map.of("db.password", "hunter2")));
    assertThat(a).isNotEqualTo(a.withStale(true));
    assertThat(a.withStale(false)).isSameAs(a);
    assertThat(a.toString()).doesNotContain("hunter2").contains("payment", "index 7");
  }

  @Test
  void getOnAViewAllocatesNothing() {
    ConfigView v = view(Map.of("payment.timeout", "5s", "payment.retries", "3"));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    int present = 0;
    for (int i = 0; i < 200_000; i++) {
      present += v.get(i % 2 == 0 ? "payment.timeout" : "absent").isPresent() ? 1 : 0;
    }
    long before = threads.getThreadAllocatedBytes(self);
    for (int i = 0; i < 100_000; i++) {
      Optional<String> value = v.get(i % 2 == 0 ? "payment.timeout" : "absent");
      present += value.isPresent() ? 1 : 0;
    }
    long allocated = threads.getThreadAllocatedBytes(self) - before;

    assertThat(present).isEqualTo(150_000);
    assertThat(allocated).as("bytes allocated by 100,000 lookups").isLessThan(10_000);
  }
}
