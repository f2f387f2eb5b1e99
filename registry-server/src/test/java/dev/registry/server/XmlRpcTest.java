package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MicroReg's XML-RPC API at {@code POST /RPC2}, driven by documents on the wire: every method,
 * its results as XML-RPC types, its faults, and the hardened parser.
 */
class XmlRpcTest {
  private RegistryServer server;
  private XmlRpcClient rpc;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).build().start();
    rpc = new XmlRpcClient(server.uri());
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerAnswersAnIntAndMakesAnInstanceThatDiscoverShows() {
    Object id = rpc.call("register", "billing", "127.0.0.1", 8081, 1);

    assertThat(id).isInstanceOf(Integer.class);
    assertThat((Integer) id).isPositive();
    TestHttp.Reply found = http.get("/discover/billing");
    assertThat(found.status()).isEqualTo(200);
    JsonNode instance = found.json().get("instances").get(0);
    assertThat(instance.get("address").asText()).isEqualTo("http://127.0.0.1:8081");
    assertThat(instance.get("id").asText()).isEqualTo(MicroRegApi.ID);
    assertThat(instance.get("stage").asText()).isEqualTo("default");
    assertThat(instance.get("status").asText()).isEqualTo("UP");
    assertThat(instance.get("ttl_seconds").asInt()).as("held until unregistered").isZero();
  }

  @Test
  void aNameHoldsOneRegistrationAsInMicroReg() {
    assertThat(rpc.call("register", "billing", "127.0.0.1", 8081)).isInstanceOf(Integer.class);

    assertThat(rpc.call("register", "billing", "127.0.0.1", 8082)).isEqualTo(false);
    assertThat(http.get("/discover/billing").json().get("count").asInt()).isEqualTo(1);
  }

  @Test
  void aHostWithASchemeKeepsIt() {
    rpc.call("register", "secure", "https://secure.example", 8443);

    assertThat(http.get("/discover/secure").json().get("instances").get(0).get("address").asText())
        .isEqualTo("https://secure.example:8443");
  }

  @Test
  void updateStatusMapsOneZeroMinusOneToUpOutOfServiceDown() {
    rpc.call("register", "billing", "127.0.0.1", 8081);

    assertThat(rpc.call("update_status", "billing", 0)).isEqualTo(true);
    assertThat(status("billing")).isEqualTo("OUT_OF_SERVICE");
    assertThat(rpc.call("update_status", "billing", -1)).isEqualTo(true);
    assertThat(status("billing")).isEqualTo("DOWN");
    assertThat(rpc.call("update_status", "billing", 1)).isEqualTo(true);
    assertThat(status("billing")).isEqualTo("UP");
    assertThat(rpc.call("update_status", "nobody", 1)).isEqualTo(false);
    assertThat(rpc.call("update_status", "billing", 2)).isEqualTo(
        new XmlRpcClient.Fault(XmlRpc.INVALID_PARAMS, "status must be 1 (running), 0 (stopped) or -1 (error), not the int 2"));
  }

  @Test
  void updateStatusWakesAWatchingLongPoll() throws Exception {
    rpc.call("register", "billing", "127.0.0.1", 8081);
    long index = http.get("/discover/billing").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> watch = http.getAsync("/discover/billing?index=" + index + "&wait=20s");

    rpc.call("update_status", "billing", 0);

    TestHttp.Reply woken = watch.get(10, TimeUnit.SECONDS);
    assertThat(woken.json().get("instances").get(0).get("status").asText()).isEqualTo("OUT_OF_SERVICE");
  }

  @Test
  void unregisterRemovesTheRegistrationAndOnlyIt() {
    rpc.call("register", "billing", "127.0.0.1", 8081);
    http.register("orders", "http://127.0.0.1:9000");

    assertThat(rpc.call("unregister", "billing")).isEqualTo(true);
    assertThat(http.get("/discover/billing").status()).isEqualTo(404);
    assertThat(rpc.call("unregister", "billing")).isEqualTo(false);
    assertThat(rpc.call("unregister", "orders")).as("not a MicroReg registration").isEqualTo(false);
    assertThat(http.get("/discover/orders").status()).isEqualTo(200);
  }

  @Test
  void theReadsAnswerAnArrayAStringAndAnInt() throws Exception {
    rpc.call("register", "billing", "127.0.0.1", 8081, 0);
    http.register("orders", "http://10.0.0.7:9000");

    assertThat(rpc.call("get_service_details", "billing")).isEqualTo(List.of("127.0.0.1", 8081));
    assertThat(rpc.call("get_service_details", "orders")).isEqualTo(List.of("10.0.0.7", 9000));
    assertThat(rpc.call("get_service_details", "nobody")).isEqualTo(false);
    assertThat(rpc.call("get_reg_count")).isEqualTo(2);
    JsonNode all = TestHttp.JSON.readTree((String) rpc.call("get_all_service_details"));
    JsonNode billing = all.get("billing/microreg");
    assertThat(billing.get("name").asText()).isEqualTo("billing");
    assertThat(billing.get("host").asText()).isEqualTo("127.0.0.1");
    assertThat(billing.get("port").asInt()).isEqualTo(8081);
    assertThat(billing.get("status").asInt()).isZero();
    assertThat(all.size()).isEqualTo(2);
  }

  @Test
  void aCheckStructIsKeptWithTheRegistration() {
    rpc.call("register", "billing", "127.0.0.1", 8081, 1,
        Map.of("type", "http", "path", "/health", "interval", "2s", "failures", 2));

    Instance held = server.registry().view("billing", "default").instances().get(0);
    assertThat(held.check).isEqualTo(new HealthCheck("http", "/health", java.time.Duration.ofSeconds(2),
        java.time.Duration.ofSeconds(2), 2, 1));
    Instance plain = register("plain");
    assertThat(plain.check).as("MicroReg's default").isEqualTo(HealthCheck.MICROREG);
  }

  private Instance register(String name) {
    rpc.call("register", name, "127.0.0.1", 8090);
    return server.registry().view(name, "default").instances().get(0);
  }

  @Test
  void wrongMethodsAndArgumentsAreFaults() {
    assertThat(fault(rpc.call("launch_missiles"))).isEqualTo(XmlRpc.METHOD_NOT_FOUND);
    assertThat(fault(rpc.call("register", "billing"))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("register", "billing", "127.0.0.1", "8081"))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("register", "bad name", "127.0.0.1", 8081))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("register", "billing", "127.0.0.1", 70000))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("register", "billing", "169.254.169.254", 80))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("register", "billing", "127.0.0.1", 80, 1, Map.of("type", "udp"))))
        .isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("get_reg_count", 1))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(fault(rpc.call("unregister", List.of("billing")))).isEqualTo(XmlRpc.INVALID_PARAMS);
    assertThat(http.get("/services").json().get("total_services").asInt()).as("nothing registered").isZero();
  }

  @Test
  void malformedDocumentsAreFaultsNever5xx() {
    assertThat(rawFault("<methodCall><methodName>get_reg_count")).isEqualTo(XmlRpc.PARSE_ERROR);
    assertThat(rawFault("")).isEqualTo(XmlRpc.PARSE_ERROR);
    assertThat(rawFault("{\"json\": true}")).isEqualTo(XmlRpc.PARSE_ERROR);
    assertThat(rawFault("<methodResponse/>")).isEqualTo(XmlRpc.INVALID_REQUEST);
    assertThat(rawFault("<methodCall><params/></methodCall>")).isEqualTo(XmlRpc.INVALID_REQUEST);
    assertThat(rawFault("<methodCall><methodName>get_reg_count</methodName><params><param><value><int>x</int>"
        + "</value></param></params></methodCall>")).isEqualTo(XmlRpc.INVALID_REQUEST);
    assertThat(rawFault("<methodCall><methodName>get_reg_count</methodName><params><param><value><date/>"
        + "</value></param></params></methodCall>")).isEqualTo(XmlRpc.INVALID_REQUEST);
    assertThat(rawFault(nested(18))).as("values nested deeper than 16").isEqualTo(XmlRpc.INVALID_REQUEST);
    assertThat(rawFault(nested(40))).as("elements nested deeper than the parser's 64").isEqualTo(XmlRpc.PARSE_ERROR);
  }

  private static String nested(int arrays) {
    return "<methodCall><methodName>get_reg_count</methodName><params><param>"
        + "<value><array><data>".repeat(arrays) + "</data></array></value>".repeat(arrays) + "</param></params></methodCall>";
  }

  @Test
  void anExternalEntityIsRefusedWithoutBeingRead() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<methodCall><methodName>get_service_details</methodName><params><param><value><string>&x;</string>"
        + "</value></param></params></methodCall>";

    XmlRpcClient.Raw raw = rpc.post(xxe);

    assertThat(raw.status()).isEqualTo(200);
    assertThat(XmlRpcClient.decodeResponse(raw.body())).isInstanceOfSatisfying(XmlRpcClient.Fault.class,
        f -> assertThat(f.message()).contains("DOCTYPE"));
    assertThat(raw.body()).doesNotContain("root:");
  }

  @Test
  void aBillionLaughsIsRefusedWithoutExpandingAnything() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE m [<!ENTITY l0 \"ha\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
    }
    dtd.append("]>");
    String bomb = "<?xml version=\"1.0\"?>" + dtd + "<methodCall><methodName>register</methodName><params><param>"
        + "<value><string>&l9;</string></value></param></params></methodCall>";

    long started = System.nanoTime();
    XmlRpcClient.Raw raw = rpc.post(bomb);

    assertThat(XmlRpcClient.decodeResponse(raw.body())).isInstanceOfSatisfying(XmlRpcClient.Fault.class,
        f -> assertThat(f.code()).isEqualTo(XmlRpc.PARSE_ERROR));
    System.out.printf("billion laughs refused in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Test
  void everySpecTypeIsReadAndWritten() {
    XmlRpc.Call call = XmlRpc.parse(("<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>"
        + "<param><value><i4>-7</i4></value></param>"
        + "<param><value><int>42</int></value></param>"
        + "<param><value><i8>9000000000</i8></value></param>"
        + "<param><value><boolean>1</boolean></value></param>"
        + "<param><value><string>a &lt;b&gt; &amp; c</string></value></param>"
        + "<param><value>bare</value></param>"
        + "<param><value><double>-1.5</double></value></param>"
        + "<param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param>"
        + "<param><value><base64>" + Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.UTF_8))
        + "</base64></value></param>"
        + "<param><value><array><data><value><int>1</int></value><value>x</value></data></array></value></param>"
        + "<param><value><struct><member><name>k</name><value><boolean>0</boolean></value></member></struct>"
        + "</value></param>"
        + "<param><value><nil/></value></param>"
        + "</params></methodCall>").getBytes(StandardCharsets.UTF_8));

    List<Object> p = call.params();
    assertThat(p.subList(0, 7)).containsExactly(-7, 42, 9_000_000_000L, true, "a <b> & c", "bare", -1.5);
    assertThat(p.get(7)).isEqualTo("19980717T14:08:55");
    assertThat((byte[]) p.get(8)).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
    assertThat(p.get(9)).isEqualTo(List.of(1, "x"));
    assertThat(p.get(10)).isEqualTo(Map.of("k", false));
    assertThat(p.get(11)).isNull();

    Object written = XmlRpcClient.decodeResponse(new String(XmlRpc.response(
        List.of(1, true, "a <b> & c\u0001", 2.5, Map.of("n", List.of()))), StandardCharsets.UTF_8));
    assertThat(written).isEqualTo(List.of(1, true, "a <b> & c\ufffd", 2.5, Map.of("n", List.of())));
  }

  @Test
  void withATokenWritesNeedItAndReadsDoNot() {
    try (RegistryServer secured = RegistryServer.builder().port(0).token("s3cret").build().start()) {
      XmlRpcClient anonymous = new XmlRpcClient(secured.uri());
      String basic = "Basic " + Base64.getEncoder().encodeToString("registry:s3cret".getBytes(StandardCharsets.UTF_8));

      assertThat(fault(anonymous.call("register", "billing", "127.0.0.1", 8081))).isEqualTo(XmlRpc.APPLICATION_ERROR);
      assertThat(new XmlRpcClient(secured.uri(), "Bearer wrong").call("register", "billing", "127.0.0.1", 8081))
          .isInstanceOf(XmlRpcClient.Fault.class);
      assertThat(new XmlRpcClient(secured.uri(), basic).call("register", "billing", "127.0.0.1", 8081))
          .isInstanceOf(Integer.class);
      assertThat(new XmlRpcClient(secured.uri(), "Bearer s3cret").call("update_status", "billing", 0)).isEqualTo(true);
      assertThat(anonymous.call("get_reg_count")).isEqualTo(1);
      assertThat(fault(anonymous.call("unregister", "billing"))).isEqualTo(XmlRpc.APPLICATION_ERROR);
    }
  }

  @Test
  void otherMethodsAndOversizedBodiesAreJsonErrors() {
    assertThat(http.get("/RPC2").status()).isEqualTo(405);
    XmlRpcClient.Raw big = rpc.post("<methodCall>" + "x".repeat(70_000) + "</methodCall>");
    assertThat(big.status()).isEqualTo(413);
  }

  private String status(String service) {
    return http.get("/discover/" + service).json().get("instances").get(0).get("status").asText();
  }

  private static int fault(Object answer) {
    assertThat(answer).isInstanceOf(XmlRpcClient.Fault.class);
    return ((XmlRpcClient.Fault) answer).code();
  }

  private int rawFault(String body) {
    XmlRpcClient.Raw raw = rpc.post(body);
    assertThat(raw.status()).as(raw.body()).isEqualTo(200);
    assertThat(raw.contentType()).startsWith("text/xml");
    return fault(XmlRpcClient.decodeResponse(raw.body()));
  }
}
