/**
 * Two Spring Boot applications over {@code registry-client-spring}: a greeting service that
 * registers itself ({@code @EnableServiceRegistration}), and a caller that calls it by name
 * through a {@code @LoadBalanced RestClient}.
 */
package dev.registry.examples.spring;
