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
   * URL or the environment, a well-formed endpoint.
   *
   * @param url the URL
   * @throws IllegalArgumentException naming what is wrong with it
   */
  @Override
  public void checkUrl(URI url) {
    S3Location.parse(url, System.getenv());
  }

  /**
   * Makes the backend of one client: its one {@code s3://} URL's bucket, signed with the
   * environment's credentials (read at each request), sent through the client's transport.
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
    S3Location location = S3Location.parse(context.registryUrls().get(0), System.getenv());
    Bucket bucket = new Bucket(location,
        () -> AwsCredentials.standard(System.getProperties(), System.getenv()),
        context::transport, context.clock());
    return new S3RegistryBackend(bucket, context.leaseTtl(), context.clock());
  }
}
