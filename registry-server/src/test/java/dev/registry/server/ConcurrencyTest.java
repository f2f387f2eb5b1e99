package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many clients at once leave a registry whose counts add up. */
class ConcurrencyTest {

  @Test
  void manyConcurrentClientsRegisteringAndHeartbeatingLeaveAConsistentRegistry() throws Exception {
    int threads = 16;
    int opsPerThread = 200;
    try (RegistryServer server = RegistryServer.builder().port(0).clock(new FakeClock()).build().start()) {
      TestHttp http = new TestHttp(server.uri());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int op = 0; op < opsPerThread; op++) {
            // 8 services shared by all threads, 10 addresses per thread: lots of overlap.
            String service = "svc-" + ((op / 4) % 8);
            String address = "http://10.0." + thread + "." + (op % 10) + ":8080";
            int status = switch (op % 4) {
              case 0, 1 -> http.register(service, address).status();
              case 2 -> http.post("/heartbeat",
                  "{\"service\": \"" + service + "\", \"address\": \"" + address + "\"}").status();
              default -> http.get("/discover/" + service).status();
            };
            assertThat(status).isIn(200, 201, 404);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      JsonNode services = http.get("/services").json();
      int total = 0;
      for (int s = 0; s < 8; s++) {
        JsonNode discover = http.get("/discover/svc-" + s).json();
        JsonNode counts = services.get("services").get("svc-" + s);
        assertThat(counts.get("total_instances").asInt()).isEqualTo(discover.get("count").asInt());
        assertThat(counts.get("active_instances").asInt()).isEqualTo(discover.get("count").asInt());
        assertThat(discover.get("instances")).hasSize(discover.get("count").asInt());
        long distinct = new java.util.HashSet<>(discover.get("instances").findValuesAsText("address")).size();
        assertThat(distinct).isEqualTo(discover.get("count").asLong());
        total += discover.get("count").asInt();
      }
      // Each (service, thread, address) pair that registered once is exactly one instance.
      int expected = 0;
      for (int thread = 0; thread < threads; thread++) {
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (int op = 0; op < opsPerThread; op++) {
          if (op % 4 < 2) {
            pairs.add(((op / 4) % 8) + "/" + (op % 10));
          }
        }
        expected += pairs.size();
      }
      assertThat(total).isEqualTo(expected);
      assertThat(services.get("total_services").asInt()).isEqualTo(8);
      assertThat(http.get("/health").json().get("instances").asInt()).isEqualTo(expected);
    }
  }
}
