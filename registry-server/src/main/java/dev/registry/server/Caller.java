package dev.registry.server;

/** Who made a write, by the credential it presented ({@link WriteAccess}). */
enum Caller {
  /** The operator token: every write, including any instance's status and removal without its secret. */
  OPERATOR("operator"),
  /** The shared token that services register with. */
  SERVICE("service"),
  /** Anyone: a registry without a token. */
  ANYONE("anyone");

  /** As the configuration history names it. */
  final String label;

  Caller(String label) {
    this.label = label;
  }
}
