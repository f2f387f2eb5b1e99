package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A real S3 API for tests: s3proxy ({@code org.gaul:s3proxy}, its self-contained jar, which the
 * build copies to {@code target/s3proxy/s3proxy.jar} and names in the system property
 * {@code s3proxy.jar}) as a child process on 127.0.0.1, on an ephemeral port, with its in-memory
 * ("transient") store and AWS Signature Version 4 authentication on: it accepts requests signed
 * with {@link #ACCESS_KEY} and {@link #SECRET_KEY} (the test JVM's {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}) and refuses the others with 403, and refuses a request whose
 * time is more than 15 minutes off.
 *
 * <p>One per test JVM ({@link #shared()}; it takes a few seconds to start), with a fresh bucket
 * per test class ({@link #newBucket}). Put a {@link RequestLog} in front of it to count what it
 * receives.
 *
 * <p>No s3proxy outlives the test JVM: a shutdown hook kills it, and it runs under
 * {@code setpriv --pdeathsig KILL}, so the kernel kills it if the JVM itself is killed. It is
 * started from a long-lived daemon thread, because the parent-death signal fires when the thread
 * that started the process ends.
 */
public final class S3Proxy {
  /** The access key s3proxy accepts. */
  public static final String ACCESS_KEY = "registry-test";
  /** Its secret. */
  public static final String SECRET_KEY = "registry-test-secret";
  /** The region requests are signed for (s3proxy accepts any). */
  public static final String REGION = "us-east-1";

  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern STARTED = Pattern.compile("Started ServerConnector@.*\\{127\\.0\\.0\\.1:(\\d+)}");
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "s3proxy-launcher");
    t.setDaemon(true);
    return t;
  });
  private static @Nullable S3Proxy shared;

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private S3Proxy(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** Returns the s3proxy of this JVM, started at the first call. */
  public static synchronized S3Proxy shared() {
    if (shared == null) {
      shared = start();
      S3Proxy started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started.process::destroyForcibly, "s3proxy-stop"));
    }
    return shared;
  }

  private static S3Proxy start() {
    String jar = System.getProperty("s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("no s3proxy jar at the system property s3proxy.jar: " + jar
          + " (the module's build copies it to target/s3proxy/s3proxy.jar)");
    }
    try {
      Path dir = Files.createDirectories(Path.of(jar).getParent());
      Path properties = dir.resolve("s3proxy.properties");
      Files.writeString(properties, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:0",
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          "jclouds.provider=transient",
          "jclouds.identity=unused",
          "jclouds.credential=unused",
          ""));
      Path log = dir.resolve("s3proxy.log");
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(SETPRIV)) {
        command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL"));
      }
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-jar", jar, "--properties", properties.toString()));
      Future<Process> launched = LAUNCHER.submit(() -> new ProcessBuilder(command)
          .redirectErrorStream(true)
          .start());
      Process process = launched.get(10, TimeUnit.SECONDS);
      CompletableFuture<URI> listening = new CompletableFuture<>();
      Thread output = new Thread(() -> follow(process, log, listening), "s3proxy-output");
      output.setDaemon(true);
      output.start();
      try {
        return new S3Proxy(process, listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), log);
      } catch (TimeoutException | ExecutionException e) {
        process.destroyForcibly();
        throw new IllegalStateException("s3proxy did not start within " + START_TIMEOUT + ":\n"
            + Files.readString(log, UTF_8), e);
      }
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not start s3proxy from " + jar, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting s3proxy", e);
    }
  }

  /**
   * Copies s3proxy's output to {@code log} and completes {@code listening} with its address when
   * Jetty says it listens (or exceptionally when the output ends first).
   */
  private static void follow(Process process, Path log, CompletableFuture<URI> listening) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        Writer out = Files.newBufferedWriter(log, UTF_8)) {
      for (String line; (line = lines.readLine()) != null; ) {
        out.write(line);
        out.write('\n');
        out.flush();
        Matcher started = STARTED.matcher(line);
        if (started.find()) {
          listening.complete(URI.create("http://127.0.0.1:" + started.group(1)));
        }
      }
    } catch (IOException e) {
      listening.completeExceptionally(e);
    }
    listening.completeExceptionally(new IOException("s3proxy ended, exit " + process.exitValue()));
  }

  /** Returns s3proxy's own address, {@code http://127.0.0.1:port}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns the file s3proxy logs to. */
  public Path log() {
    return log;
  }

  /**
   * Creates a bucket with a fresh name.
   *
   * @param hint the start of the name: lower-case letters, digits and dashes
   * @return the bucket's name
   */
  public String newBucket(String hint) {
    String name = hint + "-" + BUCKETS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    Response created = send("PUT", "/" + name, null);
    if (created.code() != 200) {
      throw new IllegalStateException("could not create bucket " + name + ": " + created);
    }
    return name;
  }

  /**
   * An answer of s3proxy.
   *
   * @param code the status code
   * @param body the body
   * @param etag the {@code ETag} header, or null
   */
  public record Response(int code, String body, @Nullable String etag) {}

  /**
   * Sends one request signed with the accepted credentials, straight to s3proxy.
   *
   * @param method the HTTP method
   * @param pathAndQuery the path (canonical: as {@link Signer#canonicalPath} writes it) and query
   * @param body the body, or null
   */
  public Response send(String method, String pathAndQuery, @Nullable String body) {
    return send(endpoint, method, pathAndQuery, Map.of(), body, ACCESS_KEY, SECRET_KEY, Instant.now());
  }

  /**
   * Sends one signed request to {@code server} (s3proxy or a relay in front of it), with the
   * JDK's {@code HttpURLConnection}.
   *
   * @param server where to send it
   * @param method the HTTP method
   * @param pathAndQuery the path (canonical) and query
   * @param headers more headers to send and sign
   * @param body the body, or null
   * @param accessKey the access key to sign with
   * @param secretKey its secret
   * @param time the time to sign
   */
  public static Response send(URI server, String method, String pathAndQuery,
      Map<String, String> headers, @Nullable String body, String accessKey, String secretKey,
      Instant time) {
    URI uri = URI.create(server + pathAndQuery);
    byte[] bytes = body == null ? new byte[0] : body.getBytes(UTF_8);
    Map<String, String> signed = new Signer(REGION, "s3").sign(method, uri,
        new LinkedHashMap<>(headers), body == null ? Signer.EMPTY_SHA256 : Signer.sha256Hex(bytes),
        new AwsCredentials(accessKey, secretKey, null), time);
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(5_000);
      c.setReadTimeout(10_000);
      signed.forEach(c::setRequestProperty);
      if (body != null) {
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      int code = c.getResponseCode();
      InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
      return new Response(code, in == null ? "" : new String(in.readAllBytes(), UTF_8),
          c.getHeaderField("ETag"));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + uri + " failed", e);
    }
  }

  @Override
  public String toString() {
    return "S3Proxy[" + endpoint + "]";
  }
}
