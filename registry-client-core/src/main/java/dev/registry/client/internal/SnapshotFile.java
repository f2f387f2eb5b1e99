package dev.registry.client.internal;

import dev.registry.client.ServiceView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good views on disk, for a cold start while the registry is down. Written whole on
 * every change of a view, to a temporary file in the same directory that is then moved over
 * the old one atomically, so a reader (or a crash) sees the old file or the new one, never a
 * mix. Read once, at the first lookup that the registry cannot answer. A file that cannot be
 * read or written costs a warning, never a failed call.
 *
 * <p>Format: UTF-8 lines; the first {@code {"format":"registry-views","version":1,
 * "saved_at":<epoch millis>}}, then one view per line in the wire's discover shape.
 */
final class SnapshotFile {
  private static final Logger log = LoggerFactory.getLogger("dev.registry.client");

  private final Path file;
  private final Path temp;
  private final Object writeLock = new Object();
  private volatile @Nullable Map<String, ServiceView> loaded;
  private boolean warnedWrite;

  SnapshotFile(Path file) {
    this.file = file.toAbsolutePath();
    this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
  }

  /** Writes {@code views} (stale flags dropped) in place of the file's content. */
  void save(Collection<ServiceView> views, long nowMillis) {
    StringBuilder out = new StringBuilder(256 * (views.size() + 1));
    out.append("{\"format\":\"registry-views\",\"version\":1,\"saved_at\":").append(nowMillis).append("}\n");
    for (ServiceView view : views) {
      out.append(JsonCodec.viewLine(view)).append('\n');
    }
    synchronized (writeLock) {
      try {
        Files.writeString(temp, out, StandardCharsets.UTF_8);
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e) {
        if (!warnedWrite) {
          warnedWrite = true;
          log.warn("Cannot write the view snapshot {}: {}", file, e.toString());
        }
      }
    }
  }

  /** The saved view of {@code service} in {@code stage}, or null. */
  @Nullable ServiceView find(String service, String stage) {
    Map<String, ServiceView> views = loaded;
    if (views == null) {
      views = read();
      loaded = views;
    }
    return views.get(stage + "/" + service);
  }

  private Map<String, ServiceView> read() {
    Map<String, ServiceView> views = new HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return views;
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot read the view snapshot {}: {}", file, e.toString());
      return views;
    }
    if (lines.isEmpty() || !lines.get(0).startsWith("{\"format\":\"registry-views\",\"version\":1,")) {
      log.warn("Ignoring the view snapshot {}: not a snapshot of this version", file);
      return views;
    }
    for (String line : lines.subList(1, lines.size())) {
      try {
        ServiceView view = JsonCodec.viewLine(line);
        views.put(view.stage() + "/" + view.service(), view);
      } catch (IOException | RuntimeException e) {
        log.warn("Ignoring the view snapshot {}: {}", file, e.toString());
        return new HashMap<>();
      }
    }
    return views;
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
