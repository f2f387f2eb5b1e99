package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** ListObjectsV2 answers as S3 writes them (the S3 API reference's example, and a truncated page). */
class ListingTest {
  @Test
  void readsTheObjectsOfAPageWithTheirEntitiesAndTimes() throws Exception {
    Listing page = Listing.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + "<Name>bucket</Name><Prefix/><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>"
        + "<IsTruncated>false</IsTruncated>"
        + "<Contents><Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
        + "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>"
        + "<StorageClass>STANDARD</StorageClass></Contents>"
        + "<Contents><Key>a&amp;b&#x2F;c</Key><LastModified>2026-12-05T05:17:04Z</LastModified>"
        + "<ETag>\"x\"</ETag></Contents></ListBucketResult>");
    assertThat(page.next()).isNull();
    assertThat(page.objects()).containsExactly(
        new Listing.S3Object("my-image.jpg", Instant.parse("2009-10-12T17:50:30Z"),
            "\"fba9dede5f27731c9771645a39863328\""),
        new Listing.S3Object("a&b/c", Instant.parse("2026-12-05T05:17:04Z"), "\"x\""));
  }

  @Test
  void aTruncatedPageGivesTheTokenOfTheNext() throws Exception {
    Listing page = Listing.parse("<ListBucketResult><IsTruncated>true</IsTruncated>"
        + "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
        + "</ListBucketResult>");
    assertThat(page.next()).isEqualTo("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  }

  @Test
  void anythingElseIsUnreadable() {
    assertThatThrownBy(() -> Listing.parse("<Error><Code>NoSuchBucket</Code></Error>"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Listing.parse("<ListBucketResult><Contents><Key>k</Key>"
        + "<LastModified>yesterday</LastModified></Contents></ListBucketResult>"))
        .hasMessageContaining("LastModified of k is not a UTC time: yesterday");
    assertThatThrownBy(() -> Listing.parse("<ListBucketResult><Contents><Key>k</Key>"))
        .hasMessageContaining("cut inside <Contents>");
  }
}
