package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link Sha256} against the published examples (FIPS 180-4's, as NIST's "Examples with
 * Intermediate Values" give them; RFC 4231's test cases 1, 2 and 6) and against the JDK's own
 * SHA-256 and HMAC for every length across the padding boundaries.
 */
class Sha256Test {
  private static final HexFormat HEX = HexFormat.of();

  private static String sha256(String ascii) {
    return HEX.formatHex(Sha256.digest(ascii.getBytes(US_ASCII)));
  }

  @Test
  void digestsFips180Examples() {
    assertThat(sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
        .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assertThat(sha256("")).isEqualTo(Signer.EMPTY_SHA256);
  }

  @Test
  void authenticatesRfc4231Examples() {
    byte[] key1 = new byte[20];
    Arrays.fill(key1, (byte) 0x0b);
    assertThat(HEX.formatHex(Sha256.hmac(key1, "Hi There".getBytes(US_ASCII))))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertThat(HEX.formatHex(Sha256.hmac("Jefe".getBytes(US_ASCII),
        "what do ya want for nothing?".getBytes(US_ASCII))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    byte[] longKey = new byte[131];
    Arrays.fill(longKey, (byte) 0xaa);
    assertThat(HEX.formatHex(Sha256.hmac(longKey,
        "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(US_ASCII))))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void agreesWithTheJdkAcrossEveryPaddingBoundary() throws Exception {
    Random random = new Random(42);
    MessageDigest jdk = MessageDigest.getInstance("SHA-256");
    Mac mac = Mac.getInstance("HmacSHA256");
    for (int length = 0; length <= 300; length++) {
      byte[] message = new byte[length];
      random.nextBytes(message);
      assertThat(Sha256.digest(message)).as("length %d", length).isEqualTo(jdk.digest(message));
      byte[] key = new byte[1 + random.nextInt(150)];
      random.nextBytes(key);
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      assertThat(Sha256.hmac(key, message)).as("length %d, key %d", length, key.length)
          .isEqualTo(mac.doFinal(message));
    }
  }
}
