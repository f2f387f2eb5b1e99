package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.address.AddressPolicy;
import java.net.URI;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes every route of the real server over real HTTP: jqwik generates sequences of requests
 * (good, bad, mangled and garbage, on every route and method, with fake time passing between
 * them) and each is sent on one kept-alive connection. After every request: no 5xx, a JSON
 * answer (an {@code error} code on every 4xx), and the registry's invariants hold: every
 * instance has a valid name, id, address and a live lease; no view breaks a limit; the
 * per-service counts that {@code /services} reports equal the instances held; the index
 * never goes back. At the end of every sequence {@code /services} and {@code /health} are
 * read over HTTP and compared with the views. MicroReg's XML-RPC endpoint, {@code POST /RPC2},
 * is fuzzed beside them (good and bad calls, mangled documents, an external entity and an
 * entity bomb): every answer is a {@code methodResponse}, a DOCTYPE always a fault that read
 * and expanded nothing.
 *
 * <p>A second property sends the same kind of requests to a server with a token (60
 * sequences, about 3,000 requests), most with the token and, where the test knows it from an
 * earlier registration, the instance's secret: a write without the right token is 401 and
 * changes nothing, and a heartbeat, status change or deregistration without the instance's
 * secret never succeeds.
 *
 * <p>The number of sequences is jqwik's {@code jqwik.tries.default} (2000 in
 * {@code junit-platform.properties}: about 102,500 requests, the rest of the 106,000 steps
 * being fake time passing); {@code -Djqwik.tries.default=N} runs a longer campaign.
 * Shrinking is off: the server's state carries over from one sequence to the next, so a
 * failing sequence is reported as generated, with its seed.
 */
class RouteFuzzTest {
  static final int STEPS = 53;
  static final int MAX_INSTANCES = 5;
  static final int MAX_SERVICES = 6;
  static final int MAX_BODY = 4096;
  static final int MAX_CONFIG_ENTRIES = 12;
  static final int MAX_CONFIG_VALUE = 64;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** A field the generator leaves out of the body. */
  private static final Object ABSENT = new Object();

  /** One server under fuzz, with its client and what the checks remember. */
  static final class Target {
    final String name;
    final FakeClock clock = new FakeClock();
    final RegistryServer server;
    final RawHttp http;
    long lastRevision;
    long lastConfigRevision;
    final AtomicLong requests = new AtomicLong();
    final Map<Integer, Long> statuses = new TreeMap<>();

    Target(String name, RegistryServer.Builder builder) {
      this.name = name;
      this.server = builder.port(0).clock(clock)
          .maxInstancesPerService(MAX_INSTANCES)
          .maxServices(MAX_SERVICES)
          .maxBodyBytes(MAX_BODY)
          .maxMetadataEntries(8)
          .maxConfigEntries(MAX_CONFIG_ENTRIES)
          .maxConfigValueLength(MAX_CONFIG_VALUE)
          .build().start();
      this.http = new RawHttp("127.0.0.1", server.port());
    }

    void close() {
      http.close();
      server.close();
      System.out.println(name + ": " + requests.get() + " requests on " + http.connections
          + " connections (" + http.resends + " sent again after the server closed a kept-alive one); statuses "
          + statuses + "; configuration changes " + server.configurations().revision());
    }
  }

  static final String TOKEN = "fuzz-token";
  private static Target open;
  private static Target secured;

  @BeforeContainer
  static void start() {
    open = new Target("RouteFuzzTest", RegistryServer.builder());
    secured = new Target("RouteFuzzTest with a token", RegistryServer.builder().token(TOKEN));
  }

  @AfterContainer
  static void stop() {
    open.close();
    secured.close();
  }

  // ---------------------------------------------------------------- the properties

