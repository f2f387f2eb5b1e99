package dev.registry.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The small JSON reader and writer, and the view shapes on top of it. */
class JsonTest {

  @Test
  void readsEveryKindOfValue() throws IOException {
    Object parsed = Json.parse(" {\"s\": \"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\", \"i\": -42,"
        + " \"big\": 12345678901234567890, \"f\": 1.5e2, \"t\": true, \"n\": null,"
        + " \"a\": [1, [], {}], \"o\": {\"k\": false}} ");

    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) parsed;
    assertThat(map).containsKey("n").containsEntry("n", null);
    assertThat(map.get("s")).isEqualTo("a\"b\\c/d\né\uD83D\uDE00");
    assertThat(map.get("i")).isEqualTo(-42L);
    assertThat(map.get("big")).isEqualTo(1.2345678901234567E19);
    assertThat(map.get("f")).isEqualTo(150.0);
    assertThat(map.get("t")).isEqualTo(true);
    assertThat(map.get("a")).isEqualTo(List.of(1L, List.of(), Map.of()));
    assertThat(map.get("o")).isEqualTo(Map.of("k", false));
    assertThat(map.keySet()).containsExactly("s", "i", "big", "f", "t", "n", "a", "o");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[1 2]",
      "{'a':1}", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "tru", "nul", "01x", "-", "1.",
      "1e", "{\"a\":1} x", "\"tab\tinside\"", "{\"a\" 1}"})
  void rejectsMalformedInput(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IOException.class).hasMessageContaining("malformed JSON at offset");
  }

  @Test
  void rejectsNestingDeeperThanTheWireEverNeeds() {
    char[] open = new char[10_000];
    Arrays.fill(open, '[');

    assertThatThrownBy(() -> Json.parse(new String(open)))
        .isInstanceOf(IOException.class).hasMessageContaining("nested deeper than");
  }

  @Test
  void writesEscapedStringsThatReadBack() throws IOException {
    String tricky = "q\"b\\s/n\nr\rt\tc\u0001é";
    String written = new Json.ObjectWriter().field("s", tricky).field("n", 7)
        .field("m", Map.of("k\"", "v\n")).toString();

    assertThat(written).isEqualTo(
        "{\"s\":\"q\\\"b\\\\s/n\\nr\\rt\\tc\\u0001é\",\"n\":7,\"m\":{\"k\\\"\":\"v\\n\"}}");
    assertThat(Json.parse(written)).isEqualTo(Map.of("s", tricky, "n", 7L, "m", Map.of("k\"", "v\n")));
  }

  static ServiceView view(String body, String service, String stage) throws IOException {
    return JsonViews.view(JsonViews.object(Json.parse(body), "a view"), service, stage, 20_000);
  }

  @Test
  void aViewWithANegativeIndexIsUnreadableNotAnIllegalArgument() {
    // Found by JsonReaderFuzzTest: the index went into StageViews, whose check threw past the reader.
    assertThatThrownBy(() -> view("{\"service\":\"p\",\"index\":-3,\"instances\":[]}", "p", "prod"))
        .isInstanceOf(IOException.class).hasMessage("index of p is not an integer of 0 or more: -3");
  }

  @Test
  void theViewsReadAViewSkippingUnknownFieldsAndNonStringMetadata() throws IOException {
    ServiceView view = view("{\"service\":\"p\",\"stage\":\"prod\",\"index\":42,"
        + "\"future\":{\"x\":[1,{\"y\":null}]},\"instances\":[{\"id\":\"p1\","
        + "\"address\":\"http://10.0.0.5:8080\",\"status\":\"WARMING\",\"metadata\":"
        + "{\"v\":\"1\",\"n\":3},\"uptime_seconds\":45.2}]}", "p", "prod");

    assertThat(view.index()).isEqualTo(42);
    ServiceInstance instance = view.instances().get(0);
    assertThat(instance.address()).isEqualTo(URI.create("http://10.0.0.5:8080"));
    assertThat(instance.stage()).isEqualTo("prod");
    assertThat(instance.status()).isEqualTo(Status.DOWN);
    assertThat(instance.metadata()).containsExactly(Map.entry("v", "1"));
  }

  @Test
  void theViewsRejectAnInstanceWithoutAddressAndABodyThatIsNotAnObject() {
    assertThatThrownBy(() -> view("{\"instances\":[{\"id\":\"p1\"}]}", "p", "prod"))
        .isInstanceOf(IOException.class).hasMessageContaining("without address");
    assertThatThrownBy(() -> view("[]", "p", "prod"))
        .isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
  }

  @Test
  void anInstanceListedWithoutIdIsIdentifiedByItsAddress() throws IOException {
    ServiceView view = view("{\"service\":\"p\",\"instances\":[{\"address\":\"http://localhost:8001\","
        + "\"uptime_seconds\":45.2},{\"address\":\"http://[::1]:8002/api\"},"
        + "{\"address\":\"http://[::1]:8002/api\"}],\"count\":3}", "p", "default");

    assertThat(view.instances()).extracting(ServiceInstance::id).element(0).isEqualTo("http:localhost:8001");
    // An address that is no valid id as it is: an id derived from it, the same for the same address.
    assertThat(view.instances().get(1).id()).matches("[0-9a-f-]{36}")
        .isEqualTo(view.instances().get(2).id());
  }

  @Test
  void anIdThatIsNotAStringIsRefused() {
    assertThatThrownBy(() -> view("{\"instances\":[{\"id\":7,\"address\":\"http://h:1\"}]}", "p", "prod"))
        .isInstanceOf(IOException.class).hasMessageContaining("id that is not a string");
  }
}
