package dev.registry.examples.quickstart;

import dev.registry.client.ConfigChange;
import dev.registry.client.ConfigView;
import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.server.RegistryServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The quickstart: starts the reference registry in-process (or uses the one whose URL is the
 * first argument), three payment-service instances that register with it, and a caller that
 * discovers them and calls them round-robin. An operator changes the service's configuration:
 * every running instance takes it at once, and the registry shows that all of them applied it.
 * Then one instance is killed without deregistering (it vanishes when its lease ends), one is
 * closed gracefully (it vanishes at once), and a new one starts (it appears at once, through
 * the watch).
 *
 * <pre>{@code
 * ./mvnw -q -B -ntp package -DskipTests && java -jar examples/target/quickstart.jar
 * }</pre>
 */
public final class Quickstart {
  static final Duration LEASE_TTL = Duration.ofSeconds(3);
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  static final Duration EVENT_TIMEOUT = Duration.ofSeconds(15);

  /** What happened, for the test. */
  enum Kind { ANSWERED, FAILED, APPEARED, VANISHED, CONFIGURED }

  /**
   * One event of the story.
   *
   * @param kind what happened
   * @param instance to which instance
   * @param atMillis milliseconds since the start
   */
  record Event(Kind kind, String instance, long atMillis) {}

  /**
   * The story's key moments, in milliseconds since the start.
   *
   * @param events every event, in order
   * @param killedAt when payment-3 was killed
   * @param closedAt when payment-2 was closed
   * @param startedAt when payment-4 had registered
   * @param configuredAt when the operator sent the configuration change, -1 when the registry
   *     keeps no configuration
   */
  record Story(List<Event> events, long killedAt, long closedAt, long startedAt, long configuredAt) {
    long first(Kind kind, String instance) {
      return events.stream().filter(e -> e.kind() == kind && e.instance().equals(instance))
          .mapToLong(Event::atMillis).findFirst().orElse(-1);
    }

    List<String> answeredBetween(long from, long to) {
      return events.stream().filter(e -> e.kind() == Kind.ANSWERED
              && e.atMillis() >= from && e.atMillis() < to)
          .map(Event::instance).toList();
    }
  }

  private final PrintStream out;
  private final long start = System.nanoTime();
  private final List<Event> events = new ArrayList<>();
  private final BlockingQueue<Event> changes = new LinkedBlockingQueue<>();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private Set<String> known = new TreeSet<>();

