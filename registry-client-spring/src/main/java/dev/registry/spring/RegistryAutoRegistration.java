package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryException;
import dev.registry.client.Status;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistration;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Registers this application when it can be called, keeps its status in step with the
 * application's availability, and deregisters it before the web server stops.
 *
 * <ul>
 *   <li>A web application registers as {@link Status#STARTING} as soon as its web server
 *       listens ({@link #webServerStarted(int)}, with the real port), and turns {@link Status#UP}
 *       on {@link ApplicationReadyEvent}. A non-web application registers, {@code UP}, on
 *       {@link ApplicationReadyEvent}.
 *   <li>Readiness {@code REFUSING_TRAFFIC} makes it {@link Status#OUT_OF_SERVICE}, liveness
 *       {@code BROKEN} makes it {@link Status#DOWN}; their opposites bring it back.
 *   <li>At shutdown this lifecycle stops before the web server's graceful shutdown (its phase
 *       is {@link #PHASE}): the instance goes {@code OUT_OF_SERVICE}, is deregistered, and the
 *       stop completes only after the propagation wait, so callers have forgotten the instance
 *       before it stops answering. Every step holds one lock and a stopped lifecycle never
 *       registers, so no late event can register the instance again after its
 *       deregistration.
 *   <li>After each registration it publishes Spring Cloud's {@link InstanceRegisteredEvent}, as
 *       the other Spring Cloud registries do (Spring Cloud's {@code discoveryComposite} health
 *       waits for it), and a change of status is one INFO line.
 * </ul>
 *
 * Thread-safe.
 */
public final class RegistryAutoRegistration implements AutoServiceRegistration, SmartLifecycle,
    ApplicationListener<ApplicationEvent>, ApplicationEventPublisherAware {
  /**
   * The lifecycle phase: after the web server's start, and so stopped before the web server's
   * graceful shutdown ({@code SmartLifecycle.DEFAULT_PHASE - 1024}) and its stop.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private static final Logger log = LoggerFactory.getLogger(RegistryAutoRegistration.class);

  private final RegistryServiceRegistry serviceRegistry;
  private final RegistryRegistration registration;
  private final IntFunction<URI> webAddress;
  private final URI nonWebAddress;
  private final Duration propagationWait;
  private final Duration outOfServiceTimeout;
  private final Object lock = new Object();
  private volatile @Nullable ApplicationEventPublisher publisher;

  private boolean running;
  private boolean stopped;
  private boolean ready;
  private boolean refusingTraffic;
  private boolean broken;
  private @Nullable Status registeredStatus;
  /** The registry holds no status (the seed's has no /status route): none is sent any more. */
  private boolean noStatus;

  /**
   * Creates the auto-registration.
   *
   * @param serviceRegistry where to register
   * @param registration this application's instance
   * @param webAddress the address for the web server's port
   * @param nonWebAddress the address of a non-web application
   * @param propagationWait how long to keep serving after deregistering, at shutdown
   * @param outOfServiceTimeout at shutdown, how long the {@code OUT_OF_SERVICE} call may take
   *     before deregistration goes ahead without it (the deregistration has its own bound, the
   *     client's deregistration timeout)
   * @throws IllegalArgumentException if the propagation wait is negative
   */
  public RegistryAutoRegistration(RegistryServiceRegistry serviceRegistry,
      RegistryRegistration registration, IntFunction<URI> webAddress, URI nonWebAddress,
      Duration propagationWait, Duration outOfServiceTimeout) {
    this.serviceRegistry = requireNonNull(serviceRegistry, "serviceRegistry");
    this.registration = requireNonNull(registration, "registration");
    this.webAddress = requireNonNull(webAddress, "webAddress");
    this.nonWebAddress = requireNonNull(nonWebAddress, "nonWebAddress");
    this.propagationWait = requireNonNull(propagationWait, "propagationWait");
    if (propagationWait.isNegative()) {
      throw new IllegalArgumentException("registry.propagation-wait must be >= 0: " + propagationWait);
    }
    this.outOfServiceTimeout = requireNonNull(outOfServiceTimeout, "outOfServiceTimeout");
  }

  /**
   * The web server listens on {@code port}: registers as {@code STARTING} (or with the status
   * the availability events call for).
   *
   * @param port the actual port
   */
  public void webServerStarted(int port) {
    synchronized (lock) {
      if (stopped || registeredStatus != null) {
        return;
      }
      registration.bindAddress(webAddress.apply(port));
      registerLocked();
    }
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof ApplicationReadyEvent) {
      synchronized (lock) {
        ready = true;
        if (stopped) {
          return;
        }
        if (registeredStatus == null) {
          if (registration.address() == null) {
            registration.bindAddress(nonWebAddress); // no web server: a worker
          }
          registerLocked();
        } else {
          updateLocked();
        }
      }
    } else if (event instanceof AvailabilityChangeEvent<?> change) {
      Object state = change.getState();
      synchronized (lock) {
        if (state instanceof ReadinessState readiness) {
          refusingTraffic = readiness == ReadinessState.REFUSING_TRAFFIC;
        } else if (state instanceof LivenessState liveness) {
          broken = liveness == LivenessState.BROKEN;
        } else {
          return;
        }
        updateLocked();
      }
    }
  }

  private Status wantedStatus() {
    if (broken) {
      return Status.DOWN;
    }
    if (refusingTraffic) {
      return Status.OUT_OF_SERVICE;
    }
    return ready ? Status.UP : Status.STARTING;
  }

  private void registerLocked() {
    Status status = wantedStatus();
    serviceRegistry.register(registration, status);
    registeredStatus = status;
    log.info("Registered {} as {}", registration, status);
    ApplicationEventPublisher events = publisher;
    if (events != null) {
      events.publishEvent(new InstanceRegisteredEvent<>(this, registration));
    }
  }

  private void updateLocked() {
    Status wanted = wantedStatus();
    if (stopped || noStatus || registeredStatus == null || registeredStatus == wanted) {
      return;
    }
    try {
      serviceRegistry.setStatus(registration, wanted.name());
      log.info("{} is now {} (was {})", registration, wanted, registeredStatus);
      registeredStatus = wanted;
    } catch (UnsupportedOperationException e) {
      noStatus = true;
      log.info("The registry holds no status: {} is listed as UP while it is registered ({})", registration,
          e.getMessage());
    } catch (RegistryException | IllegalStateException e) {
      log.warn("Could not set the status of {} to {}: {}", registration, wanted, e.toString());
    }
  }

  /** Registers again after a {@link #stop()}, when the address is known (a restarted context). */
  @Override
  public void start() {
    synchronized (lock) {
      running = true;
      if (stopped) {
        stopped = false;
        if (registration.address() != null && registeredStatus == null) {
          registerLocked();
        }
      }
    }
  }

  /**
   * Takes the instance out of service, deregisters it, and calls {@code callback} after the
   * propagation wait, without holding a thread.
   */
  @Override
  public void stop(Runnable callback) {
    requireNonNull(callback, "callback");
    boolean wasRegistered = deregister();
    long waitMillis = propagationWait.toMillis();
    if (wasRegistered && waitMillis > 0) {
      CompletableFuture.delayedExecutor(waitMillis, TimeUnit.MILLISECONDS).execute(callback);
    } else {
      callback.run();
    }
  }

  /** Like {@link #stop(Runnable)}, returning after the propagation wait. */
  @Override
  public void stop() {
    CountDownLatch done = new CountDownLatch(1);
    stop(done::countDown);
    try {
      done.await(propagationWait.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean deregister() {
    synchronized (lock) {
      running = false;
      stopped = true;
      if (registeredStatus == null) {
        return false;
      }
      if (registeredStatus != Status.OUT_OF_SERVICE && !noStatus) {
        takeOutOfService();
      }
      serviceRegistry.deregister(registration);
      registeredStatus = null;
      log.info("Left the registry: {}; serving {} ms more while callers hear of it", registration,
          propagationWait.toMillis());
      return true;
    }
  }

  /**
   * A status call retries (each attempt bounded by the request timeout); at shutdown an
   * unreachable registry must not hold the application that long, so the call gets a bound
   * and deregistration goes ahead after it.
   */
  private void takeOutOfService() {
    CompletableFuture<Void> call = CompletableFuture.runAsync(
        () -> serviceRegistry.setStatus(registration, Status.OUT_OF_SERVICE.name()));
    try {
      call.get(outOfServiceTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("{} not taken out of service within {} ms; deregistering anyway", registration,
          outOfServiceTimeout.toMillis());
    } catch (ExecutionException e) {
      log.warn("Could not take {} out of service before deregistering: {}", registration,
          e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Spring hands over the publisher of {@link InstanceRegisteredEvent}. */
  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * Returns the status the instance is registered with.
   *
   * @return the status, or null while it is not registered
   */
  public @Nullable Status registeredStatus() {
    synchronized (lock) {
      return registeredStatus;
    }
  }
}
