package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.client.spi.Json;
import dev.registry.client.spi.JsonViews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The last good views on disk, for a cold start while the registry is down. Written whole on
 * every change of a view, to a temporary file in the same directory that is then moved over
 * the old one atomically, so a reader (or a crash) sees the old file or the new one, never a
 * mix. Read once, at the first lookup that the registry cannot answer. A file that cannot be
 * read or written costs a warning, never a failed call.
 *
 * <p>Format: UTF-8 lines; the first {@code {"format":"registry-views","version":1,
 * "saved_at":<epoch millis>}} (when the file was written), then one view per line in the
 * wire's discover shape ({@link JsonViews}) with its own {@code saved_at}: when the registry
 * last confirmed that view (the client's clock). The age a cold start compares with the
 * maximum age is the view's; a line without {@code saved_at} has no known age and is never
 * served. Readers skip fields they do not know.
 *
 * <p>The file is read like an answer of the registry: at most the client's
 * {@code maxAnswerBytes}, the rest refused (docs/reliability.md, "A broken or hostile
 * registry"); a write past that size is warned about, since it could not be read back.
 */
final class SnapshotFile {

  /** A saved view and when the registry last confirmed it (clock millis; MIN_VALUE: unknown). */
  record Saved(ServiceView view, long savedAtMillis) {}

  private final Path file;
  private final Path temp;
  private final long maxBytes;
  /** Views confirmed longer ago than this are not served at a cold start. */
  private final Duration maxAge;
  private final long maxAgeMillis;
  /** While the registry confirms unchanged views, the file is rewritten at least this often. */
  private final long resaveMillis;
  /** When the file was last written (clock millis); at first long ago, without overflow. */
  private volatile long savedAtMillis = Long.MIN_VALUE / 2;
  private final Object writeLock = new Object();
  private volatile @Nullable Map<String, Saved> loaded;
  private boolean warnedWrite;
  private boolean warnedSize;
  private final Set<String> warnedTooOld = ConcurrentHashMap.newKeySet();

  /**
   * @param maxAge the oldest confirmation of a view that a cold start still serves; the file is
   *     rewritten with the views' new confirmation times every tenth of it
   * @param maxBytes the largest file read back
   */
  SnapshotFile(Path file, Duration maxAge, long maxBytes) {
    this.maxAge = maxAge;
    this.maxBytes = maxBytes;
    this.maxAgeMillis = maxAge.toMillis();
    this.resaveMillis = Math.max(1, maxAgeMillis / 10);
    this.file = file.toAbsolutePath();
    this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
  }

  /** Whether the file was last written a tenth of the maximum age ago or longer. */
  boolean resaveDue(long nowMillis) {
    return nowMillis - savedAtMillis >= resaveMillis;
  }

  /** Writes {@code views} (stale flags dropped) in place of the file's content. */
  void save(Collection<Saved> views, long nowMillis) {
    savedAtMillis = nowMillis;
    StringBuilder out = new StringBuilder(256 * (views.size() + 1));
    out.append("{\"format\":\"registry-views\",\"version\":1,\"saved_at\":").append(nowMillis).append("}\n");
    for (Saved saved : views) {
      ServiceView view = saved.view();
      out.append(new Json.ObjectWriter()
          .field("service", view.service())
          .field("stage", view.stage())
          .field("index", view.index())
          .field("saved_at", saved.savedAtMillis())
          .rawField("instances", JsonViews.instances(view))).append('\n');
    }
    synchronized (writeLock) {
      try {
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes && !warnedSize) {
          warnedSize = true;
          log().warn("The view snapshot {} is {} bytes, more than maxAnswerBytes ({}): a cold start"
              + " would not read it back; raise maxAnswerBytes", file, bytes.length, maxBytes);
        }
        Files.write(temp, bytes);
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e) {
        if (!warnedWrite) {
          warnedWrite = true;
          log().warn("Cannot write the view snapshot {}: {}", file, e.toString());
        }
      }
    }
  }

  /** The saved view of {@code service} in {@code stage}, or null. */
  @Nullable Saved find(String service, String stage) {
    Map<String, Saved> views = loaded;
    if (views == null) {
      views = read();
      loaded = views;
    }
    return views.get(stage + "/" + service);
  }

  private Map<String, Saved> read() {
    // The count of instances is the views' business (Admission); the file is bounded by size.
    Map<String, Saved> views = new HashMap<>();
    List<String> lines;
    try {
      long size = Files.size(file);
      lines = BoundedBody.read(Files.newInputStream(file), size, maxBytes, "the view snapshot " + file)
          .lines().toList();
    } catch (NoSuchFileException e) {
      return views;
    } catch (IOException | RuntimeException e) {
      log().warn("Cannot read the view snapshot {}: {}", file, e.toString());
      return views;
    }
    Object header;
    try {
      header = lines.isEmpty() ? null : Json.parse(lines.get(0));
    } catch (IOException e) {
      header = null;
    }
    if (!(header instanceof Map<?, ?> fields) || !"registry-views".equals(fields.get("format"))
        || !Long.valueOf(1).equals(fields.get("version"))) {
      log().warn("Ignoring the view snapshot {}: not a snapshot of this version", file);
      return views;
    }
    for (String line : lines.subList(1, lines.size())) {
      try {
        Saved saved = savedView(line);
        views.put(saved.view().stage() + "/" + saved.view().service(), saved);
      } catch (IOException | RuntimeException e) {
        log().warn("Ignoring the view snapshot {}: {}", file, e.toString());
        return new HashMap<>();
      }
    }
    return views;
  }

  /** Reads a line {@link #save} wrote; a line without {@code saved_at} is of unknown age. */
  private static Saved savedView(String line) throws IOException {
    Map<?, ?> fields = JsonViews.object(Json.parse(line), "a saved view");
    if (!(fields.get("service") instanceof String service)
        || !(fields.get("stage") instanceof String stage)) {
      throw new IOException("a saved view without service or stage");
    }
    Object savedAt = fields.get("saved_at");
    if (savedAt != null && !(savedAt instanceof Long)) {
      throw new IOException("saved_at of the saved view of " + service + " is not an integer: " + savedAt);
    }
    return new Saved(JsonViews.view(fields, service, stage, Integer.MAX_VALUE),
        savedAt == null ? Long.MIN_VALUE : (Long) savedAt);
  }

  /** Whether a saved view is older than the maximum age (or of unknown age). */
  boolean tooOld(Saved saved, long nowMillis) {
    return saved.savedAtMillis() == Long.MIN_VALUE || saved.savedAtMillis() < nowMillis - maxAgeMillis;
  }

  /**
   * Says, once per service in the log and each time in the answer, that the saved view of
   * {@code holder} is too old to serve.
   */
  String whyTooOld(Object holder, Saved saved, long nowMillis) {
    String why = saved.savedAtMillis() == Long.MIN_VALUE
        ? "the view of " + holder + " in the snapshot " + file + " has no saved time (a line"
            + " without saved_at), so it counts as older than the snapshot's maximum age " + maxAge
            + ": not served"
        : "the view of " + holder + " in the snapshot " + file + " was saved "
            + Duration.ofMillis(nowMillis - saved.savedAtMillis()) + " ago (at "
            + Instant.ofEpochMilli(saved.savedAtMillis()) + "), longer than the snapshot's maximum"
            + " age " + maxAge + ": not served";
    if (warnedTooOld.add(holder.toString())) {
      log().warn("Registry unreachable; {}", why);
    }
    return why;
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