  Quickstart(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the demo and exits 0 when the story went as told.
   *
   * @param args optionally, the URLs of a running registry, separated by commas (the members of
   *     an etcd cluster, with registry-client-etcd on the class path)
   */
  public static void main(String[] args) {
    String registry = args.length > 0 ? args[0] : null;
    new Quickstart(System.out).run(registry);
    System.exit(0);
  }

  long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  void say(String format, Object... args) {
    out.printf(Locale.ROOT, "[%6.2fs] %s%n", now() / 1000.0, String.format(Locale.ROOT, format, args));
  }

  Story run(@Nullable String givenRegistry) {
    RegistryServer server = null;
    String registry = givenRegistry;
    if (registry == null) {
      server = RegistryServer.builder().host("127.0.0.1").port(0)
          .cleanupInterval(Duration.ofSeconds(1)).build().start();
      registry = server.uri().toString();
      say("Registry started in-process at %s", registry);
    } else {
      say("Using the registry at %s", registry);
    }
    List<PaymentInstance> instances = new ArrayList<>();
    try (RegistryClient caller = RegistryClient.builder()
        .registryUrls(registry.split(",")).shutdownHook(false).build()) {
      for (int n = 1; n <= 3; n++) {
        instances.add(start("payment-" + n, registry));
      }

      say("caller: watching payment-service");
      caller.watch("payment-service", this::onChange);
      awaitCount(3);
      call(caller, 6);
      long configuredAt = server != null ? changeConfiguration(registry) : -1;

      PaymentInstance victim = instances.get(2);
      say("%s: killed (no deregistration: it stops serving and heartbeating)", victim.name);
      victim.kill();
      long killedAt = now();
      callUntilVanished(caller, victim.name);
      say("caller: %s vanished %.1f s after the kill, when its %d s lease ran out",
          victim.name, (now() - killedAt) / 1000.0, LEASE_TTL.toSeconds());
      call(caller, 4);

      PaymentInstance leaving = instances.get(1);
      say("%s: closing gracefully (deregisters)", leaving.name);
      long closedAt = now();
      leaving.close();
      await(Kind.VANISHED, leaving.name);
      say("caller: %s vanished %d ms after its close", leaving.name, now() - closedAt);
      call(caller, 4);

      PaymentInstance newcomer = start("payment-4", registry);
      instances.add(newcomer);
      long startedAt = now();
      await(Kind.APPEARED, newcomer.name);
      say("caller: %s appeared %d ms after it registered, through the watch",
          newcomer.name, now() - startedAt);
      call(caller, 4);

      say("Done in %.1f s", now() / 1000.0);
      return new Story(List.copyOf(events), killedAt, closedAt, startedAt, configuredAt);
    } finally {
      for (PaymentInstance instance : instances) {
        instance.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * An operator raises the fee for every stage; each running instance hears of it through its
   * configuration watch, and reports the index it applied with its next heartbeat, which the
   * registry shows. Returns when the change was sent.
   */
  private long changeConfiguration(String registry) {
    String fee = "2.0";
    say("operator: POST %s/config/payment-service {\"set\": {\"%s\": \"%s\"}}", registry, PaymentInstance.FEE.name(),
        fee);
    long configuredAt = now();
    String answer = send(HttpRequest.newBuilder(URI.create(registry + "/config/payment-service"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"set\": {\"" + PaymentInstance.FEE.name() + "\": \"" + fee + "\"}}")));
    String index = answer.replaceAll("(?s).*\"index\":(\\d+).*", "$1");
    for (String name : List.of("payment-1", "payment-2", "payment-3")) {
      await(Kind.CONFIGURED, name);
    }
    say("all three instances took configuration index %s within %d ms", index, now() - configuredAt);
    String applied = "";
    long deadline = now() + EVENT_TIMEOUT.toMillis();
    while (!applied.contains("\"instances_current\":3") && now() < deadline) {
      pause(200);
      applied = send(HttpRequest.newBuilder(URI.create(registry + "/config/payment-service/applied")));
    }
    say("registry: 3 of 3 instances report configuration index %s applied (GET /config/payment-service/applied,"
        + " %d ms after the change: their next heartbeat)", index, now() - configuredAt);
    return configuredAt;
  }

  private String send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);  // the demo's pace
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Called by an instance's configuration watch, on its client's thread. */
  private void onConfig(String name, ConfigChange change) {
    ConfigView view = change.current();
    if (change.previous().isEmpty()) {
      return;  // the configuration as it was when the instance started
    }
    if (change.changedKeys().contains(PaymentInstance.FEE.name())) {
      changes.add(new Event(Kind.CONFIGURED, name, now()));
      say("%s: took configuration index %d: %s is now %s", name, view.index(), PaymentInstance.FEE.name(),
          view.get(PaymentInstance.FEE.name()).orElse("(none)"));
    }
  }

  private PaymentInstance start(String name, String registry) {
    PaymentInstance instance = new PaymentInstance(name, registry, LEASE_TTL, HEARTBEAT,
        registry.startsWith("http") ? change -> onConfig(name, change) : null);
    say("%s: serving at %s, registered (lease %d s, heartbeat every %d s)",
        name, instance.address(), LEASE_TTL.toSeconds(), HEARTBEAT.toSeconds());
    return instance;
  }

  /** Called by the client's watch, on its thread. */
  private void onChange(ServiceView view) {
    Set<String> now = new TreeSet<>();
    for (ServiceInstance i : view.upInstances()) {
      now.add(i.id());
    }
    for (String id : now) {
      if (!known.contains(id)) {
        changes.add(new Event(Kind.APPEARED, id, now()));
      }
    }
    for (String id : known) {
      if (!now.contains(id)) {
        changes.add(new Event(Kind.VANISHED, id, now()));
      }
    }
    known = now;
  }

  /** Takes the watch's news into the story, printing it. */
  private void drain() {
    Event e;
    while ((e = changes.poll()) != null) {
      record(e);
    }
  }

  private void record(Event e) {
    events.add(e);
    if (e.kind() == Kind.APPEARED || e.kind() == Kind.VANISHED) {
      say("caller: watch says %s %s", e.instance(), e.kind().name().toLowerCase(Locale.ROOT));
    }
  }

  private void awaitCount(int count) {
    while (events.stream().filter(e -> e.kind() == Kind.APPEARED).count() < count) {
      take();
    }
  }

  private void await(Kind kind, String instance) {
    drain();
    while (events.stream().noneMatch(e -> e.kind() == kind && e.instance().equals(instance))) {
      take();
    }
  }

  private void take() {
    try {
      Event e = changes.poll(EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new IllegalStateException("the watch said nothing for " + EVENT_TIMEOUT);
      }
      record(e);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", ex);
    }
  }

  private void call(RegistryClient caller, int times) {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      drain();
      answers.add(callOnce(caller));
    }
    say("caller: %d calls, answered by %s", times, String.join(", ", answers));
  }

  private void callUntilVanished(RegistryClient caller, String victim) {
    long deadline = now() + EVENT_TIMEOUT.toMillis();
    while (events.stream().noneMatch(e -> e.kind() == Kind.VANISHED && e.instance().equals(victim))) {
      if (now() > deadline) {
        throw new IllegalStateException(victim + " never vanished");
      }
      String answer = callOnce(caller);
      say("caller: called, %s", answer.startsWith("payment") ? "answered by " + answer : answer);
      try {
        Thread.sleep(500); // the demo's pace: a call every half second
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      drain();
    }
  }

  private String callOnce(RegistryClient caller) {
    ServiceInstance target;
    try {
      target = caller.choose("payment-service");
    } catch (NoInstanceAvailableException e) {
      return "no instance";
    }
    try {
      String body = http.send(HttpRequest.newBuilder(target.address())
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      events.add(new Event(Kind.ANSWERED, body, now()));
      return body;
    } catch (IOException e) {
      events.add(new Event(Kind.FAILED, target.id(), now()));
      caller.reportFailure(target); // a few in a row and the client skips it until its lease ends
      return "no answer from " + target.id() + " (" + e.getClass().getSimpleName() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
