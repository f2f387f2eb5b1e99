package dev.registry.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Registers this application with the registry: put it on the {@code @SpringBootApplication}
 * class. A web application registers as soon as its web server listens (with the real port,
 * random ports included) as {@code STARTING}, turns {@code UP} when the application is ready,
 * and deregisters before its web server stops. A non-web application (a worker, a consumer)
 * registers when it is ready.
 *
 * <p>Without the annotation the auto-configuration still provides discovery (the
 * {@code DiscoveryClient} behind {@code @LoadBalanced} clients), so an application that only
 * calls others does not register itself. With it, registration can still be turned off by
 * {@code registry.register=false} or {@code spring.cloud.service-registry.auto-registration.enabled=false}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(EnableServiceRegistration.Marker.class)
public @interface EnableServiceRegistration {

  /**
   * The bean that the annotation adds; the registration auto-configuration turns on when it is
   * present. Not for direct use.
   */
  final class Marker {
    /** Creates the marker. */
    public Marker() {}
  }
}
