package dev.registry.client.s3;

import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.util.Set;

/**
 * Serves {@code s3://bucket/prefix} registry URLs: the registry kept in an S3 bucket
 * (docs/s3.md). Found by {@link java.util.ServiceLoader} when this module is on the class path;
 * not for direct use. The URL may carry {@code region} and {@code endpoint} parameters;
 * otherwise {@code AWS_REGION} and {@code AWS_ENDPOINT_URL_S3} apply, and the credentials are
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} (or the
 * {@code aws.*} system properties). Loads nothing but itself until a client's first call.
 * Thread-safe.
 */
public final class S3BackendProvider implements RegistryBackendProvider {

  /** Made by {@link java.util.ServiceLoader}. */
  public S3BackendProvider() {}

  /**
   * Returns {@code s3}.
   *
   * @return the schemes served
   */
  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  /**
   * Checks a registry URL: a bucket, a well-formed prefix, known parameters, a region from the
   * URL or the environment, a well-formed endpoint; and that there are credentials to sign with.
   *
   * @param url the URL
   * @throws IllegalArgumentException naming what is wrong with it, or that there are no
   *     credentials
   */
  @Override
  public void checkUrl(URI url) {
    S3Location.parse(url, System.getenv());
    credentials(url);
  }

  private static AwsCredentials credentials(URI url) {
    try {
      return AwsCredentials.standard(System.getProperties(), System.getenv());
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("S3 registry URL '" + url + "': " + e.getMessage(), e);
    }
  }

  /**
   * Makes the backend of one client: its one {@code s3://} URL's bucket, signed with the
   * credentials of the environment (read now), sent through the client's transport.
   *
   * @param context the client's URLs, settings and transport
   * @return the backend
   * @throws IllegalArgumentException if the client has more than one registry URL: an S3
   *     registry is one bucket
   */
  @Override
  public RegistryBackend create(BackendContext context) {
    if (context.registryUrls().size() != 1) {
      throw new IllegalArgumentException("an S3 registry is one bucket: give one s3:// registry"
          + " URL, not " + context.registryUrls());
    }
    URI url = context.registryUrls().get(0);
    Bucket bucket = new Bucket(S3Location.parse(url, System.getenv()), credentials(url),
        context::transport, context.clock());
    return new S3RegistryBackend(bucket, context.leaseTtl(), context.clock());
  }
}
