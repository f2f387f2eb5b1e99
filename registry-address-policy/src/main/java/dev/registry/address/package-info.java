/**
 * The address rule shared by the reference server and the client: {@link
 * dev.registry.address.AddressPolicy}. A module of its own so that neither depends on the other
 * for it (docs/architecture.md, "One address rule").
 */
@NullMarked
package dev.registry.address;

import org.jspecify.annotations.NullMarked;
