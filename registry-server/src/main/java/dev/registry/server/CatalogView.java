package dev.registry.server;

import java.util.Map;

/** An immutable snapshot of every known service of one stage, sorted by name. */
record CatalogView(String stage, long index, Map<String, ServiceView> services) {}
