package dev.registry.server;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The runnable jar's entry point:
 *
 * <pre>
 * java -jar registry-server.jar [--host 127.0.0.1] [--port 5001] [--data-dir DIR]
 *     [--heartbeat-timeout 30s] [--cleanup-interval 10s] [--max-body-bytes 65536] ...
 * </pre>
 *
 * <p>Logs one line with the bound address, serves until SIGTERM or SIGINT, then closes the server
 * gracefully and exits 0. Bad arguments print the usage and exit 2, and so does an open registry
 * (no token) asked to listen on an address other than loopback without {@code --insecure}; a
 * port that cannot be bound exits 1.
 */
public final class Main {
  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: java -jar registry-server.jar [options]",
      "",
      "A minimal service registry (see docs/api.md), in memory unless --data-dir is given.",
      "",
      "Options:",
      "  --host HOST                 address to bind (default 127.0.0.1; 0.0.0.0 for all)",
      "  --port PORT                 port to bind, 0 for an ephemeral one (default 5001)",
      "  --heartbeat-timeout DUR     lease of an instance that sends no ttl_seconds (default 30s)",
      "  --cleanup-interval DUR      how often the sweep runs (default 10s)",
      "  --data-dir DIR              keep the registry in DIR (created if missing), so that a restart,",
      "                              even after kill -9, loses no acknowledged write; default: memory only",
      "  --health-checks             run the checks registrations ask for (the server connects to them);",
      "                              MicroReg registrations (POST /RPC2) get a TCP check every 5s",
      "",
      "Limits (a request beyond one is refused with a 4xx JSON error):",
      "  --max-body-bytes N          largest request body (default 65536; 413 beyond)",
      "  --max-metadata-entries N    metadata entries per instance (default 64)",
      "  --max-metadata-key-length N longest metadata key, characters (default 128)",
      "  --max-metadata-value-length N  longest metadata value, characters (default 1024)",
      "  --max-instances-per-service N  live instances of one service in one stage (default 10000; 409 beyond)",
      "  --max-services N            services with a live instance, per stage, in all (default 10000; 409 beyond)",
      "  --max-config-entries N      configuration entries of one service, every scope (default 1000; 409 beyond)",
      "  --max-config-value-length N longest configuration value, characters (default 16384)",
      "",
      "Security:",
      "  --token TOKEN               every write needs 'Authorization: Bearer TOKEN' (401 otherwise),",
      "                              and heartbeats/status/deregister need the instance's secret;",
      "                              default: the REGISTRY_TOKEN environment variable (prefer it:",
      "                              a command line is visible to other users of the machine)",
      "                              REGISTRY_OPERATOR_TOKEN (environment only): an operator token, for",
      "                              every write, and any instance's status and removal without its secret",
      "  --insecure                  allow an open registry (no token) on a non-loopback --host",
      "  --tls-keystore FILE         serve HTTPS with the key and certificate chain of a PKCS#12 file;",
      "                              its password: REGISTRY_TLS_PASSWORD (or --tls-password PASSWORD)",
      "  --allow-link-local          accept link-local and cloud metadata addresses (169.254.0.0/16,",
      "                              fe80::/10, fd00:ec2::254, metadata.google.internal); refused by default",
      "",
      "Observability:",
      "  --log-format text|json      one log line per event as text (default) or as JSON",
      "  --slow-request DUR          log answers slower than this, long-polls excepted (default 1s)",
      "  --no-metrics                keep no metrics and answer no GET /metrics",
      "",
      "  -h, --help                  print this help and exit",
      "",
      "DUR is a duration like 30s, 500ms, 2m or a plain number of seconds.");

  private Main() {}

  /**
   * Runs the server until the process is told to stop.
   *
   * @param args the command line; see the class documentation
   */
  public static void main(String[] args) {
    RegistryServer.Builder builder;
    try {
      builder = parse(args);
      ServerLogging.configure(logFormat(args));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println();
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (builder == null) {
      System.out.println(USAGE);
      return;
    }
    RegistryServer server = builder.build();
    try {
      server.start();
    } catch (UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    } catch (IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      System.out.flush();
      System.err.flush();
      // Exit 0: a requested stop is a clean stop, not a death by signal (128 + 15).
      Runtime.getRuntime().halt(0);
    }, "registry-shutdown"));
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The builder the arguments ask for, or null for {@code --help}. @throws IllegalArgumentException */
  static RegistryServer.@Nullable Builder parse(String[] args) {
    return parse(args, System.getenv("REGISTRY_TOKEN"));
  }

  /** Like {@link #parse(String[])}, with the value of {@code REGISTRY_TOKEN} given. */
  static RegistryServer.@Nullable Builder parse(String[] args, @Nullable String envToken) {
    return parse(args, envToken, System.getenv("REGISTRY_TLS_PASSWORD"));
  }

  /** Like {@link #parse(String[])}, with the environment's token and TLS password given. */
  static RegistryServer.@Nullable Builder parse(String[] args, @Nullable String envToken,
      @Nullable String envTlsPassword) {
    return parse(args, envToken, envTlsPassword, System.getenv("REGISTRY_OPERATOR_TOKEN"));
  }

  /** Like {@link #parse(String[])}, with the environment's tokens and TLS password given. */
  static RegistryServer.@Nullable Builder parse(String[] args, @Nullable String envToken,
      @Nullable String envTlsPassword, @Nullable String envOperatorToken) {
    String tlsKeyStore = null;
    String tlsPassword = envTlsPassword;
    RegistryServer.Builder builder = RegistryServer.builder();
    if (envOperatorToken != null && !envOperatorToken.isEmpty()) {
      try {
        builder.operatorToken(envOperatorToken);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("REGISTRY_OPERATOR_TOKEN: " + e.getMessage());
      }
    }
    if (envToken != null && !envToken.isEmpty()) {
      try {
        builder.token(envToken);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("REGISTRY_TOKEN: " + e.getMessage());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "-h", "--help" -> {
          return null;
        }
        case "--insecure", "--allow-link-local", "--no-metrics", "--health-checks" -> {
          if (value != null) {
            throw new IllegalArgumentException(arg + " takes no value: '" + value + "'");
          }
          if (arg.equals("--insecure")) {
            builder.insecure(true);
          } else if (arg.equals("--no-metrics")) {
            builder.metrics(false);
          } else if (arg.equals("--health-checks")) {
            builder.healthChecks(true);
          } else {
            builder.denyLinkLocal(false);
          }
        }
        case "--host", "--port", "--heartbeat-timeout", "--cleanup-interval", "--max-body-bytes",
            "--max-metadata-entries", "--max-metadata-key-length", "--max-metadata-value-length",
            "--max-instances-per-service", "--max-services", "--token", "--tls-keystore", "--tls-password",
            "--log-format", "--slow-request", "--data-dir", "--max-config-entries", "--max-config-value-length" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(arg + " needs a value");
            }
            value = args[++i];
          }
          if (arg.equals("--tls-keystore")) {
            tlsKeyStore = value;
          } else if (arg.equals("--tls-password")) {
            tlsPassword = value;
          } else {
            apply(builder, arg, value);
          }
        }
        default -> throw new IllegalArgumentException("unknown argument: '" + arg + "'");
      }
    }
    if (tlsKeyStore != null) {
      if (tlsPassword == null) {
        throw new IllegalArgumentException("--tls-keystore needs a password: set REGISTRY_TLS_PASSWORD or --tls-password");
      }
      builder.tls(java.nio.file.Path.of(tlsKeyStore), tlsPassword);
    } else if (tlsPassword != null && envTlsPassword == null) {
      throw new IllegalArgumentException("--tls-password needs --tls-keystore");
    }
    return builder;
  }

  private static void apply(RegistryServer.Builder builder, String option, String value) {
    switch (option) {
      case "--host" -> builder.host(value);
      case "--port" -> builder.port(number(option, value, "from 0 to 65535"));
      case "--max-body-bytes" -> builder.maxBodyBytes(number(option, value, "of bytes"));
      case "--max-metadata-entries" -> builder.maxMetadataEntries(number(option, value, "of entries"));
      case "--max-metadata-key-length" -> builder.maxMetadataKeyLength(number(option, value, "of characters"));
      case "--max-metadata-value-length" -> builder.maxMetadataValueLength(number(option, value, "of characters"));
      case "--max-instances-per-service" -> builder.maxInstancesPerService(number(option, value, "of instances"));
      case "--max-services" -> builder.maxServices(number(option, value, "of services"));
      case "--max-config-entries" -> builder.maxConfigEntries(number(option, value, "of entries"));
      case "--max-config-value-length" -> builder.maxConfigValueLength(number(option, value, "of characters"));
      case "--token" -> {
        try {
          builder.token(value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--token: " + e.getMessage());
        }
      }
      case "--heartbeat-timeout" -> builder.heartbeatTimeout(duration(option, value));
      case "--data-dir" -> builder.dataDirectory(path(option, value));
      case "--cleanup-interval" -> builder.cleanupInterval(duration(option, value));
      case "--slow-request" -> builder.slowRequestThreshold(duration(option, value));
      case "--log-format" -> ServerLogging.Format.parse(value);  // checked here, applied by main
      default -> throw new IllegalArgumentException("unknown argument: '" + option + "'");
    }
  }

  private static int number(String option, String value, String what) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number " + what + ": '" + value + "'");
    }
  }

  private static java.nio.file.Path path(String option, String value) {
    try {
      return java.nio.file.Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(option + " must be a path: '" + value + "'");
    }
  }

  private static Duration duration(String option, String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage());
    }
  }

  /**
   * The log format the arguments ask for (the last {@code --log-format}), text by default. The
   * arguments are checked by {@link #parse(String[])} first.
   */
  static ServerLogging.Format logFormat(String[] args) {
    ServerLogging.Format format = ServerLogging.Format.TEXT;
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--log-format=")) {
        format = ServerLogging.Format.parse(args[i].substring("--log-format=".length()));
      } else if (args[i].equals("--log-format") && i + 1 < args.length) {
        format = ServerLogging.Format.parse(args[++i]);
      }
    }
    return format;
  }
}
