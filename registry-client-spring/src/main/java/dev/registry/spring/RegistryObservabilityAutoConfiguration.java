package dev.registry.spring;

import dev.registry.client.micrometer.MicrometerEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The registry client's observability, when the application has it: with Micrometer, the
 * client's meters and its calls as Observations of the application's
 * {@code ObservationRegistry} ({@link MicrometerEventListener}, so that with Micrometer
 * Tracing each call is a span of the current trace); with Micrometer Tracing, every request to
 * the registry sent in a traced context carries the trace id as its {@code X-Request-Id}, so
 * that the registry's log lines of a request are found by the trace's id.
 *
 * <p>After Spring Boot's own metrics, observation and tracing configuration, whose beans it
 * uses; off with {@code registry.enabled=false}. Each bean backs off when the application
 * defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration"})
@ConditionalOnProperty(name = "registry.enabled", matchIfMissing = true)
public final class RegistryObservabilityAutoConfiguration {

  /** Created by Spring. */
  RegistryObservabilityAutoConfiguration() {}

  /** The client's meters and Observations, with Micrometer. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Meters {
    /**
     * The listener the client's builder is given (every {@code EventListener} bean is).
     *
     * @param meters the application's meter registry
     * @param observations the application's observation registry, if it has one: Spring Boot's
     *     times the calls into {@code meters} and, with tracing, makes them spans
     */
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean
    MicrometerEventListener registryClientMeters(MeterRegistry meters,
        ObjectProvider<ObservationRegistry> observations) {
      MicrometerEventListener.Builder builder = MicrometerEventListener.builder(meters);
      observations.ifAvailable(builder::observationRegistry);
      return builder.build();
    }
  }

  /** Request IDs from the current trace, with Micrometer Tracing. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Tracer.class)
  static class TraceIds {
    /**
     * Makes the current span's trace id the ID of each request to the registry (none outside
     * a trace: the client then sends a new one).
     *
     * @param tracer the application's tracer
     */
    @Bean
    @ConditionalOnBean(Tracer.class)
    @ConditionalOnMissingBean(name = "registryRequestIdsFromTraces")
    RegistryClientBuilderCustomizer registryRequestIdsFromTraces(Tracer tracer) {
      return builder -> builder.requestIdSource(() -> {
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
      });
    }
  }
}
