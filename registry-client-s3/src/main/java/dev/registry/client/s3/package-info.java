/**
 * The S3 registry backend: with this module on the class path, registry URLs of the form
 * {@code s3://bucket/prefix} keep the registry in an S3 bucket (docs/s3.md has the layout). The
 * only public type is the {@link java.util.ServiceLoader} provider; everything else is
 * package-private.
 */
@NullMarked
package dev.registry.client.s3;

import org.jspecify.annotations.NullMarked;