  @Property(shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void everyRouteAnswersEveryRequestWithoutA5xxAndTheRegistryStaysConsistent(
      @ForAll("sequences") List<Step> steps) throws IOException {
    Target t = open;
    withHistory(t, () -> {
      for (Step step : steps) {
        if (step instanceof Tick tick) {
          tick(t, tick);
        } else {
          Send send = (Send) step;
          checkAnswer(t, send, exchange(t, send));
        }
        checkInvariants(t);
      }
      checkCountsOverHttp(t);
    });
  }

  private interface Sequence {
    void run() throws IOException;
  }

  /** Runs a sequence; a failure's message ends with the last exchanges on the wire. */
  private static void withHistory(Target t, Sequence sequence) throws IOException {
    try {
      sequence.run();
    } catch (AssertionError | IOException e) {
      throw new AssertionError(e.getMessage() + "\nThe last exchanges:\n" + t.http.recentExchanges(), e);
    }
  }

  /**
   * The same requests to a server with a token, most with the token and, where the test knows
   * it, the instance's secret: a write without the right token is 401 and changes nothing; a
   * heartbeat, status change or deregistration without the instance's secret never succeeds.
   */
  @Property(shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, tries = 60)
  void withATokenNoWriteWithoutItAndNoInstanceCallWithoutItsSecretGetsThrough(
      @ForAll("securedSequences") List<Tuple.Tuple2<Step, Integer>> steps) throws IOException {
    Target t = secured;
    withHistory(t, () -> securedSequence(t, steps));
  }

  private void securedSequence(Target t, List<Tuple.Tuple2<Step, Integer>> steps) throws IOException {
    for (Tuple.Tuple2<Step, Integer> pair : steps) {
      int dice = pair.get2();
      if (pair.get1() instanceof Tick tick) {
        tick(t, tick);
        checkInvariants(t);
        continue;
      }
      Send send = (Send) pair.get1();
      if (send.garbage()) {
        checkAnswer(t, send, exchange(t, send));
        checkInvariants(t);
        continue;
      }
      String head = new String(send.bytes(), StandardCharsets.ISO_8859_1);
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      String method = requestLine.substring(0, requestLine.indexOf(' '));
      String path = requestLine.substring(method.length() + 1, requestLine.lastIndexOf(' '));
      int bodyAt = head.indexOf("\r\n\r\n") + 4;
      JsonNode body = parseOrNull(Arrays.copyOfRange(send.bytes(), bodyAt, send.bytes().length));
      boolean write = method.equals("POST") && (WRITES.contains(path) || CONFIG_WRITE.matcher(path).matches());
      boolean rightToken = dice < 85;
      StringBuilder extra = new StringBuilder();
      if (rightToken) {
        extra.append("Authorization: Bearer ").append(TOKEN).append("\r\n");
      } else if (dice < 95) {
        extra.append("Authorization: Bearer wrong-").append(dice).append("\r\n");
      }
      String secret = secrets.get(instanceKey(body));
      boolean rightSecret = secret != null && dice % 10 < 8;
      if (rightSecret) {
        extra.append(RegistryHandler.SECRET_HEADER).append(": ").append(secret).append("\r\n");
      }
      int lineEnd = head.indexOf("\r\n") + 2;
      byte[] prefix = (head.substring(0, lineEnd) + extra).getBytes(StandardCharsets.ISO_8859_1);
      byte[] bytes = new byte[prefix.length + send.bytes().length - lineEnd];
      System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      System.arraycopy(send.bytes(), lineEnd, bytes, prefix.length, send.bytes().length - lineEnd);
      Send sent = new Send(send.summary() + (rightToken ? "" : " [no/wrong token]") + (rightSecret ? " [secret]" : ""),
          bytes, false);

      long before = t.server.registry().revision();
      long configBefore = t.server.configurations().revision();
      RawHttp.Answer answer = exchange(t, sent);
      checkAnswer(t, sent, answer);
      if (write && !rightToken) {
        assertThat(answer.status()).as("%s", sent).isEqualTo(401);
        assertThat(t.server.registry().revision()).as("%s changed nothing", sent).isEqualTo(before);
        assertThat(t.server.configurations().revision()).as("%s changed nothing", sent).isEqualTo(configBefore);
      }
      if (write && WRITES.contains(path) && !path.equals("/register") && !rightSecret) {
        assertThat(answer.status()).as("%s without the instance's secret", sent).isNotEqualTo(200);
      }
      if (path.equals("/register") && answer.status() < 300) {
        JsonNode a = parseOrNull(answer.body());
        if (a != null && a.path("instance_secret").isTextual()) {
          String service = a.path("service").asText();
          String stage = a.path("stage").asText();
          secrets.put(service + "|" + stage + "|id|" + a.path("id").asText(), a.path("instance_secret").asText());
          secrets.put(service + "|" + stage + "|address|" + a.path("address").asText(), a.path("instance_secret").asText());
        }
      }
      checkInvariants(t);
    }
    checkCountsOverHttp(t);
  }

  static final Set<String> WRITES = Set.of("/register", "/heartbeat", "/deregister", "/status");
  private static final Pattern CONFIG_WRITE = Pattern.compile("/config/[^/?]*");
  /** Instance secrets the secured server gave, by service|stage|id|... and service|stage|address|... */
  private static final Map<String, String> secrets = new java.util.concurrent.ConcurrentHashMap<>();

  /** The key of the instance a body names as the server reads it: id first, else address. */
  private static String instanceKey(JsonNode body) {
    if (body == null || !body.isObject() || !body.path("service").isTextual()) {
      return "";
    }
    String stage = body.path("stage").isTextual() ? body.path("stage").asText() : "default";
    String prefix = body.path("service").asText() + "|" + stage + "|";
    if (body.path("id").isTextual()) {
      return prefix + "id|" + body.path("id").asText();
    }
    return body.path("address").isTextual() ? prefix + "address|" + body.path("address").asText() : "";
  }

  private static JsonNode parseOrNull(byte[] bytes) {
    try {
      return bytes.length == 0 ? null : JSON.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  private static void tick(Target t, Tick tick) {
    t.clock.advance(Duration.ofMillis(tick.millis()));
    t.server.sweep();
    long now = t.clock.millis();
    for (ServiceView view : t.server.registry().allViews()) {
      for (Instance i : view.instances()) {
        assertThat(i.lease.end()).as("after a sweep, no ended lease: %s", i).isGreaterThan(now);
      }
    }
  }

  private static RawHttp.Answer exchange(Target t, Send send) throws IOException {
    RawHttp.Answer answer = t.http.exchange(send.bytes());
    t.requests.incrementAndGet();
    if (send.garbage()) {
      // What is left of garbage on the wire is no one's next request: start afresh.
      t.http.close();
    }
    return answer;
  }

  private static void checkAnswer(Target t, Send send, RawHttp.Answer answer) {
    if (answer == null) {
      assertThat(send.garbage()).as("the server closed without answering %s: %s", send, t.http.lastFailure).isTrue();
      return;
    }
    t.statuses.merge(answer.status(), 1L, Long::sum);
    if (send.summary().startsWith("POST /RPC2 ") && answer.status() == 200) {
      // XML-RPC: every readable request is answered with a methodResponse, a fault for anything wrong.
      assertThat(answer.header("content-type")).startsWith("text/xml");
      Object value = XmlRpcClient.decodeResponse(answer.text());
      if (send.summary().contains("<!DOCTYPE")) {
        assertThat(value).as("%s answered %s", send, answer.text()).isInstanceOf(XmlRpcClient.Fault.class);
        assertThat(answer.text()).doesNotContain("root:").doesNotContain("hahaha");
      }
      return;
    }
    if (answer.status() == 505) {
      // The one 5xx HTTP prescribes for a client's mistake: a request line of an unknown version.
      assertThat(send.garbage() && !send.summary().contains("HTTP/1.1|")).as("%s answered 505", send).isTrue();
      assertThat(answer.text()).contains("http_version_not_supported");
      return;
    }
    assertThat(answer.status()).as("%s answered %s", send, answer.text()).isBetween(200, 499);
    JsonNode json;
    try {
      json = JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new AssertionError(send + " answered no JSON: " + answer.text(), e);
    }
    assertThat(json).as("%s answered %s", send, answer.text()).isNotNull();
    assertThat(json.isObject()).as("%s answered %s", send, answer.text()).isTrue();
    assertThat(answer.header("content-type")).startsWith("application/json");
    if (answer.status() >= 400) {
      assertThat(json.path("error").isTextual()).as("%s answered %s", send, answer.text()).isTrue();
      assertThat(json.path("message").isTextual()).as("%s answered %s", send, answer.text()).isTrue();
    }
  }

  private static void checkInvariants(Target t) {
    // Plain checks, not AssertJ: they run for every instance after every request.
    Registry registry = t.server.registry();
    long revision = registry.revision();
    check(revision >= t.lastRevision, () -> "the index went back from " + t.lastRevision + " to " + revision);
    t.lastRevision = revision;
    Map<String, Integer> perService = new TreeMap<>();
    int live = 0;
    for (ServiceView view : registry.allViews()) {
      check(NAME.matcher(view.service()).matches() && NAME.matcher(view.stage()).matches(), view::toString);
      check(view.index() <= revision, () -> "index above the revision: " + view);
      check(view.instances().size() <= MAX_INSTANCES, () -> "over the instance limit: " + view);
      if (view.isEmpty()) {
        continue;
      }
      live++;
      perService.merge(view.service(), view.instances().size(), Integer::sum);
      Set<String> ids = new HashSet<>();
      Set<String> addresses = new HashSet<>();
      for (Instance i : view.instances()) {
        check(i.service.equals(view.service()) && i.stage.equals(view.stage()), () -> "misfiled: " + i);
        check(ID.matcher(i.id).matches(), () -> "bad id: " + i);
        try {
          RequestBody.address(i.address);
        } catch (ApiException e) {
          throw new AssertionError("bad address: " + i, e);
        }
        check(AddressPolicy.denied(URI.create(i.address)).isEmpty(), () -> "denied address held: " + i);
        check(i.lease.end() != Lease.REMOVED && i.lease.end() > 0, () -> "no lease: " + i);
        check(i.ttlMillis == Lease.UNTIL_REMOVED ? i.id.equals(MicroRegApi.ID) && i.stage.equals("default")
            : i.ttlMillis >= 1_000 && i.ttlMillis <= 3_600_000, () -> "ttl out of range: " + i);
        check(i.status != null && i.metadata.size() <= 8 && i.secret != null, () -> "bad fields: " + i);
        check(ids.add(i.id), () -> "ids not unique: " + view);
        check(addresses.add(i.address), () -> "addresses not unique: " + view);
      }
    }
    checkConfiguration(t);
    int liveServices = live;
    check(live <= MAX_SERVICES && live == registry.liveServices(),
        () -> liveServices + " live services, counter " + registry.liveServices());
    Map<String, Integer> reported = new TreeMap<>();
    registry.services().forEach((name, counts) -> reported.put(name, counts.total()));
    check(reported.equals(perService), () -> "/services counts " + reported + " != instances " + perService);
  }

  private static void check(boolean ok, java.util.function.Supplier<String> message) {
    if (!ok) {
      throw new AssertionError(message.get());
    }
  }

  /** The configuration's invariants: valid keys and scopes, within the limits, indexes never back. */
  private static void checkConfiguration(Target t) {
    Configurations config = t.server.configurations();
    long revision = config.revision();
    check(revision >= t.lastConfigRevision,
        () -> "the configuration index went back from " + t.lastConfigRevision + " to " + revision);
    t.lastConfigRevision = revision;
    config.all().forEach((service, c) -> {
      check(NAME.matcher(service).matches() && c.index() <= revision && c.index() > 0, () -> service + ": " + c);
      int size = 0;
      for (var scope : c.scopes().entrySet()) {
        ConfigScope s = scope.getKey();
        check((s.stage() == null || NAME.matcher(s.stage()).matches())
            && (s.region() == null || NAME.matcher(s.region()).matches())
            && (s.client() == null || NAME.matcher(s.client()).matches()) && !scope.getValue().isEmpty(),
            () -> service + ": bad scope " + s);
        for (ConfigEntry e : scope.getValue().values()) {
          check(e.scope().equals(s) && ConfigRequest.KEY.matcher(e.key()).matches()
              && e.value().length() <= MAX_CONFIG_VALUE && e.index() <= c.index(), () -> service + ": bad entry " + e);
          size++;
        }
      }
      int counted = size;
      check(size == c.size() && size <= MAX_CONFIG_ENTRIES, () -> service + ": " + counted + " entries, size " + c.size());
      check(c.history().size() <= Configurations.HISTORY + MAX_CONFIG_ENTRIES * 3
          && (c.history().isEmpty() || c.history().get(c.history().size() - 1).index() == c.index()),
          () -> service + ": history " + c.history());
    });
  }

  private static void checkCountsOverHttp(Target t) throws IOException {
    Map<String, Integer> perService = new TreeMap<>();
    int instances = 0;
    long now = t.clock.millis();
    for (ServiceView view : t.server.registry().allViews()) {
      for (Instance i : view.instances()) {
        perService.merge(view.service(), 1, Integer::sum);
        if (i.lease.end() > now) {
          instances++;
        }
      }
    }
    JsonNode services = JSON.readTree(get(t, "/services").body());
    Map<String, Integer> reported = new TreeMap<>();
    services.path("services").properties().forEach(e -> reported.put(e.getKey(), e.getValue().path("total_instances").asInt()));
    assertThat(reported).as("/services over HTTP").isEqualTo(perService);
    assertThat(services.path("total_services").asInt()).isEqualTo(perService.size());
    assertThat(JSON.readTree(get(t, "/health").body()).path("instances").asInt()).isEqualTo(instances);
  }

  private static RawHttp.Answer get(Target t, String path) throws IOException {
    RawHttp.Answer answer = t.http.exchange(RawHttp.request("GET", path, null, null));
    assertThat(answer).isNotNull();
    assertThat(answer.status()).as("GET %s answered %s", path,
        new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return answer;
  }

  // ---------------------------------------------------------------- what is sent

  sealed interface Step permits Send, Tick {}

  /** Bytes for the wire; {@code garbage} when they need not be an HTTP request at all. */
  record Send(String summary, byte[] bytes, boolean garbage) implements Step {
    @Override
    public String toString() {
      return summary;
    }
  }

  /** Fake time passes, then the sweep runs. */
  record Tick(long millis) implements Step {}

  @Provide
  Arbitrary<List<Step>> sequences() {
    return step().list().ofSize(STEPS);
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<Step, Integer>>> securedSequences() {
    return Combinators.combine(step(), Arbitraries.integers().between(0, 99)).as(Tuple::of).list().ofSize(STEPS);
  }

  Arbitrary<Step> step() {
    return Arbitraries.frequencyOf(
        Tuple.of(30, register()),
        Tuple.of(12, instanceCall("/heartbeat")),
        Tuple.of(7, instanceCall("/deregister")),
        Tuple.of(7, instanceCall("/status")),
        Tuple.of(14, discover()),
        Tuple.of(5, catalog()),
        Tuple.of(4, Arbitraries.of("/services", "/health").map(p -> send("GET", p, null, null))),
        Tuple.of(6, wrongRouteOrMethod()),
        Tuple.of(8, configWrite()),
        Tuple.of(6, configRead()),
        Tuple.of(6, xmlRpc()),
        Tuple.of(6, mangled()),
        Tuple.of(2, garbage()),
        Tuple.of(3, Arbitraries.longs().between(0, 40_000).map(Tick::new)));
  }

  // ---- POST routes

  Arbitrary<Step> register() {
    Arbitrary<Map<String, Object>> fields = Combinators.combine(
        service(), address(), id(), stage(), status(), metadata(), ttl())
        .as((service, address, id, stage, status, metadata, ttl) -> body(
            "service", service, "address", address, "id", id, "stage", stage, "status", status,
            "metadata", metadata, "ttl_seconds", ttl));
    return Combinators.combine(fields, contentType()).as((b, type) -> post("/register", b, type));
  }

  Arbitrary<Step> instanceCall(String path) {
    Arbitrary<Object> secret = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(ABSENT)), Tuple.of(1, Arbitraries.of("guess", "", "x".repeat(300))),
        Tuple.of(1, wrongType()));
    Arbitrary<Map<String, Object>> fields = Combinators.combine(service(), address(), id(), stage(), status(), secret)
        .as((service, address, id, stage, status, s) -> body(
            "service", service, "address", address, "id", id, "stage", stage,
            "status", path.equals("/status") || status == ABSENT ? status : ABSENT, "instance_secret", s));
    return Combinators.combine(fields, contentType()).as((b, type) -> post(path, b, type));
  }

  // ---- GET routes

  Arbitrary<Step> discover() {
    Arbitrary<String> name = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of(SERVICES)),
        Tuple.of(2, Arbitraries.of("", "a%20b", "%00", "a%2Fb", "..", "-x", "%E2%82%AC", "x".repeat(129), "a/b")),
        Tuple.of(1, Arbitraries.strings().alpha().numeric().withChars("._-~").ofMinLength(1).ofMaxLength(20)));
    return Combinators.combine(Arbitraries.of("GET", "GET", "GET", "POST", "PUT", "DELETE"), name, query())
        .as((method, n, q) -> send(method, "/discover/" + n + q, null, null));
  }

  Arbitrary<Step> catalog() {
    return query().map(q -> send("GET", "/catalog" + q, null, null));
  }

  /** {@code ?stage=&index=&wait=} in good and bad forms; a held poll only ever waits a few ms. */
  Arbitrary<String> query() {
    Arbitrary<Object> stage = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(ABSENT)), Tuple.of(4, Arbitraries.of(STAGES)),
        Tuple.of(1, Arbitraries.of("", "bad stage", "-x", "x".repeat(129), "ü")));
    Arbitrary<Object> index = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(ABSENT)), Tuple.of(3, Arbitraries.longs().between(0, 400).map(String::valueOf)),
        Tuple.of(1, Arbitraries.of("-1", "abc", "", "1.5", "99999999999999999999", "0x10")));
    Arbitrary<Object> wait = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("0", "0s", "1ms", "3ms")),
        Tuple.of(1, Arbitraries.of("soon", "-1s", "", "1x", "9999999999999999999s", "1.5.5s")));
    return Combinators.combine(stage, index, wait).as((s, i, w) -> {
      StringBuilder q = new StringBuilder();
      if (s != ABSENT) {
        q.append("&stage=").append(URLEncoder.encode((String) s, StandardCharsets.UTF_8));
      }
      if (i != ABSENT) {
        // Never the default 30 s wait: a long-poll is always given one of ours.
        q.append("&index=").append(URLEncoder.encode((String) i, StandardCharsets.UTF_8))
            .append("&wait=").append(URLEncoder.encode((String) w, StandardCharsets.UTF_8));
      }
      return q.length() == 0 ? "" : "?" + q.substring(1);
    });
  }

  // ---- configuration

  static final String[] CONFIG_KEYS = {"timeout", "retries", "feature.new-checkout", "list[0]", "k_1"};

  Arbitrary<Step> configWrite() {
    Arbitrary<Object> key = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of(CONFIG_KEYS)),
        Tuple.of(1, Arbitraries.of("", "bad key", "-lead", "k".repeat(257), "ü", "a/b")));
    Arbitrary<String> goodKey = Arbitraries.of(CONFIG_KEYS);
    Arbitrary<Object> value = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.strings().ofMaxLength(12).map(v -> (Object) v)),
        Tuple.of(1, Arbitraries.just("v".repeat(MAX_CONFIG_VALUE + 1))),
        Tuple.of(1, Arbitraries.of(42, true, 1.5, List.of("s"), Map.of("n", 1))));
    Arbitrary<Object> set = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(ABSENT)),
        Tuple.of(8, Arbitraries.maps(goodKey, Arbitraries.strings().ofMaxLength(12)).ofMinSize(1).ofMaxSize(3)
            .map(m -> (Object) m)),
        Tuple.of(2, Arbitraries.maps(key.map(String::valueOf), value).ofMaxSize(4).map(m -> (Object) m)),
        Tuple.of(1, wrongType()));
    Arbitrary<Object> delete = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(ABSENT)),
        Tuple.of(6, Arbitraries.of(CONFIG_KEYS).list().ofMinSize(1).ofMaxSize(5).map(l -> (Object) l)),
        Tuple.of(1, key.list().ofMaxSize(3).map(l -> (Object) l)),
        Tuple.of(1, Arbitraries.of("timeout", List.of(1), Map.of())));
    Arbitrary<Object> defaults = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(ABSENT)),
        Tuple.of(3, Arbitraries.maps(key.map(String::valueOf), Arbitraries.oneOf(value,
            Arbitraries.of(Map.of("value", "d", "description", "a key"), Map.of("description", "no value"),
                Map.of("value", "d", "description", "two\nlines"), Map.of("value", 1)))).ofMaxSize(3)
            .map(m -> (Object) m)));
    // Few scopes, so that deletes meet the entries that sets wrote and a service is not stuck at its limit.
    Arbitrary<Object> stage = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(ABSENT)),
        Tuple.of(3, Arbitraries.of("production")), Tuple.of(1, Arbitraries.of("", "bad stage")));
    Arbitrary<Object> region = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(ABSENT)),
        Tuple.of(3, Arbitraries.of("eu-west-1")), Tuple.of(1, Arbitraries.of("", "bad region")));
    Arbitrary<Object> client = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(ABSENT)),
        Tuple.of(3, Arbitraries.of("acme")), Tuple.of(1, wrongType()));
    Arbitrary<Map<String, Object>> fields = Combinators.combine(stage, region, client, set, delete, defaults)
        .as((st, r, c, s, d, df) -> body("stage", st, "region", r, "client", c, "set", s, "delete", d, "defaults", df));
    Arbitrary<String> service = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of(SERVICES)),
        Tuple.of(1, Arbitraries.of("", "bad%20name", "svc-a/entries", "svc-a/nope")));
    return Combinators.combine(service, fields, contentType())
        .as((svc, b, type) -> post("/config/" + svc, b, type));
  }

  Arbitrary<Step> configRead() {
    Arbitrary<String> part = Arbitraries.of("", "", "", "/entries", "/history", "/applied", "/nope", "/");
    Arbitrary<String> service = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of(SERVICES)),
        Tuple.of(1, Arbitraries.of("", "a%20b", "x".repeat(129))));
    Arbitrary<String> extra = Arbitraries.of("", "&region=eu-west-1", "&client=acme&region=us-east-1",
        "&client=bad%20client", "&epoch=other", "&region=");
    Arbitrary<String> method = Arbitraries.of("GET", "GET", "GET", "GET", "PUT", "DELETE", "POST");
    return Combinators.combine(method, service, part, query(), extra).as((m, svc, p, q, x) -> send(m,
        "/config/" + svc + p + (q.isEmpty() && !x.isEmpty() ? "?" + x.substring(1) : q + x), null, null));
  }

  // ---- the rest

  Arbitrary<Step> wrongRouteOrMethod() {
    Arbitrary<String> path = Arbitraries.of("/register", "/heartbeat", "/deregister", "/status", "/services",
        "/health", "/catalog", "/discover/svc-a", "/", "/nope", "/register/", "/REGISTER", "/discover",
        "/discover/", "//register", "/%2e%2e/register", "/services?x=1", "/health#frag");
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO");
    Arbitrary<byte[]> body = Arbitraries.of(new byte[0], "{}".getBytes(StandardCharsets.UTF_8),
        "{\"service\": \"svc-a\", \"address\": \"http://h:1\"}".getBytes(StandardCharsets.UTF_8));
    return Combinators.combine(method, path, body, contentType())
        .as((m, p, b, t) -> send(m, p, t == ABSENT ? null : (String) t, b.length == 0 ? null : b));
  }

  /**
   * MicroReg's XML-RPC calls at {@code /RPC2}: good calls on the usual services, wrong arguments,
   * unknown methods, mangled documents, an external entity (XXE) and an entity bomb.
   */
  Arbitrary<Step> xmlRpc() {
    Arbitrary<String> name = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.of(SERVICES)), Tuple.of(1, Arbitraries.of("", "bad name", "x".repeat(129))));
    Arbitrary<String> host = Arbitraries.of("127.0.0.1", "10.0.0.3", "https://svc.example", "169.254.169.254",
        "::1", "", "a b", "metadata.google.internal");
    Arbitrary<String> port = Arbitraries.of("<int>8080</int>", "<int>1</int>", "<int>70000</int>", "<int>0</int>",
        "<string>80</string>", "<i8>8080</i8>");
    Arbitrary<String> status = Arbitraries.of("<int>1</int>", "<int>0</int>", "<int>-1</int>", "<int>7</int>",
        "<boolean>1</boolean>");
    Arbitrary<String> check = Arbitraries.of("", "<value><struct><member><name>type</name><value>tcp</value></member>"
        + "</struct></value>", "<value><struct><member><name>type</name><value>http</value></member><member><name>"
        + "interval</name><value><int>0</int></value></member></struct></value>", "<value><array><data/></array></value>");
    Arbitrary<String> call = Combinators.combine(name, host, port, status, check, Arbitraries.integers().between(0, 9))
        .as((n, h, p, st, c, which) -> switch (which) {
          case 0, 1 -> rpcCall("register", "<value>" + n + "</value>", "<value><string>" + h + "</string></value>",
              "<value>" + p + "</value>", "<value>" + st + "</value>", c);
          case 2 -> rpcCall("register", "<value>" + n + "</value>", "<value>" + h + "</value>", "<value>" + p + "</value>");
          case 3 -> rpcCall("update_status", "<value>" + n + "</value>", "<value>" + st + "</value>");
          case 4, 5 -> rpcCall("unregister", "<value>" + n + "</value>");
          case 6 -> rpcCall("get_service_details", "<value>" + n + "</value>");
          case 7 -> rpcCall(n.isEmpty() ? "get_all_service_details" : "get_reg_count");
          case 8 -> rpcCall("no_such_method", "<value><double>1.5</double></value>");
          default -> rpcCall("register", "<value><nil/></value>");
        });
    Arbitrary<String> hostile = Arbitraries.of(
        "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><methodCall><methodName>"
            + "get_service_details</methodName><params><param><value>&x;</value></param></params></methodCall>",
        "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"hahahahaha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
            + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><methodCall><methodName>register</methodName><params><param>"
            + "<value>&c;</value></param></params></methodCall>",
        "<?xml version=\"1.0\"?><!DOCTYPE m SYSTEM \"http://127.0.0.1:1/evil.dtd\"><methodCall/>",
        "<methodCall><methodName>get_reg_count</methodName>",
        "<methodCall><methodName>get_reg_count</methodName><params><param><value><int>1</int><int>2</int></value>"
            + "</param></params></methodCall>",
        "<methodCall><methodName>get_reg_count</methodName><params>" + "<param><value><array><data>".repeat(30)
            + "</data></array></value></param>".repeat(30) + "</params></methodCall>",
        "{\"service\": \"svc-a\"}", "");
    Arbitrary<String> body = Arbitraries.frequencyOf(Tuple.of(6, call), Tuple.of(2, hostile));
    Arbitrary<String> method = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("POST")),
        Tuple.of(1, Arbitraries.of("GET", "PUT")));
    return Combinators.combine(method, body).as((m, b) -> send(m, "/RPC2", m.equals("GET") ? null : "text/xml",
        m.equals("GET") ? null : b.getBytes(StandardCharsets.UTF_8)));
  }

  private static String rpcCall(String method, String... values) {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>").append(method)
        .append("</methodName><params>");
    for (String v : values) {
      if (!v.isEmpty()) {
        sb.append("<param>").append(v).append("</param>");
      }
    }
    return sb.append("</params></methodCall>").toString();
  }

  /** A register-like body, then cut, spliced, padded over the limit or replaced. */
  Arbitrary<Step> mangled() {
    Arbitrary<String> route = Arbitraries.of("/register", "/heartbeat", "/deregister", "/status");
    Arbitrary<String> json = Arbitraries.of(
        "{\"service\": \"svc-a\", \"address\": \"http://10.0.0.1:80\", \"metadata\": {\"k\": \"v\"}}",
        "{\"service\": \"svc-b\", \"id\": \"i-1\", \"status\": \"DOWN\"}");
    Arbitrary<Integer> how = Arbitraries.integers().between(0, 7);
    Arbitrary<Integer> where = Arbitraries.integers().between(0, 80);
    Arbitrary<String> noise = Arbitraries.strings().ofMinLength(1).ofMaxLength(12);
    return Combinators.combine(route, json, how, where, noise).as((r, j, h, w, n) -> {
      int at = Math.min(w, j.length());
      String body = switch (h) {
        case 0 -> j.substring(0, at);
        case 1 -> j.substring(0, at) + n + j.substring(at);
        case 2 -> j.replace("}", ", \"pad\": \"" + "x".repeat(MAX_BODY) + "\"}");
        case 3 -> "[" + j + "]";
        case 4 -> j.replace("\"svc-", "\"" + n);
        case 5 -> j + j;
        case 6 -> "{\"service\": {\"service\": {\"service\": [[[[[[[[[[1]]]]]]]]]]}}, \"address\": null}";
        default -> n;
      };
      return send("POST", r, "application/json", body.getBytes(StandardCharsets.UTF_8));
    });
  }

  /** Bytes that are not a proper request: a bad request line, bad headers, a lying length. */
  Arbitrary<Step> garbage() {
    Arbitrary<String> raw = Arbitraries.of(
        "GARBAGE\r\n\r\n",
        "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET  /health  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        "POST /register HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "POST /register HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "POST /register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET /discover/\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(20_000) + "\r\n\r\n");
    return raw.map(r -> new Send("garbage " + r.substring(0, Math.min(40, r.length())).replace("\r\n", "|"),
        r.getBytes(StandardCharsets.ISO_8859_1), true));
  }

  // ---- field values: mostly good ones from small pools (so requests meet held instances), some bad

  static final String[] SERVICES = {"svc-a", "svc-b", "svc-c", "svc-d", "svc-e", "svc-f", "svc-g", "x.y_z"};
  static final String[] STAGES = {"default", "production", "staging"};

  Arbitrary<Object> service() {
    return Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.of(SERVICES)),
        Tuple.of(2, Arbitraries.of("", " ", "has space", "-lead", "ünï", "a/b", "x".repeat(129), "\u0000")),
        Tuple.of(1, wrongType()),
        Tuple.of(1, Arbitraries.just(ABSENT)));
  }

  Arbitrary<Object> address() {
    return Arbitraries.frequencyOf(
        Tuple.of(16, Arbitraries.integers().between(1, 8).map(i -> "http://10.0.0." + i + ":8080")),
        Tuple.of(3, Arbitraries.of("https://svc.example:8443/base", "http://[::1]:9000", "HTTP://UPPER:1",
            "http://localhost:8001")),
        Tuple.of(3, Arbitraries.of("ftp://x", "h:1", "localhost:8001", "http://", "http:///nohost", "/relative",
            "javascript:alert(1)", "http://h:1/" + "p".repeat(2100), "http://a b", "", "http://[::1",
            "http://169.254.169.254/latest", "http://[fd00:ec2::254]/", "http://%zz", "http://0xA9FEA9FE/",
            "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/")),
        Tuple.of(1, wrongType()),
        Tuple.of(2, Arbitraries.just(ABSENT)));
  }

  Arbitrary<Object> id() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(ABSENT)),
        Tuple.of(8, Arbitraries.integers().between(1, 6).map(i -> "i-" + i)),
        Tuple.of(1, Arbitraries.of("", "has space", "x".repeat(129), "a/b", "ü")),
        Tuple.of(1, wrongType()));
  }

  Arbitrary<Object> stage() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(ABSENT)),
        Tuple.of(6, Arbitraries.of(STAGES)),
        Tuple.of(1, Arbitraries.of("", "bad stage", "-x", "x".repeat(129))),
        Tuple.of(1, wrongType()));
  }

  Arbitrary<Object> status() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(ABSENT)),
        Tuple.of(6, Arbitraries.of("UP", "DOWN", "STARTING", "OUT_OF_SERVICE")),
        Tuple.of(1, Arbitraries.of("up", "", "DEAD", "UP ")),
        Tuple.of(1, wrongType()));
  }

  Arbitrary<Object> metadata() {
    Arbitrary<Object> small = Arbitraries.maps(
            Arbitraries.strings().ofMinLength(0).ofMaxLength(6),
            Arbitraries.strings().ofMaxLength(12))
        .ofMaxSize(4).map(m -> (Object) m);
    Arbitrary<Object> bad = Arbitraries.of(
        (Object) Map.of("k", 1), Map.of("k", List.of("v")), Map.of("k", Map.of()), List.of("k", "v"), "k=v",
        Map.of("", "empty key"), Map.of("k".repeat(129), "v"), Map.of("k", "v".repeat(1025)), manyEntries(9));
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(ABSENT)), Tuple.of(6, small), Tuple.of(2, bad),
        Tuple.of(1, Arbitraries.just(JSON_NULL)));
  }

  Arbitrary<Object> ttl() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(ABSENT)),
        Tuple.of(6, Arbitraries.integers().between(1, 60).map(i -> (Object) i)),
        Tuple.of(2, Arbitraries.of(0, -1, 3601, Integer.MAX_VALUE, Long.MAX_VALUE, 1.5, 1e300, "15", true,
            new java.math.BigInteger("123456789012345678901234567890"))));
  }

  Arbitrary<Object> contentType() {
    return Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.just("application/json")),
        Tuple.of(3, Arbitraries.just(ABSENT)),
        Tuple.of(2, Arbitraries.of("application/json; charset=utf-8", "application/x-www-form-urlencoded",
            "application/merge-patch+json", "APPLICATION/JSON")),
        Tuple.of(2, Arbitraries.of("text/plain", "application/xml", "", ";;", "multipart/form-data; boundary=x")));
  }

  /** A JSON {@code null} value, as opposed to a field left out. */
  private static final Object JSON_NULL = new Object();

  Arbitrary<Object> wrongType() {
    return Arbitraries.of(42, true, 1.5, List.of("s"), Map.of("n", 1), JSON_NULL);
  }

  private static Map<String, String> manyEntries(int n) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("k" + i, "v");
    }
    return m;
  }

  // ---- building the bytes

  private static Map<String, Object> body(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      Object value = pairs[i + 1];
      if (value != ABSENT) {
        m.put((String) pairs[i], value == JSON_NULL ? null : value);
      }
    }
    return m;
  }

  private static Send post(String path, Map<String, Object> body, Object contentType) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return send("POST", path, contentType == ABSENT ? null : (String) contentType, bytes);
  }

  private static Send send(String method, String target, String contentType, byte[] body) {
    String summary = method + " " + target + (body == null ? "" : " " + abbreviate(new String(body, StandardCharsets.UTF_8)));
    return new Send(summary, RawHttp.request(method, target, contentType, body), false);
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + ")";
  }

}
