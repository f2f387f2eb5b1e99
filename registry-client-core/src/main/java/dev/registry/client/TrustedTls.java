package dev.registry.client;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS that trusts exactly the given certificates ({@code Builder.trustedCertificates}): a
 * trust manager over a key store holding them and nothing else, and an SSL context on it. Host
 * names are still verified: neither transport replaces its host name check. Loaded only when
 * certificates are given, so a client without them (the Lambda cold path on {@code http://})
 * loads no TLS class of ours.
 */
final class TrustedTls {
  final X509TrustManager trustManager;
  final SSLSocketFactory socketFactory;

  /**
   * @param trusted one or more certificates
   * @throws IllegalStateException if the JDK cannot set up TLS over them
   */
  TrustedTls(List<X509Certificate> trusted) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        store.setCertificateEntry("trusted-" + i, trusted.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      X509TrustManager found = null;
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509TrustManager x) {
          found = x;
          break;
        }
      }
      if (found == null) {
        throw new IllegalStateException("cannot set up TLS: no X509TrustManager");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {found}, null);
      this.trustManager = found;
      this.socketFactory = context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e, e);
    }
  }

  /**
   * Makes an {@code https} connection trust these certificates only; leaves an {@code http}
   * one alone. The connection keeps the JDK's host name verification. One socket factory for
   * every connection, so that the JDK's keep-alive cache (keyed by it) reuses them.
   */
  void apply(HttpURLConnection connection) {
    if (connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(socketFactory);
    }
  }
}
