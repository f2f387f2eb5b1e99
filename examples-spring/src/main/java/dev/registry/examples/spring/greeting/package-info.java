/** The greeting service: registers itself and answers {@code GET /greeting}. */
package dev.registry.examples.spring.greeting;
