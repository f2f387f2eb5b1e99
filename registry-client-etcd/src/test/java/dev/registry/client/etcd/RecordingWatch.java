package dev.registry.client.etcd;

import dev.registry.client.RegistryException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a {@link WatchStream} tells, as lines such as {@code put /k v @12}. */
final class RecordingWatch implements WatchStream.Listener {
  final List<String> heard = new CopyOnWriteArrayList<>();
  final List<WatchStream.Change> changes = new CopyOnWriteArrayList<>();

  @Override
  public void created(String clusterId, long revision) {
    heard.add("created");
  }

  @Override
  public void changed(List<WatchStream.Change> batch, long revision) {
    changes.addAll(batch);
    for (WatchStream.Change c : batch) {
      heard.add((c.deleted() ? "delete " : "put ") + c.kv().key() + (c.deleted() ? "" : " " + c.kv().value())
          + " @" + c.kv().modRevision());
    }
  }

  @Override
  public void progress(long revision) {
    heard.add("progress @" + revision);
  }

  @Override
  public void compacted(long compactRevision) {
    heard.add("compacted @" + compactRevision);
  }

  @Override
  public void idle() {
    heard.add("idle");
  }

  @Override
  public void failed(RegistryException cause) {
    heard.add("failed " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }

  long lastRevision() {
    return changes.isEmpty() ? 0 : changes.get(changes.size() - 1).kv().modRevision();
  }
}
