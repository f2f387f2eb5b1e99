/**
 * Implementation of the client core. Not API: anything here may change in any release.
 */
@NullMarked
package dev.registry.client.internal;

import org.jspecify.annotations.NullMarked;
