package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Twenty clients registering at once and heartbeating together into one stage of one bucket:
 * every registration stays, because each writer writes only its own key (docs/s3.md). A catalog
 * object written by read-modify-write lost 174 of 200 such writes on s3proxy (LayoutHarness).
 */
class ConcurrentWritersTest {
  private static final int CLIENTS = 20;

  @Test
  void twentyClientsRegisteringAndHeartbeatingAtOnceLoseNoRegistration() throws Exception {
    S3Proxy s3 = S3Proxy.shared();
    String url = "s3://" + s3.newBucket("concurrent") + "/registry?endpoint=" + s3.endpoint();
    List<RegistryClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(RegistryClient.builder().registryUrls(url).stage("prod")
            .leaseTtl(Duration.ofSeconds(2)).shutdownHook(false).build());
      }
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Void>> registered = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        RegistryClient client = clients.get(i);
        ServiceInstance instance = ServiceInstance.builder("service-" + (i % 4)).id("i-" + i)
            .address(URI.create("http://10.0.0." + i + ":8080")).build();
        registered.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          client.register(instance);
        }, runnable -> new Thread(runnable, "writer-" + instance.id()).start()));
      }
      start.countDown();
      CompletableFuture.allOf(registered.toArray(new CompletableFuture[0])).get();

      RegistryClient reader = RegistryClient.builder().registryUrls(url).stage("prod")
          .refreshInterval(Duration.ofMillis(250)).shutdownHook(false).build();
      clients.add(reader);
      List<Integer> totals = new CopyOnWriteArrayList<>();
      for (int s = 0; s < 4; s++) {
        reader.watch("service-" + s, view -> totals.add(view.instances().size()));
      }
      // Every client heartbeats three times (a lease's worth, twice over) while the reader lists.
      await().atMost(Duration.ofSeconds(20)).until(() -> clients.subList(0, CLIENTS).stream()
          .allMatch(c -> c.stats().heartbeatsSent() >= 3));
      int seen = 0;
      for (int s = 0; s < 4; s++) {
        seen += reader.instances("service-" + s).size();
      }
      assertThat(seen).isEqualTo(CLIENTS);
      assertThat(totals).allMatch(size -> size == CLIENTS / 4);
      assertThat(clients.stream().mapToLong(c -> c.stats().heartbeatsFailed()).sum()).isZero();
    } finally {
      for (RegistryClient client : clients) {
        client.close();
      }
    }
  }
}
