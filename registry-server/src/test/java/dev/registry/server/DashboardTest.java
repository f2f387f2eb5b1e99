package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against the server in-process: what it shows, how it
 * follows the registry, how it steers it, and that it stays safe and usable. One browser for the
 * class; a server per test.
 */
class DashboardTest {
  /** Where the screenshot of the overview is written on every run (docs/dashboard.png is a copy). */
  static final Path SCREENSHOT = Path.of("target/dashboard.png");
  static final Path PHONE_SCREENSHOT = Path.of("target/dashboard-phone.png");

  private static Browser browser;
  private final FakeClock clock = new FakeClock();
  private final List<RegistryServer> servers = new ArrayList<>();
  private RegistryServer server;
  private TestHttp http;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    browser.close();
  }

  @BeforeEach
  void start() {
    server = serve(RegistryServer.builder().port(0).clock(clock));
    http = new TestHttp(server.uri());
    browser.viewport(Browser.DESKTOP);
    browser.console();  // forget what earlier tests logged
  }

  @AfterEach
  void stop(TestInfo test) throws IOException {
    // What the page showed last, to look at when a test fails.
    Path shot = Path.of("target/dashboard-tests", test.getTestMethod().orElseThrow().getName() + ".png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, browser.driver.getScreenshotAs(OutputType.BYTES));
    // Whatever a test did, the page never broke its own policy and never threw.
    List<String> faults = browser.console().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy") || m.contains("Trusted Type") || m.contains("Uncaught"))
        .toList();
    servers.forEach(RegistryServer::close);
    browser.open("about:blank");  // no page of this test polls the next test's server
    assertThat(faults).isEmpty();
  }

  private RegistryServer serve(RegistryServer.Builder builder) {
    RegistryServer started = builder.build().start();
    servers.add(started);
    return started;
  }

  // ---------------------------------------------------------------- helpers

  private void open(String fragment) {
    browser.open(server.uri() + "/ui/" + fragment);
  }

  private static ConditionFactory within(Duration duration) {
    return await().atMost(duration).pollInterval(Duration.ofMillis(20)).ignoreExceptions();
  }

  private static ConditionFactory soon() {
    return within(Duration.ofSeconds(5));
  }

  private JsonNode register(String service, String stage, String id, String address, String extra) {
    TestHttp.Reply reply = http.post("/register", "{\"service\": \"" + service + "\", \"stage\": \"" + stage
        + "\", \"id\": \"" + id + "\", \"address\": \"" + address + "\"" + extra + "}");
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(201);
    return reply.json();
  }

  private String rowText(String service, String stage) {
    return browser.text(".row[data-service='" + service + "'][data-stage='" + stage + "']");
  }

  private String statusInDiscover(String service, String stage, String id) {
    for (JsonNode i : http.get("/discover/" + service + "?stage=" + stage).json().path("instances")) {
      if (i.get("id").asText().equals(id)) {
        return i.get("status").asText();
      }
    }
    return "absent";
  }

  private WebElement button(String action, String id) {
    return browser.find("button[data-action='" + action + "'][data-id='" + id + "']");
  }

  private void select(String css, String option) {
    new Select(browser.find(css)).selectByVisibleText(option);
  }

  /** Dismisses the message line, so that the next one is seen to come. */
  private void dismissNotice() {
    if (browser.find("#notice").isDisplayed()) {
      browser.find("#notice-close").click();
    }
  }

  private String notice() {
    return browser.find("#notice").isDisplayed() ? browser.text("#notice-text") : "";
  }

  // ---------------------------------------------------------------- following the registry

  @Test
  void theOverviewFollowsRegistrationsAndExpiriesWithoutAReload() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    open("");
    soon().until(() -> rowText("payment-service", "production").contains("http://10.0.0.5:8080"));
    browser.script("window.sameDocument = true;");

    register("payment-service", "production", "payment-2", "http://10.0.0.6:8080", "");
    within(Duration.ofSeconds(1)).until(() -> rowText("payment-service", "production").contains("http://10.0.0.6:8080"));

    register("payment-service", "staging", "payment-s1", "http://10.0.1.5:8080", ", \"ttl_seconds\": 5");
    within(Duration.ofSeconds(1)).until(() -> rowText("payment-service", "staging").contains("http://10.0.1.5:8080"));
    clock.advance(Duration.ofSeconds(6));
    server.sweep();
    within(Duration.ofSeconds(1)).until(() -> browser.all("[role=row][data-stage='staging']").isEmpty());

    assertThat(rowText("payment-service", "production")).contains("2 UP");
    assertThat(browser.all("section[data-stage]")).extracting(e -> e.getAttribute("data-stage"))
        .containsExactly("production");
    assertThat(browser.script("return window.sameDocument")).as("never reloaded").isEqualTo(true);
  }

  @Test
  void theOverviewShowsEveryStageAndTotalsByStatus() {
    register("payment-service", "production", "p-1", "http://10.0.0.5:8080", "");
    register("payment-service", "production", "p-2", "http://10.0.0.6:8080", ", \"status\": \"OUT_OF_SERVICE\"");
    register("payment-service", "staging", "s-1", "http://10.0.1.5:8080", "");
    register("user-service", "production", "u-1", "http://10.0.2.5:8080", ", \"status\": \"DOWN\"");
    open("");

    soon().until(() -> browser.all(".row[data-service]").size() == 3);
    assertThat(rowText("payment-service", "production"))
        .contains("1 UP", "1 OUT OF SERVICE", "http://10.0.0.5:8080", "http://10.0.0.6:8080");
    assertThat(rowText("user-service", "production")).contains("1 DOWN", "http://10.0.2.5:8080");
    assertThat(browser.script("return Object.fromEntries([...document.querySelectorAll('#summary .tile')]"
        + ".map(t => [t.querySelector('.tile-label').textContent, t.querySelector('.tile-value').textContent]))"))
        .isEqualTo(Map.of("stages", "2", "services", "2", "instances", "4",
            "UP", "2", "STARTING", "0", "DOWN", "1", "OUT OF SERVICE", "1"));
    assertThat(browser.text("#health")).contains("Healthy", "index 4");
  }

  @Test
  void theFiltersNarrowTheListByNameAddressStageAndStatus() {
    register("payment-service", "production", "p-1", "http://10.0.0.5:8080", "");
    register("payment-service", "staging", "s-1", "http://10.0.1.5:8080", "");
    register("user-service", "production", "u-1", "http://10.0.2.5:8080", ", \"status\": \"DOWN\"");
    open("");
    soon().until(() -> browser.all(".row[data-service]").size() == 3);

    browser.find("#filter").sendKeys("10.0.2.5");
    soon().until(() -> browser.all(".row[data-service]").size() == 1);
    assertThat(rowText("user-service", "production")).isNotEmpty();

    browser.find("#filter").clear();
    browser.find("#filter").sendKeys("payment");
    soon().until(() -> browser.all(".row[data-service]").size() == 2);
    select("#stage-filter", "staging");
    soon().until(() -> browser.all(".row[data-service]").size() == 1);
    assertThat(rowText("payment-service", "staging")).isNotEmpty();

    browser.find("#filter").clear();
    select("#stage-filter", "All stages");
    browser.find("#only-problems").click();
    soon().until(() -> browser.all(".row[data-service]").size() == 1);
    assertThat(rowText("user-service", "production")).contains("1 DOWN");

    browser.find("#filter").sendKeys("nothing-like-this");
    soon().until(() -> browser.text("#view").contains("No service matches"));
  }

  @Test
  void aServicePageListsItsInstancesWithMetadataAndTimes() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080",
        ", \"metadata\": {\"version\": \"1.4.2\", \"zone\": \"eu-west-1a\"}, \"ttl_seconds\": 300");
    register("payment-service", "staging", "payment-s1", "http://10.0.1.5:8080", ", \"ttl_seconds\": 3600");
    clock.advance(Duration.ofSeconds(125));
    http.post("/heartbeat", "{\"service\": \"payment-service\", \"stage\": \"production\", \"id\": \"payment-1\"}");
    clock.advance(Duration.ofSeconds(8));
    open("#/service/payment-service");

    soon().until(() -> browser.all("tr[data-instance]").size() == 2);
    String row = browser.text("tr[data-instance='payment-1']");
    assertThat(row).contains("UP", "http://10.0.0.5:8080", "payment-1", "production", "version=1.4.2",
        "zone=eu-west-1a");
    // 133 s since registration, 292 s left of the 300 s lease renewed 8 s ago; the page counts
    // on from the moment it read them, so allow the seconds the test took.
    assertThat(row).containsPattern("2m 1[3-9]s ago").containsPattern("in 4m (5[0-2]|4[5-9])s");
    assertThat(browser.text("#page-title")).contains("payment-service", "2 instances in production (1), staging (1)");

    select("#stage-filter", "staging");
    soon().until(() -> browser.all("tr[data-instance]").size() == 1);
    assertThat(browser.all("tr[data-instance='payment-s1']")).hasSize(1);
  }

  // ---------------------------------------------------------------- steering

  @Test
  void takingAnInstanceOutOfServiceFromThePageChangesItsStatusInDiscoverAndBack() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    open("#/service/payment-service");
    soon().until(() -> button("out-of-service", "payment-1").isDisplayed());

    button("out-of-service", "payment-1").click();

    soon().until(() -> statusInDiscover("payment-service", "production", "payment-1").equals("OUT_OF_SERVICE"));
    within(Duration.ofSeconds(1)).until(() -> browser.text("tr[data-instance='payment-1']").contains("OUT OF SERVICE"));
    assertThat(notice()).contains("payment-1", "OUT OF SERVICE");

    button("in-service", "payment-1").click();

    soon().until(() -> statusInDiscover("payment-service", "production", "payment-1").equals("UP"));
    within(Duration.ofSeconds(1)).until(() -> browser.all("button[data-action='out-of-service']").size() == 1);
  }

  @Test
  void deregisteringTakesASecondClickAndTheInstanceLeavesThePage() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    register("payment-service", "production", "payment-2", "http://10.0.0.6:8080", "");
    open("#/service/payment-service");
    soon().until(() -> browser.all("tr[data-instance]").size() == 2);

    button("deregister", "payment-1").click();
    assertThat(button("deregister", "payment-1").getText()).isEqualTo("Confirm deregister");
    assertThat(statusInDiscover("payment-service", "production", "payment-1")).isEqualTo("UP");

    button("deregister", "payment-1").click();

    soon().until(() -> statusInDiscover("payment-service", "production", "payment-1").equals("absent"));
    within(Duration.ofSeconds(1)).until(() -> browser.all("tr[data-instance]").size() == 1);
    assertThat(statusInDiscover("payment-service", "production", "payment-2")).isEqualTo("UP");
  }

  @Test
  void withATokenSetAClickWithoutItShowsTheRefusalAndChangesNothing() {
    String token = "t0ken-" + Long.toHexString(System.nanoTime());
    server = serve(RegistryServer.builder().port(0).clock(clock).token(token));
    http = new TestHttp(server.uri());
    assertThat(http.postWith("/register", "{\"service\": \"payment-service\", \"id\": \"payment-1\","
        + " \"address\": \"http://10.0.0.5:8080\"}", "Authorization", "Bearer " + token).status()).isEqualTo(201);
    long revision = server.registry().revision();
    open("#/service/payment-service");
    soon().until(() -> button("out-of-service", "payment-1").isDisplayed());

    button("out-of-service", "payment-1").click();

    soon().until(() -> notice().contains("401 unauthorized"));
    assertThat(notice()).contains("this registry needs 'Authorization: Bearer <token>' on every write");
    assertThat(browser.find("#token-panel").isDisplayed()).as("the page asks for the token").isTrue();
    assertThat(statusInDiscover("payment-service", "default", "payment-1")).isEqualTo("UP");
    assertThat(server.registry().revision()).isEqualTo(revision);

    browser.find("#token-input").sendKeys("wrong-token", Keys.ENTER);
    dismissNotice();
    button("out-of-service", "payment-1").click();
    soon().until(() -> notice().contains("401 unauthorized"));
    assertThat(server.registry().revision()).isEqualTo(revision);

    assertThat(browser.find("#token-panel").isDisplayed()).as("asked again").isTrue();
    browser.find("#token-input").sendKeys(token, Keys.ENTER);
    assertThat(browser.text("#token-state")).isEqualTo("set");
    dismissNotice();
    button("out-of-service", "payment-1").click();
    // The token reached the server: its next check answers, the instance's own secret, which
    // only the instance holds (docs/api.md, Security).
    soon().until(() -> notice().contains("403 forbidden"));
    assertThat(server.registry().revision()).isEqualTo(revision);

    assertThat(browser.driver.getCurrentUrl()).doesNotContain(token);
    assertThat(browser.script("return performance.getEntriesByType('resource').map(e => e.name).join(' ')"))
        .asString().doesNotContain(token);
    assertThat(browser.script("return sessionStorage.getItem('registry.token')")).isEqualTo(token);
    assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
    assertThat(browser.console()).extracting(LogEntry::getMessage).noneMatch(m -> m.contains(token));

    browser.find("#token-toggle").click();
    browser.find("#token-forget").click();
    assertThat(browser.script("return sessionStorage.getItem('registry.token')")).isNull();
    assertThat(browser.text("#token-state")).isEqualTo("none");
  }

  @Test
  void withTheOperatorTokenThePageSteersAnyInstanceOfATokenServer() {
    String token = "t0ken-" + Long.toHexString(System.nanoTime());
    String operator = "operat0r-" + Long.toHexString(System.nanoTime());
    server = serve(RegistryServer.builder().port(0).clock(clock).token(token).operatorToken(operator));
    http = new TestHttp(server.uri());
    assertThat(http.postWith("/register", "{\"service\": \"payment-service\", \"id\": \"payment-1\","
        + " \"address\": \"http://10.0.0.5:8080\"}", "Authorization", "Bearer " + token).status()).isEqualTo(201);
    open("#/service/payment-service");
    soon().until(() -> button("out-of-service", "payment-1").isDisplayed());
    browser.find("#token-toggle").click();
    browser.find("#token-input").sendKeys(operator, Keys.ENTER);
    dismissNotice();

    button("out-of-service", "payment-1").click();

    soon().until(() -> statusInDiscover("payment-service", "default", "payment-1").equals("OUT_OF_SERVICE"));
    within(Duration.ofSeconds(1)).until(() -> browser.text("tr[data-instance='payment-1']").contains("OUT OF SERVICE"));
    button("deregister", "payment-1").click();
    button("deregister", "payment-1").click();
    soon().until(() -> statusInDiscover("payment-service", "default", "payment-1").equals("absent"));
  }

  // ---------------------------------------------------------------- configuration

  private void fill(String id, String text) {
    WebElement input = browser.find("#config-" + id);
    input.clear();
    input.sendKeys(text);
  }

  private String configValue(String query, String key) {
    return http.get("/config/payment-service" + query).json().path("entries").path(key).path("value").asText(null);
  }

  @Test
  void aKeySetEditedAndDeletedFromThePageIsSeenInTheConfigRoute() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    open("#/service/payment-service");
    soon().until(() -> browser.text("#config-summary").contains("index 0"));
    assertThat(browser.text(".config")).contains("payment-service has no configuration yet");

    fill("key", "timeout");
    fill("value", "5s");
    fill("stage", "production");
    browser.find("#config-form button[type=submit]").click();

    soon().until(() -> "5s".equals(configValue("?stage=production", "timeout")));
    assertThat(configValue("?stage=staging", "timeout")).as("set at the production stage only").isNull();
    within(Duration.ofSeconds(1)).until(() -> browser.text(".config-entries").contains("stage production"));
    assertThat(notice()).contains("Saved timeout (stage production)");

    browser.find(".config-entries button[data-config='edit']").click();
    assertThat(browser.find("#config-stage").getAttribute("value")).isEqualTo("production");
    fill("value", "7s");
    browser.find("#config-form button[type=submit]").click();
    soon().until(() -> "7s".equals(configValue("?stage=production", "timeout")));

    browser.find(".config-entries button[data-config='delete']").click();
    assertThat(configValue("?stage=production", "timeout")).as("a delete takes a second click").isEqualTo("7s");
    browser.find(".config-entries button[data-config='delete']").click();
    soon().until(() -> configValue("?stage=production", "timeout") == null);
    within(Duration.ofSeconds(1)).until(() -> browser.all(".config-entries tbody tr").isEmpty());
    JsonNode history = http.get("/config/payment-service/history").json().path("changes");
    assertThat(history).hasSize(3);
    assertThat(history.get(1).path("old").asText()).isEqualTo("5s");
    assertThat(history.get(1).path("new").asText()).isEqualTo("7s");
  }

  @Test
  void aChangeMadeElsewhereShowsLiveAndTheConfigColumnSaysWhoHasNotAppliedIt() {
    TestHttp.Reply first = http.post("/config/payment-service", "{\"set\": {\"retries\": \"3\"}}");
    long applied = first.json().path("index").asLong();
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", ", \"config_index\": " + applied);
    register("payment-service", "production", "payment-2", "http://10.0.0.6:8080", ", \"config_index\": " + applied);
    open("#/service/payment-service");
    soon().until(() -> browser.text("#config-applied").contains("Every instance (2) runs index " + applied));

    long next = http.post("/config/payment-service", "{\"client\": \"acme\", \"set\": {\"retries\": \"5\"}}")
        .json().path("index").asLong();

    within(Duration.ofSeconds(1)).until(() -> browser.text(".config-entries").contains("client acme"));
    assertThat(browser.text("#config-applied")).contains("0 of 2 instances run index " + next, "2 have not applied it");
    assertThat(browser.text("tr[data-instance='payment-1'] .c-config")).isEqualTo(applied + " (not " + next + ")");

    http.post("/heartbeat", "{\"service\": \"payment-service\", \"stage\": \"production\", \"id\": \"payment-2\","
        + " \"config_index\": " + next + "}");
    // A report is no change of the view: the page sees it when it next reads the lease times.
    within(Duration.ofSeconds(8)).until(() -> browser.text("tr[data-instance='payment-2'] .c-config")
        .equals(String.valueOf(next)));
    assertThat(browser.text("#config-applied")).contains("1 of 2 instances run index " + next, "1 has not");
  }

  @Test
  void aConfigurationWriteWithoutTheTokenIsRefusedOnThePageAndChangesNothing() {
    String token = "t0ken-" + Long.toHexString(System.nanoTime());
    server = serve(RegistryServer.builder().port(0).clock(clock).token(token));
    http = new TestHttp(server.uri());
    open("#/service/payment-service");
    soon().until(() -> browser.text("#config-summary").contains("index 0"));

    fill("key", "timeout");
    fill("value", "5s");
    browser.find("#config-form button[type=submit]").click();

    soon().until(() -> notice().contains("401 unauthorized"));
    assertThat(browser.find("#token-panel").isDisplayed()).isTrue();
    assertThat(server.configurations().revision()).isZero();
    browser.find("#token-input").sendKeys(token, Keys.ENTER);
    browser.find("#config-form button[type=submit]").click();
    soon().until(() -> "5s".equals(configValue("", "timeout")));
  }

  // ---------------------------------------------------------------- safe

  @Test
  void markupInARegisteredValueStaysText() {
    String markup = "<img src=x onerror=\"document.title='owned'\">";
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080",
        ", \"metadata\": {\"note\": \"" + markup.replace("\"", "\\\"") + "\", \"b\": \"<b>bold</b>\"}");
    open("");
    soon().until(() -> !rowText("payment-service", "production").isEmpty());
    browser.find("#filter").sendKeys("<img");
    soon().until(() -> browser.all(".row[data-service]").size() == 1);

    open("#/service/payment-service");
    soon().until(() -> browser.text("tr[data-instance='payment-1']").contains("note=" + markup));

    assertThat(browser.text("tr[data-instance='payment-1']")).contains("b=<b>bold</b>");
    assertThat(browser.all("img[src='x'], #view img, #view b")).isEmpty();
    assertThat(browser.driver.getTitle()).doesNotContain("owned");
  }

  @Test
  void thePageRunsNoInlineScriptAndBuildsNoHtmlFromStrings() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    open("");
    soon().until(() -> !rowText("payment-service", "production").isEmpty());

    Object inline = browser.script("const s = document.createElement('script');"
        + "try { s.append('window.inlineRan = true'); } catch (e) {}"
        + "document.body.append(s); return window.inlineRan === true;");
    Object html = browser.script("try { document.body.insertAdjacentHTML('beforeend', '<i id=\"injected\"></i>'); }"
        + " catch (e) { return e.name; } return 'parsed';");

    assertThat(inline).as("an inline script ran").isEqualTo(false);
    assertThat(html).as("a string became HTML").isEqualTo("TypeError");
    assertThat(browser.all("#injected")).isEmpty();
    browser.console();  // the two refusals above are logged, as they should be
  }

  // ---------------------------------------------------------------- usable

  @Test
  void anEmptyRegistrySaysSoAndAnUnreachableOneIsRetriedUntilItAnswers() {
    open("");
    soon().until(() -> browser.text("#view").contains("The registry is empty"));
    int port = server.port();

    server.close();

    soon().until(() -> browser.find("#banner").isDisplayed());
    assertThat(browser.text("#banner")).contains("The registry is unreachable since");
    assertThat(browser.text("#health-pill")).isEqualTo("Unreachable");
    assertThat(browser.driver.getTitle()).isEqualTo("Unreachable · Registry");
    soon().until(() -> browser.text("#banner").matches("(?s).*attempt [3-9].*"));

    // A restart on the same address (the port this test's server was given a moment ago).
    server = serve(RegistryServer.builder().port(port).clock(clock));
    http = new TestHttp(server.uri());
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    browser.find("#retry-now").click();

    soon().until(() -> rowText("payment-service", "production").contains("http://10.0.0.5:8080"));
    assertThat(browser.find("#banner").isDisplayed()).isFalse();
    assertThat(browser.text("#health-pill")).isEqualTo("Healthy");
  }

  @Test
  void aThousandServicesRenderInUnderASecond() {
    Registry registry = server.registry();
    for (int i = 0; i < 1000; i++) {
      String service = String.format("svc-%04d", i);
      String stage = List.of("production", "staging", "canary").get(i % 3);
      for (int n = 1; n <= 2; n++) {
        registry.register(new Registry.Registration(service, stage, null,
            "http://10." + n + "." + (i / 250) + "." + (i % 250) + ":8080",
            n == 2 && i % 7 == 0 ? InstanceStatus.DOWN : InstanceStatus.UP, Map.of("version", "1.0." + i), 30_000));
      }
    }

    open("");
    soon().until(() -> browser.script("return performance.getEntriesByName('dashboard:first-render').length")
        .equals(1L));

    // From navigation start (which includes starting a renderer process for the new origin and
    // the first connection), and from the moment the page's HTML had arrived: the page's own
    // work of loading its modules, reading /stages and three catalogs, and laying out the rows.
    double sinceNavigation = number("return performance.getEntriesByName('dashboard:first-render')[0].startTime");
    double sincePage = sinceNavigation - number("return performance.getEntriesByType('navigation')[0].responseEnd");
    double drawing = number("return performance.getEntriesByName('dashboard:render').at(-1).duration");
    assertThat(browser.all(".row[data-service]")).hasSize(1000);
    browser.find("#filter").sendKeys("svc-0999");
    soon().until(() -> browser.all(".row[data-service]").size() == 1);
    double filtering = number("return performance.getEntriesByName('dashboard:render').at(-1).duration");
    System.out.printf("Dashboard with 1,000 services (2,000 instances, 3 stages): on screen %.0f ms after the page"
        + " arrived (%.0f ms after navigation start; drawing and layout %.0f ms of it); a filter keystroke redraws"
        + " in %.0f ms%n", sincePage, sinceNavigation, drawing, filtering);

    assertThat(sincePage).as("ms from the page's arrival to 1,000 services on screen").isLessThan(1000);
  }

  private double number(String script) {
    return ((Number) browser.script(script)).doubleValue();
  }

  @Test
  void theOverviewIsReadableAt1280x800AndAtAPhoneWidth() throws IOException {
    clock.advance(Duration.ofHours(76).plusMinutes(12));  // a server up for three days
    registerScreenshotRegistry();
    open("");
    soon().until(() -> browser.all(".row[data-service]").size() == 8);

    assertThat(horizontalOverflow()).as("no sideways scrolling at 1280x800").isZero();
    WebElement payment = browser.find(".row[data-service='payment-service'][data-stage='production']");
    assertThat(payment.getRect().getY() + payment.getRect().getHeight()).as("on the first screen").isLessThan(800);
    writeScreenshot(SCREENSHOT);

    browser.viewport(Browser.PHONE);
    writeScreenshot(PHONE_SCREENSHOT);
    assertThat(horizontalOverflow()).as("no sideways scrolling at a phone width, overview").isZero();
    assertThat(browser.find("#filter").getRect().getWidth()).isGreaterThan(300);
    assertThat(payment.getText()).contains("http://10.0.0.5:8080");

    open("#/service/payment-service");
    soon().until(() -> browser.all("tr[data-instance]").size() == 4);
    assertThat(horizontalOverflow()).as("no sideways scrolling at a phone width, service").isZero();
    WebElement out = browser.find("tr[data-instance] button[data-action]");
    assertThat(out.getRect().getX() + out.getRect().getWidth()).isLessThanOrEqualTo(Browser.PHONE.width);
  }

  @Test
  void everyControlIsLabelledAndTheKeyboardReachesTheSteering() {
    register("payment-service", "production", "payment-1", "http://10.0.0.5:8080", "");
    open("");
    soon().until(() -> !rowText("payment-service", "production").isEmpty());
    browser.find("#token-toggle").click();
    assertUnlabelled();
    browser.find("#token-toggle").click();

    tabTo("a.svc", "payment-service");
    new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
    soon().until(() -> browser.all("tr[data-instance='payment-1']").size() == 1);
    assertUnlabelled();
    tabTo("button[data-action='out-of-service']", "Take out of service");
    new Actions(browser.driver).sendKeys(Keys.ENTER).perform();

    soon().until(() -> statusInDiscover("payment-service", "production", "payment-1").equals("OUT_OF_SERVICE"));
    within(Duration.ofSeconds(1)).until(() -> browser.all("button[data-action='in-service']").size() == 1);
    assertThat(browser.script("return document.activeElement.dataset.action"))
        .as("the keyboard stays on the rebuilt row").isEqualTo("in-service");
  }

  // ---------------------------------------------------------------- helpers of the usability tests

  private void registerScreenshotRegistry() {
    register("payment-service", "production", "payment-7f3a", "http://10.0.0.5:8080",
        ", \"metadata\": {\"version\": \"1.4.2\", \"zone\": \"eu-west-1a\"}");
    register("payment-service", "production", "payment-91c2", "http://10.0.0.6:8080",
        ", \"metadata\": {\"version\": \"1.4.2\", \"zone\": \"eu-west-1b\"}");
    register("payment-service", "production", "payment-c04d", "http://10.0.0.7:8080",
        ", \"status\": \"OUT_OF_SERVICE\", \"metadata\": {\"version\": \"1.4.1\", \"zone\": \"eu-west-1c\"}");
    register("user-service", "production", "users-1", "http://10.0.1.11:8080", "");
    register("user-service", "production", "users-2", "http://10.0.1.12:8080", "");
    register("inventory", "production", "inv-1", "https://inventory-0.internal:8443", "");
    register("inventory", "production", "inv-2", "https://inventory-1.internal:8443", ", \"status\": \"DOWN\"");
    register("gateway", "production", "gw-1", "http://10.0.3.2:8000", "");
    register("gateway", "production", "gw-2", "http://10.0.3.3:8000", "");
    register("notifications", "production", "notif-1", "http://10.0.4.20:9090", ", \"status\": \"STARTING\"");
    register("payment-service", "staging", "payment-s1", "http://10.8.0.5:8080", ", \"metadata\": {\"version\": \"1.5.0-rc1\"}");
    register("user-service", "staging", "users-s1", "http://10.8.1.11:8080", "");
    register("gateway", "staging", "gw-s1", "http://10.8.3.2:8000", "");
  }

  private long horizontalOverflow() {
    return (Long) browser.script("return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)");
  }

  private void writeScreenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, browser.driver.getScreenshotAs(OutputType.BYTES));
  }

  /** Every visible control has a name a screen reader reads out. */
  private void assertUnlabelled() {
    List<String> unnamed = browser.all("a[href], button, input, select").stream()
        .filter(WebElement::isDisplayed)
        .filter(e -> e.getAccessibleName() == null || e.getAccessibleName().isBlank())
        .map(e -> e.getTagName() + "#" + e.getAttribute("id") + "." + e.getAttribute("class"))
        .collect(Collectors.toList());
    assertThat(unnamed).as("controls without an accessible name").isEmpty();
  }

  /** Presses Tab until the focused element matches {@code css} and shows {@code text}. */
  private void tabTo(String css, String text) {
    for (int i = 0; i < 40; i++) {
      new Actions(browser.driver).sendKeys(Keys.TAB).perform();
      WebElement focused = browser.driver.switchTo().activeElement();
      if ((Boolean) browser.script("return arguments[0].matches(arguments[1])", focused, css)
          && focused.getText().contains(text)) {
        return;
      }
    }
    throw new AssertionError("40 presses of Tab never reached " + css + " '" + text + "'");
  }
}
