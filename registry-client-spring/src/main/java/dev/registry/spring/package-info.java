/**
 * Spring Boot auto-configuration over the registry client core: with
 * {@link dev.registry.spring.EnableServiceRegistration} on the application class the app
 * registers itself, and the Spring Cloud {@code DiscoveryClient} it provides lets
 * {@code @LoadBalanced} clients call services by name. Configured by {@code registry.*}
 * properties ({@link dev.registry.spring.RegistryProperties}).
 */
@NullMarked
package dev.registry.spring;

import org.jspecify.annotations.NullMarked;
