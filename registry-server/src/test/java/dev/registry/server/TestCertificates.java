package dev.registry.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's keytool: the
 * registry's key store, and the certificate alone as PEM (what a client is told to trust).
 * Shared with the other modules' tests through this module's test-jar.
 */
public final class TestCertificates {
  /** The password of every key store made here. */
  public static final String PASSWORD = "test-pass";

  /** The registry's key and certificate (PKCS#12, {@link #PASSWORD}). */
  public final Path keyStore;
  /** The certificate alone, as PEM. */
  public final Path certificatePem;

  private TestCertificates(Path keyStore, Path certificatePem) {
    this.keyStore = keyStore;
    this.certificatePem = certificatePem;
  }

  /**
   * Makes the certificate in {@code dir} ({@code server.p12}, {@code server.pem}).
   *
   * @param dir an existing directory
   * @return the files
   * @throws IOException if keytool fails
   * @throws InterruptedException if interrupted while keytool runs
   */
  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Path keyStore = dir.resolve("server.p12");
    Path pem = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-file", pem.toString());
    return new TestCertificates(keyStore, pem);
  }

  /**
   * Runs the JDK's keytool with {@code args}.
   *
   * @param args keytool's arguments, the command first
   * @throws IOException if it fails, with what it printed
   * @throws InterruptedException if interrupted while it runs
   */
  public static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(
        List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + out);
    }
  }

  /**
   * An SSL context that trusts only this certificate, for a test's own reads.
   *
   * @return the context
   */
  public SSLContext trustingContext() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(certificatePem)) {
        Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        trust.setCertificateEntry("registry", cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
