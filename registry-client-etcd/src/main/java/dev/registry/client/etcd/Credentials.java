package dev.registry.client.etcd;

import static java.util.Objects.requireNonNull;

/**
 * An etcd user and its password, which the backend trades for etcd's auth token. Given as the
 * client's {@code token}, written {@code user:password} like etcdctl's {@code --user}.
 *
 * @param user the etcd user name
 * @param password the password; never shown
 */
record Credentials(String user, String password) {

  Credentials {
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("etcd user must not be empty");
    }
  }

  /**
   * Reads {@code user:password}.
   *
   * @throws IllegalArgumentException if there is no colon or no user; the message does not
   *     show the password
   */
  static Credentials parse(String userAndPassword) {
    int colon = userAndPassword.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "an etcd registry's token must be 'user:password' (as etcdctl --user), with a user name");
    }
    return new Credentials(userAndPassword.substring(0, colon), userAndPassword.substring(colon + 1));
  }

  /** Shows the user, never the password. */
  @Override
  public String toString() {
    return "Credentials[user=" + user + ", password=****]";
  }
}
