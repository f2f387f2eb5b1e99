/** The caller: calls the greeting service by name through a {@code @LoadBalanced RestClient}. */
package dev.registry.examples.spring.caller;
